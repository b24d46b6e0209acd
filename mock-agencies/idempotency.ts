// Idempotent commands: the same key gets the same stored answer (status and body) and never a second
// record; the same key with another payload gets 409 IDEMPOTENCY_CONFLICT. The business rule, the record
// and the stored answer share one SQLite transaction.
import type { Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AgencyName, CorrectionItem } from '../activities/agency.types';
import { send } from './faults';
import { shanghaiDate, shanghaiIso } from './identity.rules';
import type { MockStore } from './store';

/** Kept here (not imported from compensation.routes) to avoid a cycle; the same value is exported there. */
const WITHDRAWN_KEY_HASH = '*withdrawn*';

export interface Answer { status: number; body: unknown }

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): { error: Record<string, unknown> } {
  return { error: { code, message, ...extra } };
}

export function validationFailed(res: Response, issues: Array<{ path: string; message: string }>): void {
  res.status(400).json(errorBody('VALIDATION_FAILED', 'request does not match the agency schema', { issues }));
}

export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** 补正告知: every item at once, answer due in five working days (Mon–Fri; real days, not scaled). */
export function correctionRequired(items: CorrectionItem[], now = new Date()): Answer {
  return {
    status: 422,
    body: errorBody('CORRECTION_REQUIRED', `correction required: ${items.length} item(s)`, { items, dueAt: correctionDueAt(now) }),
  };
}

/** 不予受理: final refusal with its reason. */
export function refused(reason: string): Answer {
  return { status: 403, body: errorBody('REFUSED', 'application refused', { reason }) };
}

function correctionDueAt(now: Date): string {
  let day = new Date(`${shanghaiDate(now)}T23:59:59+08:00`);
  for (let working = 0; working < 5; ) {
    day = new Date(day.getTime() + 86_400_000);
    const weekday = new Date(`${shanghaiDate(day)}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) working += 1;
  }
  return shanghaiIso(day);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key from the header, else from the body's `idempotencyKey`; both given and different is an error. */
function idempotencyKeyOf(req: Request): { key: string } | { error: string } {
  const header = req.get(IDEMPOTENCY_HEADER);
  const inBody = (req.body as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
  if (header !== undefined && inBody !== undefined && header !== inBody) return { error: 'Idempotency-Key header and body idempotencyKey differ' };
  const key = header ?? inBody;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) return { error: 'an idempotency key (1..200 characters) is required' };
  return { key };
}

export interface CommandSpec<S extends z.ZodType> {
  agency: AgencyName;
  operation: string;
  schema: S;
  /** Runs inside the transaction, only for a key not seen before. Throwing rolls everything back (500). */
  execute(input: z.output<S>, key: string): Answer;
}

export function idempotentCommand<S extends z.ZodType>(store: MockStore, spec: CommandSpec<S>): RequestHandler {
  const run = store.db.transaction((input: z.output<S>, key: string, requestHash: string): Answer & { replayed: boolean } => {
    const prior = store.getAnswer(spec.agency, spec.operation, key);
    if (prior) {
      // a key closed by a withdrawal (compensation.routes.ts) answers its tombstone to any payload
      if (prior.requestHash === WITHDRAWN_KEY_HASH) return { status: prior.status, body: prior.body, replayed: false };
      if (prior.requestHash !== requestHash) {
        return {
          status: 409,
          body: errorBody('IDEMPOTENCY_CONFLICT', 'this idempotency key was used with a different request'),
          replayed: false,
        };
      }
      return { status: prior.status, body: prior.body, replayed: true };
    }
    const answer = spec.execute(input, key);
    store.putAnswer(spec.agency, spec.operation, key, { requestHash, status: answer.status, body: answer.body });
    return { ...answer, replayed: false };
  });

  return (req, res) => {
    const keyed = idempotencyKeyOf(req);
    if ('error' in keyed) return validationFailed(res, [{ path: 'idempotencyKey', message: keyed.error }]);
    const parsed = spec.schema.safeParse(req.body);
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    const { idempotencyKey: _ignored, ...payload } = parsed.data as Record<string, unknown>;
    const requestHash = createHash('sha256').update(canonicalJson(payload)).digest('hex');
    const answer = run.immediate(parsed.data, keyed.key, requestHash);
    if (answer.replayed) res.set('Idempotent-Replayed', 'true');
    send(req, res, answer.status, answer.body);
  };
}
