// The public-security officer's desk, for the API: pending household-registration reviews and the
// officer's decision. The decision is recorded at the agency (approval issues the citizen ID); the agency
// then sends a signed `review.decided` callback. Errors are ReviewDeskError with an API error code.
import { z } from 'zod';
import { AgencyUnavailableError, sendAgencyRequest, type AgencyClientConfig } from './agency-http';
import { REVIEW_DESK } from './agency.types';

export interface PendingReview {
  reviewId: string;
  agency: typeof REVIEW_DESK.agency;
  service: typeof REVIEW_DESK.service;
  caseId: string;
  reason: string;
  createdAt: string;
  /** the agency's service-level target for the decision (scaled time in the mock) */
  slaDueAt: string;
}

export interface ReviewDecisionResult {
  reviewId: string;
  caseId: string;
  decision: 'approve' | 'reject';
  decidedAt: string;
}

export type ReviewDeskErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'VALIDATION_FAILED' | 'UNAVAILABLE' | 'INTERNAL';

export class ReviewDeskError extends Error {
  override readonly name = 'ReviewDeskError';
  constructor(readonly code: ReviewDeskErrorCode, message: string) {
    super(message);
  }
}

export interface ReviewDesk {
  listPendingReviews(filter?: { caseId?: string }): Promise<PendingReview[]>;
  /** Same decision again → the same answer; the opposite decision on a decided review → CONFLICT. */
  decideReview(reviewId: string, decision: 'approve' | 'reject', reason: string, officerId: string): Promise<ReviewDecisionResult>;
}

const ReviewList = z.object({
  reviews: z.array(
    z.object({
      reviewId: z.string(),
      caseId: z.string(),
      reason: z.string(),
      createdAt: z.string(),
      slaDueAt: z.string(),
    }),
  ),
});

const DecidedReview = z.object({
  reviewId: z.string(),
  caseId: z.string(),
  decision: z.enum(['approve', 'reject']),
  decidedAt: z.string(),
});

const STATUS_CODES: Record<number, ReviewDeskErrorCode> = { 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND', 409: 'CONFLICT' };

async function call<T>(config: AgencyClientConfig, operation: string, method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  let response;
  try {
    response = await sendAgencyRequest(REVIEW_DESK.agency, config, { operation, method, path, body });
  } catch (err) {
    if (err instanceof AgencyUnavailableError) throw new ReviewDeskError('UNAVAILABLE', `public security UNAVAILABLE: ${err.message}`);
    throw err;
  }
  const { status, payload } = response;
  if (status >= 200 && status < 300) {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    throw new ReviewDeskError('INTERNAL', `publicSecurity ${operation}: unexpected answer`);
  }
  const code = STATUS_CODES[status] ?? (status >= 500 || status === 429 ? 'UNAVAILABLE' : 'INTERNAL');
  throw new ReviewDeskError(code, `publicSecurity ${operation}: HTTP ${status}`);
}

export function createReviewDesk(config: AgencyClientConfig): ReviewDesk {
  return {
    async listPendingReviews(filter = {}) {
      const query = new URLSearchParams({ status: 'pending', ...(filter.caseId ? { caseId: filter.caseId } : {}) });
      const { reviews } = await call(config, 'listPendingReviews', 'GET', `public-security/reviews?${query}`, undefined, ReviewList);
      return reviews.map((r) => ({ ...r, ...REVIEW_DESK }));
    },
    async decideReview(reviewId, decision, reason, officerId) {
      const path = `public-security/reviews/${encodeURIComponent(reviewId)}/decision`;
      const { caseId, decidedAt, decision: recorded } = await call(config, 'decideReview', 'POST', path, { decision, reason, officerId }, DecidedReview);
      return { reviewId, caseId, decision: recorded, decidedAt };
    },
  };
}
