// Agency officers: the review tasks of their own agency, and their decisions. The decision is the
// agency's (recorded there, which issues the ID on approval); the case then re-reads the agency.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { ReviewDecisionRequest, ServiceKey } from '../domain/case.schemas';
import type { Config } from '../infra/config';
import { agencyEvent, birthCaseWorkflowId, reviewDecidedEventId } from '../workflows/birth-case.contract';
import type { ReviewDesk } from '../activities';
import { requireStaff, staffAuth } from './auth';
import type { StaffClaims } from './auth';
import { invalidateCaseRead } from './case-reader';
import { loadCase } from './cases.routes';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';
import { reviewCaseView } from './case-views';

/** Which agency decides a service's manual reviews. */
export const REVIEWING_AGENCY: Partial<Record<ServiceKey, string>> = { household: 'publicSecurity' };

export function officerRoutes({ client, config, reviewDesk }: { client: Client; config: Config; reviewDesk: ReviewDesk }): Router {
  const router = Router();
  const officerOnly = requireStaff(staffAuth(config), 'officer');

  router.get('/', officerOnly, async (req, res) => {
    const officer = req.staff as Extract<StaffClaims, { role: 'officer' }>;
    const reviews = officer.agency === 'publicSecurity' ? await reviewDesk.listPendingReviews() : [];
    // Past the agency's service-level due time: said in plain words on the officer's desk.
    const now = Date.now();
    res.json({
      reviews: reviews.map((r) => {
        const overdue = Date.parse(r.slaDueAt) < now;
        return { ...r, overdue, ...(overdue ? { escalation: `已超过办理时限（${r.slaDueAt}），请优先审核` } : {}) };
      }),
    });
  });

  // What the officer needs to decide: the agency's task and the case facts, ID numbers and phones masked.
  router.get('/:caseId/:service', officerOnly, async (req, res) => {
    const officer = req.staff as Extract<StaffClaims, { role: 'officer' }>;
    const service = ServiceKey.safeParse(req.params.service);
    if (!service.success || REVIEWING_AGENCY[service.data] !== officer.agency) throw notFound();
    const caseId = String(req.params.caseId);
    const state = await loadCase(client, caseId);
    const [task] = await reviewDesk.listPendingReviews({ caseId });
    res.json(reviewCaseView(state, service.data, task ?? null));
  });

  router.post('/:caseId/:service', officerOnly, async (req, res) => {
    const officer = req.staff as Extract<StaffClaims, { role: 'officer' }>;
    const service = ServiceKey.safeParse(req.params.service);
    if (!service.success) throw notFound();
    const body = parseBody(ReviewDecisionRequest, req.body);
    if (REVIEWING_AGENCY[service.data] !== officer.agency) throw new ApiError('FORBIDDEN', '该事项不由本机构审核');
    const caseId = String(req.params.caseId);
    const state = await loadCase(client, caseId, undefined, { fresh: true });
    const review = state.services[service.data].review;
    if (state.services[service.data].status !== 'under_review' || !review) throw new ApiError('CONFLICT', '该事项当前没有待审核的申请');
    await reviewDesk.decideReview(review.reviewId, body.decision, body.reason, officer.sub);
    await client.workflow.getHandle(birthCaseWorkflowId(caseId)).signal(agencyEvent, {
      type: 'review.decided', service: service.data, eventId: reviewDecidedEventId(review.reviewId), actor: { role: 'officer', id: officer.sub },
    }).finally(() => invalidateCaseRead(client, caseId));
    res.json({ caseId, service: service.data, decision: body.decision });
  });

  return router;
}
