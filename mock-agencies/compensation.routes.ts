// Compensation at each issuing agency (issue 9): withdraw an application by the idempotency key of its
// submission, and take notice that a case whose document the agency issued was cancelled.
//   POST /{agency}/withdrawals          {idempotencyKey, caseId, reason} → 200 {outcome, document, message}
//   POST /{agency}/case-cancellations   {idempotencyKey, caseId, reason} → 200 {acknowledged, reference, document}
// Both are idempotent per key (the first answer is stored and repeated). A withdrawal of a key the agency
// never received closes the key: a submission arriving later with it is answered 410 WITHDRAWN.
import { Router } from 'express';
import { z } from 'zod';
import type { AgencyName, WithdrawalAnswer } from '../activities/agency.types';
import type { MockContext } from './context';
import { send } from './faults';
import { errorBody, validationFailed, zodIssues } from './idempotency';
import type { RecordRow } from './store';

export const CompensationBody = z.object({
  idempotencyKey: z.string().min(1).max(200),
  caseId: z.string().min(1).max(100),
  reason: z.string().max(500),
});

/** The request hash a tombstone carries: it matches any later payload (see idempotentCommand). */
export const WITHDRAWN_KEY_HASH = '*withdrawn*'; // same value in idempotency.ts

export interface CompensationHooks {
  /** the idempotent operation whose key a withdrawal closes */
  submitOperation: string;
  /** the document a record stands for, once issued (null: nothing issued yet) */
  documentOf(record: RecordRow): string | null;
  /** withdraws a pending application (a review, a card in production); null: nothing pending to stop */
  withdrawPending?(record: RecordRow): WithdrawalAnswer | null;
}

export function compensationRoutes(ctx: MockContext, agency: AgencyName, hooks: CompensationHooks): Router {
  const { store } = ctx;
  const db = store.db;
  db.exec(`CREATE TABLE IF NOT EXISTS compensations (
    agency TEXT NOT NULL, kind TEXT NOT NULL, idempotency_key TEXT NOT NULL, case_id TEXT NOT NULL,
    body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (agency, kind, idempotency_key))`);
  const stmt = {
    get: db.prepare('SELECT body FROM compensations WHERE agency = ? AND kind = ? AND idempotency_key = ?'),
    put: db.prepare('INSERT INTO compensations (agency, kind, idempotency_key, case_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    count: db.prepare('SELECT COUNT(*) AS n FROM compensations'),
  };

  function once(kind: 'withdrawal' | 'notice', input: z.infer<typeof CompensationBody>, decide: () => unknown): { status: number; body: unknown } {
    const prior = stmt.get.get(agency, kind, input.idempotencyKey) as { body: string } | undefined;
    if (prior) return { status: 200, body: JSON.parse(prior.body) };
    const body = decide();
    stmt.put.run(agency, kind, input.idempotencyKey, input.caseId, JSON.stringify(body), new Date().toISOString());
    return { status: 200, body };
  }

  const withdraw = db.transaction((input: z.infer<typeof CompensationBody>) =>
    once('withdrawal', input, (): WithdrawalAnswer => {
      const record = store.recordByKey(agency, input.idempotencyKey);
      if (!record && store.getAnswer(agency, hooks.submitOperation, input.idempotencyKey)) {
        // answered without a record (a correction notice, a refusal): nothing is pending any more
        return { outcome: 'withdrawn', document: null, message: 'the application had been answered without a result; it is closed' };
      }
      if (!record) {
        store.putAnswer(agency, hooks.submitOperation, input.idempotencyKey, {
          requestHash: WITHDRAWN_KEY_HASH, status: 410, body: errorBody('WITHDRAWN', 'the application with this key was withdrawn'),
        });
        return { outcome: 'not_received', document: null, message: 'no application with this key was received; the key is closed' };
      }
      if (record.caseId !== input.caseId) return { outcome: 'not_received', document: null, message: 'the key belongs to another case' };
      const pending = hooks.withdrawPending?.(record);
      if (pending) return pending;
      const document = hooks.documentOf(record);
      return document
        ? { outcome: 'already_done', document, message: 'already issued; an issued document cannot be withdrawn' }
        : { outcome: 'withdrawn', document: null, message: 'the application was closed without a result' };
    }),
  );

  const notice = db.transaction((input: z.infer<typeof CompensationBody>) =>
    once('notice', input, () => {
      const { n } = stmt.count.get() as { n: number };
      const record = store.recordByKey(agency, input.idempotencyKey);
      return { acknowledged: true, reference: `CN${String(n + 1).padStart(8, '0')}`, document: record && record.caseId === input.caseId ? hooks.documentOf(record) : null };
    }),
  );

  const router = Router();
  router.post('/withdrawals', ctx.faults.gate(agency), (req, res) => {
    const parsed = CompensationBody.safeParse(req.body);
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    const answer = withdraw.immediate(parsed.data);
    ctx.log.info({ agency, caseId: parsed.data.caseId, outcome: (answer.body as WithdrawalAnswer).outcome }, 'withdrawal');
    send(req, res, answer.status, answer.body);
  });
  router.post('/case-cancellations', ctx.faults.gate(agency), (req, res) => {
    const parsed = CompensationBody.safeParse(req.body);
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    const answer = notice.immediate(parsed.data);
    send(req, res, answer.status, answer.body);
  });
  return router;
}
