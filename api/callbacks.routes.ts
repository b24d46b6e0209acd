// Agencies → orchestrator: a later decision or event, signed with an HMAC of the raw body. A bad
// signature changes nothing. The callback only wakes the case; the case re-reads the agency itself.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { verifySignature } from '../mock-agencies/signature';
import type { Config } from '../infra/config';
import { ServiceKey } from '../domain/case.schemas';
import { agencyEvent, birthCaseWorkflowId } from '../workflows/birth-case.contract';
import { CASE_ID_PATTERN } from './case-identity';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';

const AgencyCallback = z.object({
  eventId: z.string().min(1).max(200),
  type: z.enum(['review.decided', 'card.posted']),
  caseId: z.string().regex(CASE_ID_PATTERN),
  service: ServiceKey,
});

const AGENCIES = ['healthCommission', 'vaccination', 'publicSecurity', 'medicalSecurity', 'humanResources', 'sms'];

export function callbackRoutes({ client, config }: { client: Client; config: Config }): Router {
  const router = Router();
  router.post('/:agency', async (req, res) => {
    const agency = String(req.params.agency);
    const raw = (req as { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
    if (!verifySignature(raw, req.header('x-signature'), config.AGENCY_CALLBACK_SECRET)) {
      throw new ApiError('UNAUTHENTICATED', 'invalid signature');
    }
    if (!AGENCIES.includes(agency)) throw notFound();
    const event = parseBody(AgencyCallback, req.body);
    try {
      await client.workflow.getHandle(birthCaseWorkflowId(event.caseId)).signal(agencyEvent, {
        type: event.type, service: event.service, eventId: event.eventId, actor: { role: 'agency', id: agency },
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound();
      throw err;
    }
    res.json({ received: true });
  });
  return router;
}
