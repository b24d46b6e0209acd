// Agencies → orchestrator: a later decision or event, signed per agency with a timestamp (see
// infra/agency-signature.ts). A bad or stale signature changes nothing; an event already seen is dropped
// here, before it reaches the workflow; the route is rate-limited. The callback only wakes the case; the
// case re-reads the agency itself.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { rateLimit } from 'express-rate-limit';
import { AgencyCallback } from '../activities/agency-callbacks.schemas';
import { AGENCY_NAMES } from '../activities/agency.types';
import { agencyCallbackKey, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, verifyCallback } from '../infra/agency-signature';
import type { Config } from '../infra/config';
import { agencyEvent, birthCaseWorkflowId, reviewDecidedEventId } from '../workflows/birth-case.contract';
import { CASE_ID_PATTERN } from './case-identity';
import { invalidateCaseRead } from './case-reader';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';

const KNOWN_AGENCIES: ReadonlySet<string> = new Set(AGENCY_NAMES);

/**
 * Event ids seen within the signature tolerance (twice over): a signed callback older than that is
 * refused as stale anyway, so this bounded memory is enough to drop every replay of a fresh one.
 */
export class SeenEvents {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs = 2 * SIGNATURE_TOLERANCE_SECONDS * 1000, private readonly capacity = 50_000) {}

  /** True the first time `key` is offered within the TTL. */
  firstTime(key: string, nowMs = Date.now()): boolean {
    for (const [k, at] of this.seen) {
      if (nowMs - at <= this.ttlMs && this.seen.size < this.capacity) break;
      this.seen.delete(k); // oldest first: expired, or over capacity
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, nowMs);
    return true;
  }
}

export function callbackRoutes({ client, config, now = () => new Date() }: { client: Client; config: Config; now?: () => Date }): Router {
  const router = Router();
  const seen = new SeenEvents();
  const keys = new Map(AGENCY_NAMES.map((a) => [a as string, agencyCallbackKey(config.AGENCY_CALLBACK_SECRET, a)]));
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: config.CALLBACK_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: () => { throw new ApiError('RATE_LIMITED', 'too many callbacks'); },
  });

  router.post('/:agency', limiter, async (req, res) => {
    const agency = String(req.params.agency);
    const key = KNOWN_AGENCIES.has(agency) ? keys.get(agency) : undefined;
    if (!key) throw notFound();
    const raw = (req as { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
    const check = verifyCallback(raw, agency, req.header(SIGNATURE_HEADER), key, now().getTime());
    if (!check.ok) {
      req.log?.warn({ agency, signature: check.reason }, 'agency callback refused');
      throw new ApiError('UNAUTHENTICATED', check.reason === 'stale' ? 'stale signature' : 'invalid signature');
    }
    const event = parseBody(AgencyCallback, req.body);
    if (event.agency !== agency) throw new ApiError('VALIDATION_FAILED', 'agency in the path and the body differ', { issues: [] });
    if (!CASE_ID_PATTERN.test(event.caseId)) throw notFound();
    if (!seen.firstTime(`${agency}:${event.eventId}`)) {
      res.json({ received: true, duplicate: true });
      return;
    }
    const handle = client.workflow.getHandle(birthCaseWorkflowId(event.caseId));
    try {
      // One decision, one event id, whichever path brings it (the officer route uses the same id).
      const eventId = event.type === 'review.decided' ? reviewDecidedEventId(event.reviewId) : event.eventId;
      await handle.signal(agencyEvent, {
        type: event.type, service: event.service, eventId, actor: { role: 'agency', id: agency },
      }).finally(() => invalidateCaseRead(client, event.caseId));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // A case that has already closed no longer waits for news (it re-read the agency itself): accept it.
      const closed = await handle.describe().then(() => true, () => false);
      if (!closed) throw notFound();
      res.json({ received: true, ignored: 'case closed' });
      return;
    }
    res.json({ received: true });
  });
  return router;
}
