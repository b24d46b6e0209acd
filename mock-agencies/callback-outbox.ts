// Callbacks to the orchestrator, sent from a durable outbox: written in the same transaction as the
// decision or event that causes them, delivered with X-Signature (timestamped, per agency), retried with capped exponential
// backoff until the receiver answers 2xx (the orchestrator may be down for a while).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AgencyCallback } from '../activities/agency-callbacks.schemas';
import { startPoller, type Poller } from './poller';
import { agencyCallbackKey, SIGNATURE_HEADER, signCallback } from '../infra/agency-signature';
import type { Db } from './store';

export interface CallbackOutboxOptions {
  /** base URL; an event goes to `${url}/${agency}`. Without it events are stored but not sent. */
  url: string | undefined;
  /** the orchestrator's master callback secret: each agency signs with its own key derived from it */
  secret: string;
  pollIntervalMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

export interface CallbackView {
  eventId: string;
  agency: string;
  type: string;
  caseId: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
  body: AgencyCallback;
}

type NewCallback = AgencyCallback extends infer E ? (E extends AgencyCallback ? Omit<E, 'eventId' | 'occurredAt'> : never) : never;

interface DueRow { event_id: string; agency: string; body: string; attempts: number }

export class CallbackOutbox {
  private poller: Poller | undefined;
  private readonly stmt;

  constructor(db: Db, private readonly options: CallbackOutboxOptions, private readonly log: Logger) {
    this.stmt = {
      insert: db.prepare(
        'INSERT INTO callbacks (event_id, agency, type, case_id, body, created_at, next_attempt_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      due: db.prepare(
        'SELECT event_id, agency, body, attempts FROM callbacks WHERE delivered_at IS NULL AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, created_at LIMIT 20',
      ),
      delivered: db.prepare('UPDATE callbacks SET attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE event_id = ?'),
      failed: db.prepare('UPDATE callbacks SET attempts = attempts + 1, next_attempt_at_ms = ?, last_error = ? WHERE event_id = ?'),
      list: db.prepare(
        `SELECT event_id, agency, type, case_id, attempts, delivered_at, last_error, body FROM callbacks
         WHERE (@caseId IS NULL OR case_id = @caseId) ORDER BY created_at, event_id`,
      ),
    };
  }

  /** Call inside the transaction that makes the event true: a rollback takes the callback with it. */
  enqueue(event: NewCallback): string {
    const eventId = randomUUID();
    const now = new Date();
    const body = JSON.stringify({ eventId, occurredAt: now.toISOString(), ...event });
    this.stmt.insert.run(eventId, event.agency, event.type, event.caseId, body, now.toISOString(), now.getTime());
    this.poller?.kick(); // the send runs on a later tick, after the enclosing transaction has committed
    return eventId;
  }

  list(caseId: string | undefined): CallbackView[] {
    return (this.stmt.list.all({ caseId: caseId ?? null }) as Array<Record<string, unknown>>).map((r) => ({
      eventId: r.event_id as string,
      agency: r.agency as string,
      type: r.type as string,
      caseId: r.case_id as string,
      attempts: r.attempts as number,
      deliveredAt: (r.delivered_at as string | null) ?? null,
      lastError: (r.last_error as string | null) ?? null,
      body: JSON.parse(r.body as string) as AgencyCallback,
    }));
  }

  start(): void {
    if (!this.options.url) {
      this.log.warn('no callback URL: agency callbacks are stored but not sent');
      return;
    }
    this.poller = startPoller('callbacks', this.options.pollIntervalMs, this.log, (signal) => this.deliverDue(signal));
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }

  private async deliverDue(signal: AbortSignal): Promise<void> {
    const due = this.stmt.due.all(Date.now()) as DueRow[];
    for (const row of due) {
      if (signal.aborted) return;
      const error = await this.post(row, signal);
      if (signal.aborted) return; // shutting down: the attempt is not counted and is retried after restart
      if (error === null) {
        this.stmt.delivered.run(new Date().toISOString(), row.event_id);
        this.log.info({ eventId: row.event_id, agency: row.agency, attempt: row.attempts + 1 }, 'callback delivered');
      } else if (isFinalRejection(error)) {
        // The receiver understood and refused it (e.g. an unknown case): sending it again cannot help.
        this.stmt.delivered.run(new Date().toISOString(), row.event_id);
        this.log.warn({ eventId: row.event_id, agency: row.agency, attempt: row.attempts + 1, error }, 'callback rejected by the receiver; not retried');
      } else {
        const delay = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** row.attempts);
        this.stmt.failed.run(Date.now() + delay, error, row.event_id);
        this.log.warn({ eventId: row.event_id, agency: row.agency, attempt: row.attempts + 1, error, retryInMs: delay }, 'callback not delivered');
      }
    }
  }

  /** null when the receiver answered 2xx, else a short reason (no payload in it). */
  private async post(row: DueRow, signal: AbortSignal): Promise<string | null> {
    try {
      const res = await fetch(`${this.options.url}/${row.agency}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signCallback(row.body, row.agency, agencyCallbackKey(this.options.secret, row.agency)), 'X-Event-Id': row.event_id },
        body: row.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return cause?.code ?? (err as Error).name ?? 'error';
    }
  }
}

/** A 4xx answer is final, except 408 (timeout) and 429 (slow down), which are worth retrying. */
function isFinalRejection(error: string): boolean {
  const status = /^HTTP (\d{3})$/.exec(error)?.[1];
  return status !== undefined && status.startsWith('4') && status !== '408' && status !== '429';
}
