// Medical security: the premium of the enrolment year and the clause-15 waiver at its edges.
import { AgencyFailureType } from '../../activities/agency.types';
import type { CorrectionDetails } from '../../activities/agency.types';
import { childId, expectApplicationFailure, failureOf, medicalInsuranceRequest, startTestMock, uniqueId, type TestMock } from './support';

let mock: TestMock;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(() => mock.close());

async function enrol(birthAt: string, birthOrder: number, enrolledOn: string) {
  const caseId = uniqueId('ms');
  return mock.agencies.enrolMedicalInsurance(
    medicalInsuranceRequest(caseId, { birthAt, birthOrder, enrolledOn, childCitizenId: childId(birthAt.slice(0, 10)) }),
  );
}

test.each([
  // [what, birthAt (+08:00), birth order, enrolled on, premium, waived]
  ['the last day of the window (same day number six months on)', '2023-03-15T09:00:00+08:00', 2, '2023-09-15', 380, true],
  ['the day after the window', '2023-03-15T09:00:00+08:00', 2, '2023-09-16', 380, false],
  ['born on the 31st: the window ends on 29 February of a leap year', '2023-08-31T09:00:00+08:00', 3, '2024-02-29', 400, true],
  ['born on the 31st, leap year: 1 March is too late', '2023-08-31T09:00:00+08:00', 3, '2024-03-01', 400, false],
  ['born on the 31st: the window ends on 28 February', '2024-08-31T09:00:00+08:00', 2, '2025-02-28', 400, true],
  ['born on the 31st: 1 March is too late', '2024-08-31T09:00:00+08:00', 2, '2025-03-01', 400, false],
  ['enrolled on the birth day', '2026-11-20T08:30:00+08:00', 2, '2026-11-20', 400, true],
  ['a first child', '2026-11-20T08:30:00+08:00', 1, '2026-11-25', 400, false],
  ['a fourth child', '2026-11-20T08:30:00+08:00', 4, '2026-11-25', 400, false],
  ['born on 31 December 2022 (Shanghai)', '2022-12-31T23:30:00+08:00', 2, '2023-01-05', 380, false],
  ['born on 1 January 2023 in Shanghai (still 2022 in UTC)', '2023-01-01T00:30:00+08:00', 2, '2023-01-05', 380, true],
  // Civil Code art. 203: a last day on a rest day or holiday moves to the next working day.
  ['the window ends on Saturday 2023-09-16: enrolled on Monday 09-18', '2023-03-16T09:00:00+08:00', 2, '2023-09-18', 380, true],
  ['the window ends on Saturday 2023-09-16: Tuesday 09-19 is too late', '2023-03-16T09:00:00+08:00', 2, '2023-09-19', 380, false],
  ['the window ends in the National Day holiday: enrolled on the adjusted working Saturday 10-07', '2023-04-01T09:00:00+08:00', 3, '2023-10-07', 380, true],
])('when %s, then premium and waiver follow the rule', async (_what, birthAt, birthOrder, enrolledOn, premium, waived) => {
  const result = await enrol(birthAt, birthOrder, enrolledOn);
  expect(result).toEqual({ enrolmentNumber: expect.any(String), enrolledOn, premium, waived });
});

test('when the enrolment year comes after the last published figure (2027), then the adapter takes the enrolment with premium null and the year not yet published', async () => {
  const result = await enrol('2026-12-20T08:00:00+08:00', 2, '2027-01-04');
  expect(result).toEqual({
    enrolmentNumber: expect.any(String),
    enrolledOn: '2027-01-04',
    premium: null,
    premiumNotPublished: { year: 2027, message: '2027年度城乡居民医保个人缴费标准尚未公布' },
    waived: true,
  });
});

test('when the enrolment year comes after the last published figure (2027), then the child is enrolled, the premium is null and the answer says the figure is not yet published', async () => {
  const req = medicalInsuranceRequest(uniqueId('ms'), { birthAt: '2026-12-20T08:00:00+08:00', enrolledOn: '2027-01-02' });
  const res = await fetch(`${mock.url}/medical-security/enrolments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': req.idempotencyKey },
    body: JSON.stringify(req),
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({
    enrolmentNumber: expect.any(String),
    enrolledOn: '2027-01-02',
    premium: null,
    premiumNotPublished: { year: 2027, message: '2027年度城乡居民医保个人缴费标准尚未公布' },
    waived: true,
  });
});

test('when the enrolment year has a published figure, then the answer carries it and nothing about publication', async () => {
  const req = medicalInsuranceRequest(uniqueId('ms'), { enrolledOn: '2026-12-01' });
  const res = await fetch(`${mock.url}/medical-security/enrolments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': req.idempotencyKey },
    body: JSON.stringify(req),
  });
  expect(await res.json()).toEqual({ enrolmentNumber: expect.any(String), enrolledOn: '2026-12-01', premium: 400, waived: true });
});

test('when no premium is set for the enrolment year or any before it, then a correction notice on enrolledOn', async () => {
  const err = await failureOf(enrol('2022-12-20T08:00:00+08:00', 2, '2022-12-28'));
  const details = expectApplicationFailure(err, AgencyFailureType.CorrectionRequired).details?.[0] as CorrectionDetails;
  expect(details.items).toEqual([{ path: 'enrolledOn', message: expect.any(String) }]);
});

test('when the premium table is configured otherwise, then the mock answers the configured amount', async () => {
  const custom = await startTestMock({ premiumTable: { 2026: 420 } });
  try {
    const result = await custom.agencies.enrolMedicalInsurance(medicalInsuranceRequest(uniqueId('ms'), { enrolledOn: '2026-12-01' }));
    expect(result.premium).toBe(420);
  } finally {
    await custom.close();
  }
});

test('when the same child is enrolled again under another key, then it is refused and no second enrolment is made', async () => {
  const req = medicalInsuranceRequest(uniqueId('ms'));
  await mock.agencies.enrolMedicalInsurance(req);
  const caseId = uniqueId('ms');
  const err = await failureOf(mock.agencies.enrolMedicalInsurance({ ...req, caseId, idempotencyKey: `${caseId}:medicalInsurance` }));
  expectApplicationFailure(err, AgencyFailureType.Refused);
  expect(await mock.admin.count(caseId)).toBe(0);
});
