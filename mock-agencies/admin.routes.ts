// Test and operator endpoints: record counts (exactly-once proofs), the SMS outbox, the callback
// outbox and fault settings. Not part of any agency's API; no authentication (a local mock).
import { Router } from 'express';
import { AGENCY_NAMES, AgencyNameSchema } from '../activities/agency.types';
import type { MockContext } from './context';
import { FaultSettings } from './faults';
import { validationFailed, zodIssues } from './idempotency';
import { smsOutbox } from './sms.routes';

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function adminRoutes(ctx: MockContext): Router {
  const router = Router();

  router.get('/records', (req, res) => {
    const records = ctx.store.recordCounts({ caseId: queryString(req.query.caseId), agency: queryString(req.query.agency) });
    res.json({ total: records.reduce((sum, r) => sum + r.count, 0), records });
  });

  router.get('/sms/outbox', (req, res) => {
    res.json({ messages: smsOutbox(ctx.store, queryString(req.query.caseId)) });
  });

  router.get('/callbacks', (req, res) => {
    res.json({ callbacks: ctx.callbacks.list(queryString(req.query.caseId)) });
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: ctx.faults.all() });
  });

  router.put('/faults/:agency', (req, res) => {
    const known = AgencyNameSchema.safeParse(req.params.agency);
    if (!known.success) return validationFailed(res, [{ path: 'agency', message: `one of ${AGENCY_NAMES.join(', ')}` }]);
    const agency = known.data;
    const parsed = FaultSettings.safeParse(req.body ?? {});
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    const faults = ctx.faults.set(agency, parsed.data);
    ctx.log.info({ agency, faults }, 'fault settings changed');
    res.json({ agency, faults });
  });

  return router;
}
