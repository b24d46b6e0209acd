// Agencies → orchestrator: a later decision or event, signed with an HMAC of the raw body. A bad
// signature changes nothing. The callback only wakes the case; the case re-reads the agency itself.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { AgencyCallback } from '../activities/agency-callbacks.schemas';
import { SIGNATURE_HEADER, verifySignature } from '../infra/agency-signature';
import type { Config } from '../infra/config';
import { agencyEvent, birthCaseWorkflowId, reviewDecidedEventId } from '../workflows/birth-case.contract';
import { CASE_ID_PATTERN } from './case-identity';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';


export function callbackRoutes({ client, config }: { client: Client; config: Config }): Router {
  const router = Router();
  router.post('/:agency', async (req, res) => {
    const agency = String(req.params.agency);
    const raw = (req as { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
    if (!verifySignature(raw, req.header(SIGNATURE_HEADER), config.AGENCY_CALLBACK_SECRET)) {
      throw new ApiError('UNAUTHENTICATED', 'invalid signature');
    }
    const event = parseBody(AgencyCallback, req.body);
    if (event.agency !== agency) throw new ApiError('VALIDATION_FAILED', 'agency in the path and the body differ', { issues: [] });
    if (!CASE_ID_PATTERN.test(event.caseId)) throw notFound();
    try {
      // One decision, one event id, whichever path brings it (the officer route uses the same id).
      const eventId = event.type === 'review.decided' ? reviewDecidedEventId(event.reviewId) : event.eventId;
      await client.workflow.getHandle(birthCaseWorkflowId(event.caseId)).signal(agencyEvent, {
        type: event.type, service: event.service, eventId, actor: { role: 'agency', id: agency },
      });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // A case that has already closed no longer waits for news (it re-read the agency itself): accept it.
      const closed = await client.workflow.getHandle(birthCaseWorkflowId(event.caseId)).describe().then(() => true, () => false);
      if (!closed) throw notFound();
      res.json({ received: true, ignored: 'case closed' });
      return;
    }
    res.json({ received: true });
  });
  return router;
}
