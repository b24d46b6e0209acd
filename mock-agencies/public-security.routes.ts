// 市公安局: household (birth) registration. Issues the child's citizen ID at once, or routes the case
// to an officer's manual review; the officer's decision arrives later and is announced by a callback.
import { Router } from 'express';
import { z } from 'zod';
import type { HouseholdOutcome } from '../activities/agency.types';
import { isoInstant, nameItems, numbered, PersonRef, personItems } from './agency-checks';
import type { CompensationHooks } from './compensation.routes';
import type { MockContext } from './context';
import { send } from './faults';
import { correctionRequired, errorBody, idempotentCommand, refused, validationFailed, zodIssues } from './idempotency';
import { buildCitizenId, CANCELLED_HOUSEHOLD_SEQUENCE, isJinanRegion, parseCitizenId, shanghaiDate, shanghaiIso } from './identity.rules';

export const HouseholdBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  birthCertificateNumber: z.string().max(20),
  newborn: z.object({ name: z.string().max(50).nullish(), sex: z.enum(['M', 'F']), birthAt: isoInstant }),
  mother: PersonRef,
  father: PersonRef.nullable(),
  married: z.boolean(),
  householdOf: z.enum(['mother', 'father']),
});

export const ReviewDecisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().min(1).max(500),
  officerId: z.string().min(1).max(100),
});

export const ReviewStatus = z.enum(['pending', 'approved', 'rejected', 'withdrawn']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** What the registration needs to issue an ID later (after a review): no names, no parents' IDs. */
interface HouseholdData { regionCode: string; birthDate: string; sex: 'M' | 'F' }

interface ReviewRow {
  review_id: string;
  record_id: number;
  case_id: string;
  reason: string;
  status: ReviewStatus;
  decision_reason: string | null;
  officer_id: string | null;
  created_at: string;
  sla_due_at: string;
  decided_at: string | null;
}

export interface ReviewView {
  reviewId: string;
  agency: 'publicSecurity';
  service: 'household';
  caseId: string;
  idempotencyKey: string;
  reason: string;
  status: ReviewStatus;
  createdAt: string;
  slaDueAt: string;
  decision: 'approve' | 'reject' | null;
  decisionReason: string | null;
  officerId: string | null;
  decidedAt: string | null;
}

/** Male sequences are odd, female even; 999 and 998 are the register's test markers and never issued. */
const FIRST_SEQUENCE = { M: 1, F: 2 } as const;
const LAST_SEQUENCE = { M: 997, F: 996 } as const;

export function publicSecurityRoutes(ctx: MockContext): Router {
  const { store } = ctx;
  const db = store.db;
  const stmt = {
    lastSequence: db.prepare(
      'SELECT MAX(sequence) AS last FROM citizen_ids WHERE region_code = ? AND birth_date = ? AND sequence % 2 = ?',
    ),
    insertCitizenId: db.prepare('INSERT INTO citizen_ids (citizen_id, region_code, birth_date, sequence, record_id) VALUES (?, ?, ?, ?, ?)'),
    insertReview: db.prepare(
      `INSERT INTO reviews (review_id, record_id, case_id, reason, status, created_at, sla_due_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
    ),
    review: db.prepare('SELECT * FROM reviews WHERE review_id = ?'),
    reviews: db.prepare(
      `SELECT r.*, rec.idempotency_key FROM reviews r JOIN records rec ON rec.id = r.record_id
       WHERE (@status IS NULL OR r.status = @status) AND (@caseId IS NULL OR r.case_id = @caseId) ORDER BY r.created_at, r.review_id`,
    ),
    decide: db.prepare('UPDATE reviews SET status = ?, decision_reason = ?, officer_id = ?, decided_at = ? WHERE review_id = ?'),
  };

  /** Issues the child's ID: region of the household, birth date, next free sequence of that sex, check character. */
  function register(recordId: number, data: HouseholdData): HouseholdOutcome {
    const parity = data.sex === 'M' ? 1 : 0;
    const { last } = stmt.lastSequence.get(data.regionCode, data.birthDate, parity) as { last: number | null };
    const sequence = last === null ? FIRST_SEQUENCE[data.sex] : last + 2;
    if (sequence > LAST_SEQUENCE[data.sex]) throw new Error('citizen ID sequences exhausted for this region and date');
    const citizenId = buildCitizenId(data.regionCode, data.birthDate, sequence);
    stmt.insertCitizenId.run(citizenId, data.regionCode, data.birthDate, sequence, recordId);
    const outcome: HouseholdOutcome = { outcome: 'registered', citizenId, regionCode: data.regionCode };
    store.updateState(recordId, outcome);
    return outcome;
  }

  function toView(row: ReviewRow & { idempotency_key: string }): ReviewView {
    return {
      reviewId: row.review_id,
      agency: 'publicSecurity',
      service: 'household',
      caseId: row.case_id,
      idempotencyKey: row.idempotency_key,
      reason: row.reason,
      status: row.status,
      createdAt: row.created_at,
      slaDueAt: row.sla_due_at,
      decision: row.status === 'approved' ? 'approve' : row.status === 'rejected' ? 'reject' : null,
      decisionReason: row.decision_reason,
      officerId: row.officer_id,
      decidedAt: row.decided_at,
    };
  }

  const router = Router();

  router.post(
    '/household-registrations',
    ctx.faults.gate('publicSecurity'),
    idempotentCommand(store, {
      agency: 'publicSecurity',
      operation: 'registerHousehold',
      schema: HouseholdBody,
      execute(input, key) {
        const items = [
          ...nameItems('newborn.name', input.newborn.name),
          ...personItems('mother', input.mother),
          ...(input.father ? personItems('father', input.father) : []),
          ...(/^[A-Z]\d{9}$/.test(input.birthCertificateNumber)
            ? []
            : [{ path: 'birthCertificateNumber', message: 'not a birth medical certificate number' }]),
          ...(input.householdOf === 'father' && !input.father
            ? [{ path: 'householdOf', message: 'the parent chosen for the household is not given' }]
            : []),
        ];
        if (items.length > 0) return correctionRequired(items);

        const parent = input.householdOf === 'father' ? input.father! : input.mother;
        if (parseCitizenId(parent.idNumber)?.sequence === CANCELLED_HOUSEHOLD_SEQUENCE) {
          return refused("the household record of the parent chosen for the household is cancelled");
        }
        if (store.recordBySubject('publicSecurity', input.birthCertificateNumber)) {
          return refused('this birth certificate was already used for a household registration');
        }

        const data: HouseholdData = {
          regionCode: parent.hukouRegionCode,
          birthDate: shanghaiDate(input.newborn.birthAt),
          sex: input.newborn.sex,
        };
        const recordId = store.insertRecord({
          agency: 'publicSecurity', service: 'household', caseId: input.caseId, idempotencyKey: key,
          subject: input.birthCertificateNumber, state: {}, data,
        });

        const reasons = [
          ...(input.married ? [] : ['parents not married']),
          ...(input.father ? [] : ['father absent']),
          ...(isJinanRegion(parent.hukouRegionCode) ? [] : ["the household parent's hukou is outside Jinan (cross-region)"]),
        ];
        if (reasons.length === 0) return { status: 201, body: register(recordId, data) };

        const now = new Date();
        const reviewId = numbered('PSR', recordId, 8);
        const slaDueAt = shanghaiIso(new Date(now.getTime() + ctx.daysToMs(ctx.reviewSlaDays)));
        const outcome: HouseholdOutcome = { outcome: 'under_review', reviewId, reason: reasons.join('; '), slaDueAt };
        stmt.insertReview.run(reviewId, recordId, input.caseId, outcome.reason, shanghaiIso(now), slaDueAt);
        store.updateState(recordId, outcome);
        return { status: 202, body: outcome };
      },
    }),
  );

  // The current outcome of a registration (changes once a review is decided).
  router.get('/household-registrations/:idempotencyKey', ctx.faults.gate('publicSecurity'), (req, res) => {
    const record = store.recordByKey<HouseholdOutcome, HouseholdData>('publicSecurity', String(req.params.idempotencyKey));
    if (!record) return send(req, res, 404, errorBody('NOT_FOUND', 'no registration with this idempotency key'));
    send(req, res, 200, record.state);
  });

  // The officer's desk (not subject to fault injection: it is the agency's own back office).
  router.get('/reviews', (req, res) => {
    const status = req.query.status === 'all' ? null : ReviewStatus.safeParse(req.query.status ?? 'pending');
    if (status && !status.success) return validationFailed(res, [{ path: 'status', message: 'pending | approved | rejected | all' }]);
    const caseId = typeof req.query.caseId === 'string' ? req.query.caseId : null;
    const rows = stmt.reviews.all({ status: status ? status.data : null, caseId }) as Array<ReviewRow & { idempotency_key: string }>;
    res.json({ reviews: rows.map(toView) });
  });

  const decide = db.transaction((reviewId: string, body: z.infer<typeof ReviewDecisionBody>): { status: number; body: unknown } => {
    const review = stmt.review.get(reviewId) as ReviewRow | undefined;
    if (!review) return { status: 404, body: errorBody('NOT_FOUND', 'no such review') };
    const record = store.recordById<HouseholdOutcome, HouseholdData>(review.record_id)!;
    const wanted: ReviewStatus = body.decision === 'approve' ? 'approved' : 'rejected';
    if (review.status === 'withdrawn') return { status: 409, body: errorBody('REVIEW_WITHDRAWN', 'the application was withdrawn; nothing to decide') };
    if (review.status !== 'pending') {
      if (review.status !== wanted) return { status: 409, body: errorBody('REVIEW_ALREADY_DECIDED', `the review was already ${review.status}`) };
      return { status: 200, body: toView({ ...review, idempotency_key: record.idempotencyKey }) };
    }
    const decidedAt = shanghaiIso(new Date());
    stmt.decide.run(wanted, body.reason, body.officerId, decidedAt, reviewId);
    if (body.decision === 'approve') register(record.id, record.data);
    else store.updateState(record.id, { outcome: 'refused', reason: body.reason } satisfies HouseholdOutcome);
    ctx.callbacks.enqueue({
      agency: 'publicSecurity',
      type: 'review.decided',
      service: 'household',
      caseId: review.case_id,
      idempotencyKey: record.idempotencyKey,
      reviewId,
      decision: body.decision,
      reason: body.reason,
    });
    const decided = stmt.review.get(reviewId) as ReviewRow;
    return { status: 200, body: toView({ ...decided, idempotency_key: record.idempotencyKey }) };
  });

  router.post('/reviews/:reviewId/decision', (req, res) => {
    const parsed = ReviewDecisionBody.safeParse(req.body);
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    const answer = decide.immediate(req.params.reviewId, parsed.data);
    if (answer.status === 200) ctx.log.info({ reviewId: req.params.reviewId, decision: parsed.data.decision }, 'review decided');
    res.status(answer.status).json(answer.body);
  });

  return router;
}

/** Compensation (compensation.routes.ts): a pending review is withdrawn and leaves the officer queue. */
export const publicSecurityCompensation = (ctx: MockContext): CompensationHooks => {
  const withdrawReview = ctx.store.db.prepare(`UPDATE reviews SET status = 'withdrawn', decided_at = ? WHERE record_id = ? AND status = 'pending'`);
  return {
    submitOperation: 'registerHousehold',
    documentOf: (record) => {
      const state = record.state as HouseholdOutcome;
      return state.outcome === 'registered' ? `公民身份号码 ${state.citizenId}` : null;
    },
    withdrawPending: (record) => {
      const state = record.state as HouseholdOutcome;
      if (state.outcome !== 'under_review') return null;
      withdrawReview.run(shanghaiIso(new Date()), record.id);
      ctx.store.updateState(record.id, { outcome: 'refused', reason: 'withdrawn by the applicant' } satisfies HouseholdOutcome);
      return { outcome: 'withdrawn', document: null, message: `review ${state.reviewId} withdrawn; removed from the officer queue` };
    },
  };
};
