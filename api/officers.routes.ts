// Agency officers: the review tasks of their own agency, and their decisions. The decision is the
// agency's (recorded there, which issues the ID on approval); the case then re-reads the agency.
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { ReviewDecisionRequest, ServiceKey } from '../domain/case.schemas';
import { isLaterService } from '../domain/catalog';
import type { Config } from '../infra/config';
import { agencyEvent, reviewDecidedEventId } from '../workflows/birth-case.contract';
import { REVIEW_DESK } from '../activities/agency.types';
import type { ReviewDesk } from '../activities';
import { requireStaff, staffAuth, staffOf } from './auth';
import type { StaffClaims } from './auth';
import type { CaseRepository } from './case-repository';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';
import { reviewCaseView } from './case-views';

interface OfficerRoutesDeps { cases: CaseRepository; config: Config; reviewDesk: ReviewDesk }
type Officer = Extract<StaffClaims, { role: 'officer' }>;

/** Whether this officer's agency decides the service's manual reviews. */
const decidesReviewsOf = (officer: Officer, service: ServiceKey): boolean =>
  service === REVIEW_DESK.service && officer.agency === REVIEW_DESK.agency;

export function officerRoutes(deps: OfficerRoutesDeps): Router {
  const router = Router();
  const officerOnly = requireStaff(staffAuth(deps.config), 'officer');
  router.get('/', officerOnly, listReviews(deps));
  // What the officer needs to decide: the agency's task and the case facts, ID numbers and phones masked.
  router.get('/:caseId/:service', officerOnly, readReview(deps));
  router.post('/:caseId/:service', officerOnly, decideReview(deps));
  return router;
}

const listReviews = ({ reviewDesk }: OfficerRoutesDeps): RequestHandler => async (req, res) => {
  const officer = staffOf(req, 'officer');
  const reviews = officer.agency === REVIEW_DESK.agency ? await reviewDesk.listPendingReviews() : [];
  // Past the agency's service-level due time: said in plain words on the officer's desk.
  const now = Date.now();
  res.json({
    reviews: reviews.map((r) => {
      const overdue = Date.parse(r.slaDueAt) < now;
      return { ...r, overdue, ...(overdue ? { escalation: `已超过办理时限（${r.slaDueAt}），请优先审核` } : {}) };
    }),
  });
};

const readReview = ({ cases, reviewDesk }: OfficerRoutesDeps): RequestHandler => async (req, res) => {
  const officer = staffOf(req, 'officer');
  const service = ServiceKey.safeParse(req.params.service);
  if (!service.success || isLaterService(service.data) || !decidesReviewsOf(officer, service.data)) throw notFound();
  const caseId = String(req.params.caseId);
  // only a case this agency has (or had) a review for; any other is 404, as if it did not exist
  const state = await cases.load(caseId, officer);
  const [task] = await reviewDesk.listPendingReviews({ caseId });
  await cases.recordRead(req, caseId, 'review');
  res.json(reviewCaseView(state, service.data, task ?? null));
};

const decideReview = ({ cases, reviewDesk }: OfficerRoutesDeps): RequestHandler => async (req, res) => {
  const officer = staffOf(req, 'officer');
  const service = ServiceKey.safeParse(req.params.service);
  // the 生育登记 has no review (and is absent from cases accepted before it)
  if (!service.success || isLaterService(service.data)) throw notFound();
  const key = service.data;
  const body = parseBody(ReviewDecisionRequest, req.body);
  if (!decidesReviewsOf(officer, key)) throw new ApiError('FORBIDDEN', '该事项不由本机构审核');
  const caseId = String(req.params.caseId);
  const state = await cases.load(caseId, officer, { fresh: true });
  const { status, review } = state.services[key];
  if (status !== 'under_review' || !review) throw new ApiError('CONFLICT', '该事项当前没有待审核的申请');
  await reviewDesk.decideReview(review.reviewId, body.decision, body.reason, officer.sub);
  await cases.write(caseId, (handle) => handle.signal(agencyEvent, {
    type: 'review.decided', service: key, eventId: reviewDecidedEventId(review.reviewId), actor: { role: 'officer', id: officer.sub },
  }));
  res.json({ caseId, service: key, decision: body.decision });
};
