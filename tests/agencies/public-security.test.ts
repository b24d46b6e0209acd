// Public security: the citizen IDs it issues, manual-review routing, and the officer's decision with
// its signed callback.
import { AgencyFailureType } from '../../activities/agency.types';
import type { HouseholdOutcome } from '../../activities/agency.types';
import { AgencyCallback } from '../../activities/agency-callbacks.schemas';
import { ReviewDeskError } from '../../activities';
import { agencyCallbackKey, verifyCallback } from '../../infra/agency-signature';
import { eventually } from '../helpers/eventually';
import {
  expectApplicationFailure,
  failureOf,
  father,
  householdRequest,
  mother,
  startReceiver,
  startTestMock,
  uniqueId,
  type CallbackReceiver,
  type TestMock,
} from './support';

const SECRET = 'test-callback-secret';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Checks an ID by the standard's own arithmetic (independent of the mock's implementation). */
function expectValidCitizenId(id: string, expected: { region: string; date: string; sex: 'M' | 'F' }): void {
  expect(id).toMatch(/^\d{17}[\dX]$/);
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  expect(id[17]).toBe('10X98765432'[sum % 11]);
  expect(id.slice(0, 6)).toBe(expected.region);
  expect(id.slice(6, 14)).toBe(expected.date);
  expect(Number(id[16]) % 2).toBe(expected.sex === 'M' ? 1 : 0);
  expect(id.slice(14, 17)).not.toMatch(/^99[89]$/);
}

function registered(outcome: HouseholdOutcome): Extract<HouseholdOutcome, { outcome: 'registered' }> {
  if (outcome.outcome !== 'registered') throw new Error(`expected registered, got ${outcome.outcome}`);
  return outcome;
}

function underReview(outcome: HouseholdOutcome): Extract<HouseholdOutcome, { outcome: 'under_review' }> {
  if (outcome.outcome !== 'under_review') throw new Error(`expected under_review, got ${outcome.outcome}`);
  return outcome;
}

let mock: TestMock;
let receiver: CallbackReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
  mock = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET });
});
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

describe('citizen IDs', () => {
  test('when a boy born after midnight Shanghai time is registered, then his ID has the Shanghai birth date, an odd sequence, the household region and a right check character', async () => {
    const req = householdRequest(uniqueId('ps'), {
      newborn: { name: '李安', sex: 'M', birthAt: '2026-11-21T01:30:00+08:00' }, // 2026-11-20 in UTC
      householdOf: 'father',
      father: father({ hukouRegionCode: '370112' }),
    });
    const { citizenId, regionCode } = registered(await mock.agencies.registerHousehold(req));
    expect(regionCode).toBe('370112');
    expectValidCitizenId(citizenId, { region: '370112', date: '20261121', sex: 'M' });
  });

  test("when the mother's household is chosen for a girl, then the ID carries the mother's region and an even sequence", async () => {
    const req = householdRequest(uniqueId('ps'), {
      newborn: { name: '李宁', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00' },
      householdOf: 'mother',
      mother: mother({ hukouRegionCode: '370105' }),
    });
    const { citizenId } = registered(await mock.agencies.registerHousehold(req));
    expectValidCitizenId(citizenId, { region: '370105', date: '20261120', sex: 'F' });
  });

  test('when several children of one region, date and sex are registered, then each gets its own ID, and a repeated key gets the same one', async () => {
    const birth = { sex: 'M' as const, birthAt: '2026-10-03T10:00:00+08:00' };
    const requests = ['张一', '张二', '张三'].map((name) =>
      householdRequest(uniqueId('ps'), { newborn: { name, ...birth }, father: father({ hukouRegionCode: '370124' }) }),
    );
    const ids: string[] = [];
    for (const req of requests) ids.push(registered(await mock.agencies.registerHousehold(req)).citizenId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expectValidCitizenId(id, { region: '370124', date: '20261003', sex: 'M' });
    expect(registered(await mock.agencies.registerHousehold(requests[0]!)).citizenId).toBe(ids[0]);
    expect(registered(await mock.agencies.getHouseholdRegistration({ idempotencyKey: requests[1]!.idempotencyKey })).citizenId).toBe(ids[1]);
  });

  test('when the certificate was already used for another registration, then a second child is refused, not given a second ID', async () => {
    const first = householdRequest(uniqueId('ps'));
    await mock.agencies.registerHousehold(first);
    const caseId = uniqueId('ps');
    const err = await failureOf(mock.agencies.registerHousehold({ ...first, caseId, idempotencyKey: `${caseId}:household` }));
    expectApplicationFailure(err, AgencyFailureType.Refused);
    expect(await mock.admin.count(caseId)).toBe(0);
  });
});

describe('manual review routing', () => {
  test.each([
    ['the parents are not married', { married: false }, /not married/],
    ['the father is absent', { father: null, householdOf: 'mother' as const }, /father absent/],
    ["the household parent's hukou is outside Jinan", { householdOf: 'father' as const, father: father({ hukouRegionCode: '110105' }) }, /outside Jinan/],
  ])('when %s, then the registration goes to review with that reason and no ID yet', async (_label, overrides, reason) => {
    const caseId = uniqueId('ps');
    const req = householdRequest(caseId, overrides);
    const outcome = underReview(await mock.agencies.registerHousehold(req));
    expect(outcome.reason).toMatch(reason);
    expect(await mock.agencies.getHouseholdRegistration({ idempotencyKey: req.idempotencyKey })).toEqual(outcome);
    const pending = await mock.desk.listPendingReviews({ caseId });
    expect(pending).toEqual([expect.objectContaining({ reviewId: outcome.reviewId, caseId, reason: outcome.reason, agency: 'publicSecurity', service: 'household' })]);
  });

  test('when married parents of Jinan choose a Jinan household, then no review: the ID is issued at once', async () => {
    const caseId = uniqueId('ps');
    registered(await mock.agencies.registerHousehold(householdRequest(caseId)));
    expect(await mock.desk.listPendingReviews({ caseId })).toEqual([]);
  });
});

describe('review decisions', () => {
  test('when the officer approves, then the ID is issued in the household region and a signed review.decided callback is delivered', async () => {
    const caseId = uniqueId('ps');
    const req = householdRequest(caseId, { father: father({ hukouRegionCode: '110105' }), householdOf: 'father' });
    const { reviewId } = underReview(await mock.agencies.registerHousehold(req));

    const decided = await mock.desk.decideReview(reviewId, 'approve', '材料齐全，同意落户', 'officer-7');
    expect(decided).toEqual({ reviewId, caseId, decision: 'approve', decidedAt: expect.any(String) });

    const { citizenId, regionCode } = registered(await mock.agencies.getHouseholdRegistration({ idempotencyKey: req.idempotencyKey }));
    expect(regionCode).toBe('110105');
    expectValidCitizenId(citizenId, { region: '110105', date: '20261120', sex: 'F' });
    // the first answer to the key stays what it was
    expect((await mock.agencies.registerHousehold(req)).outcome).toBe('under_review');

    const delivered = await eventually(() => {
      const hit = receiver.received.find((r) => r.body.includes(reviewId));
      if (!hit) throw new Error('no callback yet');
      return hit;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(delivered.path).toBe('/api/agency-callbacks/publicSecurity');
    expect(verifyCallback(delivered.body, 'publicSecurity', delivered.headers['x-signature'] as string, agencyCallbackKey(SECRET, 'publicSecurity')).ok).toBe(true);
    expect(verifyCallback(delivered.body, 'publicSecurity', delivered.headers['x-signature'] as string, agencyCallbackKey('another-secret', 'publicSecurity')).ok).toBe(false);
    const event = AgencyCallback.parse(JSON.parse(delivered.body));
    expect(event).toMatchObject({
      agency: 'publicSecurity', type: 'review.decided', caseId, idempotencyKey: req.idempotencyKey, service: 'household', reviewId, decision: 'approve',
    });
    expect(delivered.body).not.toContain(citizenId);
  });

  test('when the officer rejects, then the registration reads refused with the reason, and no ID is issued', async () => {
    const caseId = uniqueId('ps');
    const req = householdRequest(caseId, { married: false });
    const { reviewId } = underReview(await mock.agencies.registerHousehold(req));
    await mock.desk.decideReview(reviewId, 'reject', '需补充亲子关系证明', 'officer-7');
    expect(await mock.agencies.getHouseholdRegistration({ idempotencyKey: req.idempotencyKey })).toEqual({ outcome: 'refused', reason: '需补充亲子关系证明' });
    await eventually(() => expect(receiver.received.some((r) => r.body.includes(reviewId) && r.body.includes('"reject"'))).toBe(true), { timeoutMs: 5000, intervalMs: 25 });
  });

  test('when the same decision is sent twice, then one decision and one callback; the opposite decision is a conflict', async () => {
    const caseId = uniqueId('ps');
    const { reviewId } = underReview(await mock.agencies.registerHousehold(householdRequest(caseId, { married: false })));
    const first = await mock.desk.decideReview(reviewId, 'approve', 'ok', 'officer-1');
    expect(await mock.desk.decideReview(reviewId, 'approve', 'ok again', 'officer-2')).toEqual(first);
    const err = await failureOf(mock.desk.decideReview(reviewId, 'reject', 'changed my mind', 'officer-2'));
    expect(err).toBeInstanceOf(ReviewDeskError);
    expect((err as ReviewDeskError).code).toBe('CONFLICT');
    await eventually(async () => expect((await mock.admin.callbacks(caseId)).filter((c) => c.deliveredAt)).toHaveLength(1), { timeoutMs: 5000, intervalMs: 25 });
    expect(await mock.admin.callbacks(caseId)).toHaveLength(1);
    expect(await mock.desk.listPendingReviews({ caseId })).toEqual([]);
  });

  test('when a review id is unknown, then the desk says NOT_FOUND', async () => {
    const err = await failureOf(mock.desk.decideReview('PSR99999999', 'approve', 'ok', 'officer-1'));
    expect(err).toBeInstanceOf(ReviewDeskError);
    expect((err as ReviewDeskError).code).toBe('NOT_FOUND');
  });

  test('when no registration has the key, then reading it is a non-retryable protocol error', async () => {
    const err = await failureOf(mock.agencies.getHouseholdRegistration({ idempotencyKey: uniqueId('nothing') }));
    expectApplicationFailure(err, 'AgencyProtocolError');
  });
});
