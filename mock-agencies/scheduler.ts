// Timed agency events (a card made and posted N scaled days after the application). The due time is
// stored with the record, and a loop fires what is due, so an event survives a restart: after one, the
// loop picks up everything that fell due while the process was down.
import type { Logger } from 'pino';
import { startPoller, type Poller } from './poller';
import type { Db } from './store';

export type EventHandler = (recordId: number) => void;

export class EventScheduler {
  private readonly handlers = new Map<string, EventHandler>();
  private poller: Poller | undefined;
  private readonly stmt;

  constructor(private readonly db: Db, private readonly pollIntervalMs: number, private readonly log: Logger) {
    this.stmt = {
      insert: db.prepare('INSERT INTO scheduled_events (kind, record_id, due_at_ms) VALUES (?, ?, ?)'),
      due: db.prepare('SELECT id, kind, record_id FROM scheduled_events WHERE done_at IS NULL AND due_at_ms <= ? ORDER BY due_at_ms LIMIT 50'),
      done: db.prepare('UPDATE scheduled_events SET done_at = ? WHERE id = ? AND done_at IS NULL'),
    };
  }

  /** The handler runs inside a transaction with marking the event done: it happens exactly once. */
  on(kind: string, handler: EventHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Call inside the transaction that creates the record. */
  schedule(kind: string, recordId: number, dueAtMs: number): void {
    this.stmt.insert.run(kind, recordId, dueAtMs);
  }

  start(): void {
    this.poller = startPoller('scheduler', this.pollIntervalMs, this.log, async (signal) => this.fireDue(signal));
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }

  private fireDue(signal: AbortSignal): void {
    const due = this.stmt.due.all(Date.now()) as Array<{ id: number; kind: string; record_id: number }>;
    for (const event of due) {
      if (signal.aborted) return;
      const handler = this.handlers.get(event.kind);
      if (!handler) {
        this.log.error({ kind: event.kind, eventId: event.id }, 'no handler for a scheduled event');
        continue;
      }
      this.db.transaction(() => {
        if (this.stmt.done.run(new Date().toISOString(), event.id).changes === 1) handler(event.record_id);
      }).immediate();
      this.log.info({ kind: event.kind, eventId: event.id, recordId: event.record_id }, 'scheduled event fired');
    }
  }
}
