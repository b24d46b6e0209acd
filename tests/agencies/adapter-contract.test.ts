// Contract of every adapter against the real mock over HTTP: the result, idempotency, corrections,
// refusals and transport trouble, classified as the workflow expects.
import type {
  AgencyActivities,
  AgencyName,
  BirthCertificateRequest,
  CorrectionDetails,
  HouseholdRequest,
  MedicalInsuranceRequest,
  ProtocolFailureDetails,
  RefusalDetails,
  SmsRequest,
  SocialSecurityCardRequest,
  VaccinationRequest,
} from '../../activities/agency.types';
import { AgencyFailureType, AgencyProtocolFailureType } from '../../activities/agency.types';
import {
  ADAPTER_TIMEOUT_MS,
  birthCertificateRequest,
  cardRequest,
  expectApplicationFailure,
  expectRetryable,
  failureOf,
  householdRequest,
  medicalInsuranceRequest,
  personId,
  smsRequest,
  startTestMock,
  uniqueId,
  vaccinationRequest,
  type TestMock,
} from './support';

interface ContractCase<R> {
  agency: AgencyName;
  /** a valid request for a new case */
  arrange(agencies: AgencyActivities, caseId: string): Promise<R> | R;
  call(agencies: AgencyActivities, req: R): Promise<unknown>;
  expectResult(result: unknown): void;
  /** the request with several wrong items, and the paths the notice must list */
  withWrongItems(req: R): { request: R; paths: string[] };
  /** makes the agency refuse (may send earlier requests first) */
  refuse(agencies: AgencyActivities, req: R): Promise<unknown>;
  /** same key, another payload */
  conflicting(req: R): R;
  /** values that must never appear in an error message */
  pii(req: R): string[];
}

const contractCase = <R>(c: ContractCase<R>) => c as unknown as ContractCase<unknown>;

const wrongCheckCharacter = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

const cases: Array<ContractCase<unknown>> = [
  contractCase<BirthCertificateRequest>({
    agency: 'healthCommission',
    arrange: (_a, caseId) => birthCertificateRequest(caseId),
    call: (a, req) => a.issueBirthCertificate(req),
    expectResult: (r) => expect(r).toEqual({ certificateNumber: expect.stringMatching(/^[A-Z]\d{9}$/) }),
    withWrongItems: (req) => ({
      request: {
        ...req,
        newborn: { ...req.newborn, name: 'Li安然' },
        mother: { ...req.mother, idNumber: personId('370102', '1992-03-04', 999) },
        father: { ...req.father!, name: '李𠮷', idNumber: wrongCheckCharacter(req.father!.idNumber) },
      },
      paths: ['newborn.name', 'mother.idNumber', 'father.name', 'father.idNumber'],
    }),
    refuse: (a, req) => a.issueBirthCertificate({ ...req, hospitalId: 'H0999' }),
    conflicting: (req) => ({ ...req, newborn: { ...req.newborn, birthWeightGrams: 3100 } }),
    pii: (req) => [req.newborn.name, req.mother.idNumber, req.father!.idNumber],
  }),
  contractCase<VaccinationRequest>({
    agency: 'vaccination',
    arrange: (_a, caseId) => vaccinationRequest(caseId),
    call: (a, req) => a.createVaccinationRecord(req),
    expectResult: (r) =>
      expect(r).toEqual({
        certificateNumber: expect.any(String),
        nextDoses: expect.arrayContaining([{ vaccine: 'HepB-2', dueOn: '2026-12-20' }]),
      }),
    withWrongItems: (req) => ({
      request: { ...req, newborn: { ...req.newborn, name: 'Anran' }, mother: { ...req.mother, name: 'Wang Fang', idNumber: personId('370102', '1992-03-04', 999) } },
      paths: ['newborn.name', 'mother.name', 'mother.idNumber'],
    }),
    refuse: (a, req) => a.createVaccinationRecord({ ...req, hospitalId: 'H1999' }),
    conflicting: (req) => ({ ...req, dosesGiven: ['HepB-1'] }),
    pii: (req) => [req.mother.idNumber, req.mother.name],
  }),
  contractCase<HouseholdRequest>({
    agency: 'publicSecurity',
    arrange: (_a, caseId) => householdRequest(caseId),
    call: (a, req) => a.registerHousehold(req),
    expectResult: (r) => expect(r).toEqual({ outcome: 'registered', citizenId: expect.stringMatching(/^370103\d{11}[\dX]$/), regionCode: '370103' }),
    withWrongItems: (req) => ({
      request: {
        ...req,
        birthCertificateNumber: '12345',
        newborn: { ...req.newborn, name: '' },
        mother: { ...req.mother, idNumber: personId('370102', '1992-03-04', 999) },
        father: null,
        householdOf: 'father',
      },
      paths: ['newborn.name', 'mother.idNumber', 'birthCertificateNumber', 'householdOf'],
    }),
    refuse: (a, req) =>
      a.registerHousehold({ ...req, householdOf: 'mother', mother: { ...req.mother, idNumber: personId('370102', '1992-03-04', 998) } }),
    conflicting: (req) => ({ ...req, householdOf: 'mother' }),
    pii: (req) => [req.newborn.name, req.mother.idNumber, req.father!.idNumber],
  }),
  contractCase<MedicalInsuranceRequest>({
    agency: 'medicalSecurity',
    arrange: (_a, caseId) => medicalInsuranceRequest(caseId),
    call: (a, req) => a.enrolMedicalInsurance(req),
    expectResult: (r) => expect(r).toEqual({ enrolmentNumber: expect.any(String), enrolledOn: '2026-11-25', premium: 400, waived: true }),
    withWrongItems: (req) => ({
      request: { ...req, childName: 'An·ran', childCitizenId: personId('370102', '2026-10-01', 102), enrolledOn: '2026-11-19' },
      paths: ['childName', 'childCitizenId', 'enrolledOn'],
    }),
    refuse: (a, req) => a.enrolMedicalInsurance({ ...req, childCitizenId: personId('110105', '2026-11-20', 102) }),
    conflicting: (req) => ({ ...req, birthOrder: 1 }),
    pii: (req) => [req.childCitizenId, req.childName],
  }),
  contractCase<SocialSecurityCardRequest>({
    agency: 'humanResources',
    arrange: (a, caseId) => cardRequest(a, caseId),
    call: (a, req) => a.applySocialSecurityCard(req),
    expectResult: (r) => expect(r).toEqual({ state: 'in_production', applicationNumber: expect.any(String) }),
    withWrongItems: (req) => ({
      request: { ...req, childName: 'Anran', enrolmentNumber: 'MI370199999999', delivery: { ...req.delivery, method: 'ems', address: null } },
      paths: ['childName', 'enrolmentNumber', 'delivery.address'],
    }),
    // one card per child: a second application under another key is refused
    refuse: async (a, req) => {
      await a.applySocialSecurityCard(req);
      return a.applySocialSecurityCard({ ...req, idempotencyKey: `${req.idempotencyKey}:again` });
    },
    conflicting: (req) => ({ ...req, delivery: { ...req.delivery, method: 'pickup' } }),
    pii: (req) => [req.childCitizenId, req.childName, req.delivery.address ?? ''],
  }),
  contractCase<SmsRequest>({
    agency: 'sms',
    arrange: (_a, caseId) => smsRequest(caseId),
    call: (a, req) => a.sendSms(req),
    expectResult: (r) => expect(r).toEqual({ messageId: expect.any(String) }),
    withWrongItems: (req) => ({ request: { ...req, phone: '0531-1234567' }, paths: ['phone'] }),
    refuse: (a, req) => a.sendSms({ ...req, phone: '13900000000' }),
    conflicting: (req) => ({ ...req, params: { trackingCode: 'OTHER' } }),
    pii: (req) => [req.phone],
  }),
];

let mock: TestMock;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(() => mock.close());
afterEach(() => mock.admin.clearFaults());

describe.each(cases.map((c) => [c.agency, c] as const))('%s adapter', (agency, c) => {
  async function arrange() {
    const caseId = uniqueId(agency);
    return { caseId, req: await c.arrange(mock.agencies, caseId) };
  }
  const countOf = (caseId: string) => mock.admin.count(caseId, agency);

  test('when the request is valid, then it answers the result and keeps one record', async () => {
    const { caseId, req } = await arrange();
    c.expectResult(await c.call(mock.agencies, req));
    expect(await countOf(caseId)).toBe(1);
  });

  test('when the same key is sent again, then the first answer comes back and no second record is made', async () => {
    const { caseId, req } = await arrange();
    const first = await c.call(mock.agencies, req);
    const second = await c.call(mock.agencies, req);
    expect(second).toEqual(first);
    expect(await countOf(caseId)).toBe(1);
  });

  test('when the same key comes with another payload, then a non-retryable protocol error (409) and no new record', async () => {
    const { caseId, req } = await arrange();
    await c.call(mock.agencies, req);
    const err = await failureOf(c.call(mock.agencies, c.conflicting(req)));
    const failure = expectApplicationFailure(err, AgencyProtocolFailureType);
    expect(failure.details?.[0]).toMatchObject({ agency, status: 409, code: 'IDEMPOTENCY_CONFLICT' } satisfies Partial<ProtocolFailureDetails>);
    expect(await countOf(caseId)).toBe(1);
  });

  test('when several items are wrong, then one correction notice lists every one of them, without the values, and no record', async () => {
    const { caseId, req } = await arrange();
    const { request, paths } = c.withWrongItems(req);
    const err = await failureOf(c.call(mock.agencies, request));
    const failure = expectApplicationFailure(err, AgencyFailureType.CorrectionRequired);
    const details = failure.details?.[0] as CorrectionDetails;
    expect(details.agency).toBe(agency);
    expect(details.items.map((i) => i.path).sort()).toEqual([...paths].sort());
    expect(Date.parse(details.dueAt!)).toBeGreaterThan(Date.now());
    const shown = JSON.stringify({ message: failure.message, details });
    for (const value of c.pii(req).filter(Boolean)) expect(shown).not.toContain(value);
    expect(await countOf(caseId)).toBe(0);
  });

  test('when the agency refuses, then a non-retryable AgencyRefused carries its reason', async () => {
    const { req } = await arrange();
    const err = await failureOf(c.refuse(mock.agencies, req));
    const failure = expectApplicationFailure(err, AgencyFailureType.Refused);
    const details = failure.details?.[0] as RefusalDetails;
    expect(details).toEqual({ agency, reason: expect.stringMatching(/\w/) });
  });

  test('when the agency answers slower than the adapter waits, then a retryable error, and a retry after recovery makes one record', async () => {
    const { caseId, req } = await arrange();
    await mock.admin.setFaults(agency, { latencyMs: ADAPTER_TIMEOUT_MS * 3 });
    const err = await failureOf(c.call(mock.agencies, req));
    expectRetryable(err);
    expect(err.message).toMatch(/no answer within/);
    for (const value of c.pii(req).filter(Boolean)) expect(err.message).not.toContain(value);
    await mock.admin.setFaults(agency, {});
    c.expectResult(await c.call(mock.agencies, req));
    expect(await countOf(caseId)).toBe(1);
  });

  test('when the agency has an outage, then a retryable error and no record', async () => {
    const { caseId, req } = await arrange();
    await mock.admin.setFaults(agency, { outageSeconds: 60 });
    const err = await failureOf(c.call(mock.agencies, req));
    expectRetryable(err);
    expect(err.message).toMatch(/HTTP 503/);
    expect(await countOf(caseId)).toBe(0);
  });

  test('when the agency commits and then drops the connection, then retries with the same key find the one record', async () => {
    const { caseId, req } = await arrange();
    await mock.admin.setFaults(agency, { failAfterCommitRate: 1 });
    expectRetryable(await failureOf(c.call(mock.agencies, req)));
    expectRetryable(await failureOf(c.call(mock.agencies, req)));
    expect(await countOf(caseId)).toBe(1);
    await mock.admin.setFaults(agency, {});
    const result = await c.call(mock.agencies, req);
    c.expectResult(result);
    expect(await c.call(mock.agencies, req)).toEqual(result);
    expect(await countOf(caseId)).toBe(1);
  });
});
