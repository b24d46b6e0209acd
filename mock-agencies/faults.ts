// Fault injection per agency. The gate runs before a request can have any effect, so a request failed
// by a fault creates no record; only `failAfterCommitRate` fails after the commit (the nasty case that
// idempotency keys exist for). Settings come from MOCK_FAULTS at boot and PUT /admin/faults/:agency;
// they live in memory (a restart goes back to the boot settings).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AGENCY_NAMES, type AgencyName } from '../activities/agency.types';

const isoInstant = z.iso.datetime({ offset: true });

export const FaultErrorKind = z.enum(['unavailable', 'hang', 'drop']);
export type FaultErrorKind = z.infer<typeof FaultErrorKind>;

export const FaultSettings = z.strictObject({
  /** added before every request of the agency */
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** share of requests failed with a transient error, 0..1 */
  errorRate: z.number().min(0).max(1).optional(),
  /** which transient errors: HTTP 503, a hang past the client's timeout, a dropped connection (default all) */
  errorKinds: z.array(FaultErrorKind).min(1).optional(),
  /** how long a hang lasts before the mock answers 503 (default 30 s) */
  hangMs: z.number().int().min(0).max(600_000).optional(),
  /** every request inside the window gets 503 */
  outage: z.strictObject({ from: isoInstant, to: isoInstant }).optional(),
  /** shorthand: an outage from now for this many seconds */
  outageSeconds: z.number().positive().max(86_400 * 365).optional(),
  /** the first N attempts per idempotency key hang (time out), then requests go through */
  slowThenSucceed: z.number().int().min(0).max(1000).optional(),
  /** share of requests that commit their effect and then drop the connection instead of answering */
  failAfterCommitRate: z.number().min(0).max(1).optional(),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export const FaultsByAgency = z.partialRecord(z.enum(AGENCY_NAMES), FaultSettings);
export type FaultsByAgency = z.infer<typeof FaultsByAgency>;

/** Settings as applied: `outageSeconds` turned into an absolute window. */
export type ActiveFaults = Omit<FaultSettings, 'outageSeconds'>;

const DEFAULT_HANG_MS = 30_000;

function normalise(settings: FaultSettings, now: number): ActiveFaults {
  const { outageSeconds, ...rest } = settings;
  if (outageSeconds === undefined) return rest;
  return { ...rest, outage: { from: new Date(now).toISOString(), to: new Date(now + outageSeconds * 1000).toISOString() } };
}

function sendUnavailable(res: Response): void {
  res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'agency temporarily unavailable' } });
}

export class FaultInjector {
  private readonly settings = new Map<AgencyName, ActiveFaults>();
  /** attempts per agency and idempotency key, for slowThenSucceed */
  private readonly attempts = new Map<string, number>();

  constructor(
    initial: FaultsByAgency,
    private readonly options: { random: () => number; shutdown: AbortSignal },
  ) {
    for (const agency of AGENCY_NAMES) {
      const settings = initial[agency];
      if (settings) this.set(agency, settings);
    }
  }

  /** Replaces the agency's settings (`{}` clears them) and restarts its slowThenSucceed counts. */
  set(agency: AgencyName, settings: FaultSettings): ActiveFaults {
    const active = normalise(settings, Date.now());
    this.settings.set(agency, active);
    for (const key of this.attempts.keys()) if (key.startsWith(`${agency}\n`)) this.attempts.delete(key);
    return active;
  }

  all(): Record<AgencyName, ActiveFaults> {
    return Object.fromEntries(AGENCY_NAMES.map((a) => [a, this.settings.get(a) ?? {}])) as Record<AgencyName, ActiveFaults>;
  }

  /** Middleware in front of an agency's endpoints. Sets res.locals.dropAfterCommit for `send`. */
  gate(agency: AgencyName): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const f = this.settings.get(agency);
      res.locals.dropAfterCommit = false;
      if (!f) return next();
      let clientGone = false;
      res.once('close', () => {
        clientGone = true;
      });
      const now = Date.now();
      if (f.outage && now >= Date.parse(f.outage.from) && now < Date.parse(f.outage.to)) return sendUnavailable(res);
      if (f.latencyMs) {
        await this.wait(f.latencyMs, res);
        // A client that gave up (or a mock shutting down) gets no effect: faults act before the commit.
        if (clientGone || this.options.shutdown.aborted) return;
      }
      if (f.slowThenSucceed) {
        // per endpoint and key: an application and the status reads under the same key count apart
        const key = `${agency}\n${req.method} ${req.baseUrl}${req.path}\n${req.get('Idempotency-Key') ?? ''}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        if (attempt <= f.slowThenSucceed) return this.hang(f, res);
      }
      if (f.errorRate && this.options.random() < f.errorRate) {
        const kinds = f.errorKinds ?? FaultErrorKind.options;
        const kind = kinds[Math.floor(this.options.random() * kinds.length)] ?? 'unavailable';
        if (kind === 'drop') return void req.socket.destroy();
        if (kind === 'hang') return this.hang(f, res);
        return sendUnavailable(res);
      }
      res.locals.dropAfterCommit = !!f.failAfterCommitRate && this.options.random() < f.failAfterCommitRate;
      next();
    };
  }

  private async hang(f: ActiveFaults, res: Response): Promise<void> {
    await this.wait(f.hangMs ?? DEFAULT_HANG_MS, res);
    if (!res.headersSent && !res.destroyed) sendUnavailable(res);
  }

  /** Waits `ms`, or less when the client goes away or the mock shuts down. */
  private wait(ms: number, res: Response): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('close', done);
        this.options.shutdown.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      res.once('close', done);
      this.options.shutdown.addEventListener('abort', done, { once: true });
    });
  }
}

/** Sends an agency's answer, unless the gate chose to drop the connection after the commit. */
export function send(req: Request, res: Response, status: number, body: unknown): void {
  if (res.locals.dropAfterCommit === true) {
    req.socket.destroy();
    return;
  }
  res.status(status).json(body);
}
