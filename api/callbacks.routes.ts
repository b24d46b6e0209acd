// Agencies → orchestrator: a later decision or event, signed per agency with a timestamp (see
// infra/agency-signature.ts). A bad or stale signature changes nothing; an event already seen is dropped
// here, before it reaches the workflow; the route is rate-limited. The callback only wakes the case; the
// case re-reads the agency itself.
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { rateLimit } from 'express-rate-limit';
import { LRUCache } from 'lru-cache';
import { AgencyCallback } from '../activities/agency-callbacks.schemas';
import { AGENCY_NAMES, AgencyNameSchema } from '../activities/agency.types';
import type { AgencyName } from '../activities/agency.types';
import type { ServiceKey } from '../domain/catalog';
import { agencyCallbackKey, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, verifyCallback } from '../infra/agency-signature';
import type { Config } from '../infra/config';
import { agencyEvent, reviewDecidedEventId } from '../workflows/birth-case.contract';
import { CASE_ID_PATTERN } from './case-identity';
import type { CaseRepository } from './case-repository';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';

interface CallbackRoutesDeps { cases: CaseRepository; config: Config; now?: () => Date }

/**
 * Event ids seen within the signature tolerance (twice over): a signed callback older than that is
 * refused as stale anyway, so this bounded memory is enough to drop every replay of a fresh one.
 */
const seenEvents = (): LRUCache<string, true> => new LRUCache({ max: 50_000, ttl: 2 * SIGNATURE_TOLERANCE_SECONDS * 1000 });

export function callbackRoutes(deps: CallbackRoutesDeps): Router {
  const router = Router();
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.config.CALLBACK_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: () => { throw new ApiError('RATE_LIMITED', 'too many callbacks'); },
  });
  router.post('/:agency', limiter, receiveCallback(deps));
  return router;
}

/**
 * A decision callback must name the review the case waits on: one the case never had is refused (404, or
 * 409 while another review of the service is open) and changes nothing — no signal, no audit entry. One
 * the case had and has since decided (a late copy of a real callback) is acknowledged and dropped.
 */
async function reviewVerdict(cases: CaseRepository, caseId: string, service: ServiceKey, reviewId: string): Promise<'pending' | 'decided'> {
  const state = await cases.read(caseId, { fresh: true }).catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  });
  const current = state.services[service];
  if (current?.status === 'under_review' && current.review) {
    if (current.review.reviewId === reviewId) return 'pending';
    throw new ApiError('CONFLICT', 'no such review of this service');
  }
  const hadReview = state.events.some((e) => e.action === 'service.under_review' && e.service === service);
  if (!hadReview) throw new ApiError('NOT_FOUND', 'no such review');
  return 'decided';
}

function receiveCallback({ cases, config, now = () => new Date() }: CallbackRoutesDeps): RequestHandler {
  const seen = seenEvents();
  const keys = new Map(AGENCY_NAMES.map((a): [AgencyName, string] => [a, agencyCallbackKey(config.AGENCY_CALLBACK_SECRET, a)]));
  return async (req, res) => {
    const known = AgencyNameSchema.safeParse(req.params.agency);
    const key = known.success ? keys.get(known.data) : undefined;
    if (!known.success || !key) throw notFound();
    const agency = known.data;
    const check = verifyCallback(req.rawBody?.toString('utf8') ?? '', agency, req.header(SIGNATURE_HEADER), key, now().getTime());
    if (!check.ok) {
      req.log?.warn({ agency, signature: check.reason }, 'agency callback refused');
      throw new ApiError('UNAUTHENTICATED', check.reason === 'stale' ? 'stale signature' : 'invalid signature');
    }
    const event = parseBody(AgencyCallback, req.body);
    if (event.agency !== agency) throw new ApiError('VALIDATION_FAILED', 'agency in the path and the body differ', { issues: [] });
    if (!CASE_ID_PATTERN.test(event.caseId)) throw notFound();
    const seenKey = `${agency}:${event.eventId}`;
    if (seen.has(seenKey)) {
      res.json({ received: true, duplicate: true });
      return;
    }
    if (event.type === 'review.decided') {
      const verdict = await reviewVerdict(cases, event.caseId, event.service, event.reviewId);
      if (verdict === 'decided') {
        res.json({ received: true, ignored: 'review already decided' });
        return;
      }
    }
    seen.set(seenKey, true);
    try {
      // One decision, one event id, whichever path brings it (the officer route uses the same id).
      const eventId = event.type === 'review.decided' ? reviewDecidedEventId(event.reviewId) : event.eventId;
      await cases.write(event.caseId, (handle) => handle.signal(agencyEvent, {
        type: event.type, service: event.service, eventId, actor: { role: 'agency', id: agency },
      }));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // A case that has already closed no longer waits for news (it re-read the agency itself): accept it.
      if (!(await cases.exists(event.caseId))) throw notFound();
      res.json({ received: true, ignored: 'case closed' });
      return;
    }
    res.json({ received: true });
  };
}
