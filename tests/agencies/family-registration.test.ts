// The mock health commission's family registrations (生育登记, issue 18) through the real adapter: its
// record of a mother's earlier births (the seed from her ID plus the certificates it issued her), the
// conflicts as a non-retryable RegistrationConflict, idempotent commands, the lifecycle (amend, withdraw,
// born), and transport trouble as a retryable error.
import { createAgencyActivities } from '../../activities';
import type { FamilyRegistrationActivities } from '../../activities/family-registration.types';
import { RegistrationConflictType } from '../../activities/family-registration.types';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { birthCertificateRequest, expectApplicationFailure, expectRetryable, failureOf, startTestMock, uniqueId, type TestMock } from './support';
import { motherIdWith, registrationRequest } from '../helpers/registration-fixtures';

let mock: TestMock;
let hc: FamilyRegistrationActivities;

beforeAll(async () => {
  mock = await startTestMock();
  hc = createAgencyActivities({ baseUrl: mock.url, timeoutMs: 2000 });
});
afterAll(async () => { await mock?.close(); });

const register = (request = registrationRequest(), key = uniqueId('reg')) => hc.registerFamily({ idempotencyKey: key, registrationId: `R-${key}`, request });
const record = async (number: string) => (await mock.admin.get<{ status: string; childrenBefore: number; caseId: string | null }>(`/health-commission/family-registrations/${number}`)).body;

test('when the children declared match the record (the seed from her ID), then the commission registers under a new SY number; the same key again answers the same, no second registration', async () => {
  const request = registrationRequest({ onRecord: 2 });
  const key = uniqueId('reg');
  const first = await register(request, key);
  expect(first).toEqual({ registrationNumber: expect.stringMatching(/^SY\d{4}3701\d{8}$/) as unknown, childrenOnRecord: 2 });
  expect(await register(request, key)).toEqual(first);
  expect(await record(first.registrationNumber)).toMatchObject({ status: 'open', childrenBefore: 2, caseId: null });
  // another key while it is open: the commission says so
  const again = expectApplicationFailure(await failureOf(register(request)), RegistrationConflictType);
  expect(again.details).toEqual([expect.objectContaining({ code: 'REGISTRATION_OPEN', path: 'mother.idNumber' })]);
});

test('when the commission has issued the mother a birth certificate, then her record counts that child', async () => {
  const motherId = motherIdWith(0);
  const request = registrationRequest({ mother: { idNumber: motherId } });
  await mock.agencies.issueBirthCertificate(birthCertificateRequest(uniqueId('C'), { mother: { name: '王芳', idNumber: motherId, hukouRegionCode: '370102' } }));
  const mismatch = expectApplicationFailure(await failureOf(register({ ...request, childrenBefore: 0 })), RegistrationConflictType);
  expect(mismatch.details).toEqual([{ code: 'CHILDREN_MISMATCH', path: 'childrenBefore', message: '卫生健康委记录显示母亲此前已生育1个子女，您申报的是0个，请核对' }]);
  expect((await register({ ...request, childrenBefore: 1 })).childrenOnRecord).toBe(1);
});

test('when a parent is unknown to the register or the mother is open elsewhere, then every conflict comes at once, never naming a value', async () => {
  const request = registrationRequest({ mother: { idNumber: makeCitizenId('370102', '1994-03-15', 994) }, father: { idNumber: makeCitizenId('370103', '1992-07-01', 999) }, childrenBefore: 0 });
  const failure = expectApplicationFailure(await failureOf(register(request)), RegistrationConflictType);
  expect((failure.details as Array<{ code: string }>).map((c) => c.code)).toEqual(['PERSON_UNKNOWN', 'REGISTRATION_OPEN', 'CHILDREN_MISMATCH']);
  const said = JSON.stringify([failure.message, failure.details]);
  for (const value of [request.mother.idNumber, request.father!.idNumber, request.mother.name, request.mother.phone]) expect(said).not.toContain(value);
});

test('when an open registration is amended, withdrawn or closed as born, then the commission keeps each step; a closed one takes no amendment', async () => {
  const request = registrationRequest({ onRecord: 1 });
  const { registrationNumber } = await register(request);
  expect(await hc.amendFamilyRegistration({ idempotencyKey: uniqueId('amend'), registrationNumber, request: { ...request, expectedMonth: '2027-05' } })).toEqual({ registrationNumber, childrenOnRecord: 1 });
  const refused = expectApplicationFailure(await failureOf(hc.amendFamilyRegistration({ idempotencyKey: uniqueId('amend'), registrationNumber, request: { ...request, childrenBefore: 0 } })), RegistrationConflictType);
  expect(refused.details).toEqual([expect.objectContaining({ code: 'CHILDREN_MISMATCH' })]);
  expect(await hc.closeFamilyRegistration({ idempotencyKey: uniqueId('born'), registrationNumber, caseId: 'CASE0000000000C3', birthAt: '2027-05-02T08:00:00+08:00' })).toEqual({ registrationNumber, status: 'born' });
  expect(await record(registrationNumber)).toMatchObject({ status: 'born', caseId: 'CASE0000000000C3' });
  const closed = expectApplicationFailure(await failureOf(hc.amendFamilyRegistration({ idempotencyKey: uniqueId('amend'), registrationNumber, request })), 'AgencyProtocolError');
  expect(closed.details).toEqual([expect.objectContaining({ status: 409, code: 'REGISTRATION_CLOSED' })]);

  const other = registrationRequest();
  const second = await register(other);
  expect(await hc.withdrawFamilyRegistration({ idempotencyKey: uniqueId('w'), registrationNumber: second.registrationNumber, outcome: 'expired', reason: '过期' })).toEqual({ registrationNumber: second.registrationNumber, status: 'expired' });
  // closed, so the mother may register again
  expect((await register(other)).registrationNumber).not.toBe(second.registrationNumber);
});

test('when the registration is made at the birth (a case registers it), then it is recorded as born with the case at once', async () => {
  const result = await hc.registerFamily({ idempotencyKey: uniqueId('reg'), registrationId: uniqueId('R'), request: registrationRequest(), caseId: 'CASE0000000000D4' });
  expect(await record(result.registrationNumber)).toMatchObject({ status: 'born', caseId: 'CASE0000000000D4' });
});

test('when the commission is down, then the call fails as retryable transport trouble', async () => {
  await mock.admin.setFaults('healthCommission', { outageSeconds: 60 });
  try {
    expectRetryable(await failureOf(register()));
  } finally {
    await mock.admin.setFaults('healthCommission', {});
  }
});
