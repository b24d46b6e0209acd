// End to end through the HTTP API: clerk → workflow on a real Temporal server → mock agencies over
// HTTP → a completed case, as a clerk, a parent and an officer see it.
import { parseCitizenId } from '../../domain/identity/citizen-id';
import { temporal } from '@temporalio/proto';
import { AuditEntries, CaseCreated, CaseSummaryPage, CaseView, ParentView } from '../../api/views.schemas';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { sql } from 'kysely';
import { databaseOptionsFromEnv, openMigratedDatabase } from '../../infra/database';
import { parentLinksSchema } from '../../api/parent-links';
import { signInParent } from '../helpers/parent-sign-in';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;

beforeAll(async () => {
  stack = await startStack({ parentLimits: { windowMs: 60_000, perCode: 3, perAddress: 100 } });
  clerk = await stack.token({ role: 'clerk', hospitalId: 'H0001' }); // the provider's development user clerk.H0001
}, 180_000);
afterAll(async () => { await stack?.stop(); });

const caseUntil = (caseId: string, predicate: (c: any) => boolean, timeoutMs?: number): Promise<any> => stack.caseUntil(clerk, caseId, predicate, timeoutMs);

test('when a clerk posts a valid case, then all five services complete with checkable results', async () => {
  const app = application();
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ caseId: expect.stringMatching(/^[0-9A-Z]{16}$/), trackingCode: expect.any(String), status: 'accepted' });
  expect(created.headers.get('location')).toBe(`/api/cases/${created.body.caseId}`);

  const done = await caseUntil(created.body.caseId, (c) => c.status === 'completed');
  // the answers have the documented shapes (the OpenAPI document is generated from the same schemas)
  expect(() => CaseCreated.parse(created.body)).not.toThrow();
  expect(() => CaseView.parse(done)).not.toThrow();
  const s = done.services;
  expect(s.birthCertificate.result.certificateNumber).toMatch(/^[A-Z]\d{9}$/);
  expect(s.vaccination.result.certificateNumber).toEqual(expect.any(String));
  const id = parseCitizenId(s.household.result.citizenId);
  expect(id).toMatchObject({ ok: true, regionCode: '370103', birthDate: app.newborn.birthAt.slice(0, 10), sex: 'F' });
  expect(s.household.result.regionCode).toBe('370103');
  expect(s.medicalInsurance.result).toMatchObject({ enrolmentNumber: expect.any(String), premium: expect.any(Number), waived: true });
  expect(s.socialSecurityCard.result).toEqual({ applicationNumber: expect.any(String), cardNumber: expect.any(String), trackingNumber: expect.stringMatching(/^[A-Z]{2}\d{9}CN$/) });

  // once enrolled, the agency's premium figure is the one shown, whatever year the clock is in
  expect(done.benefits.premiumWaiver).toMatchObject({ eligible: true, amount: s.medicalInsurance.result.premium, premiumSource: 'agency', reason: expect.stringContaining('由财政予以全额补助') });
  expect(done.benefits.childcareSubsidy).toMatchObject({ eligible: true, pending: false, monthly: 600, from: app.newborn.birthAt.slice(0, 7), months: 36, citation: { clause: '第十二条' } });
  expect(done.benefits.maternity).toMatchObject({ eligible: true, amount: 3000, citation: { clause: '第十五条' } });
  // the family's whole entitlement, with clauses and the dates from this birth
  expect(done.entitlements).toMatchObject({ birthDate: app.newborn.birthAt.slice(0, 10), birthOrder: 2 });
  // a new case decides by the full summary (patch policy-readings): all the plan gives, each with its clause
  // of the plan or the national rule it comes from
  expect(done.entitlements.items.map((i: any) => i.key)).toEqual([
    'maternityLeave', 'additionalMaternityLeave', 'maternityAllowance', 'paternityLeave', 'parentalLeave', 'childcareTaxDeduction',
    'housingFundLoan', 'publicRental', 'publicRentalSwap', 'rentalSubsidyArea', 'schoolDistrict', 'kindergartenPriority', 'preschoolAid',
    'inpatientReimbursement', 'grandparentsLtc', 'preNurseryHealthCheck',
  ]);
  expect(done.entitlements.items.map((i: any) => i.citation.clause)).toEqual([
    '第十一条', '《女职工劳动保护特别规定》第七条', '第十一条', '第十一条', '第十一条', '第十二条', '第十四条', '第十四条', '第十四条', '第十四条',
    '第十三条', '第十三条', '第十三条', '第十五条', '第十五条', '第八条',
  ]);

  const audit = await stack.call('GET', `/api/cases/${created.body.caseId}/audit`, { token: clerk });
  expect(() => AuditEntries.parse(audit.body)).not.toThrow();
  expect(audit.body.entries[0]).toMatchObject({ seq: 1, action: 'case.accepted', actor: { role: 'clerk', id: 'clerk.H0001' } });
  expect(audit.body.entries.filter((e: any) => e.action === 'service.completed')).toHaveLength(5);

  const again = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(again.status).toBe(409);
  expect(again.body.error).toMatchObject({ code: 'DUPLICATE_CASE', caseId: created.body.caseId });
});

test('when a case is malformed, then the answer lists every problem by path and no case starts', async () => {
  const app: any = application();
  app.mother.phone = '12345';
  app.newborn.birthWeightGrams = -1;
  app.unexpected = true;
  const res = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  const paths = res.body.error.issues.map((i: any) => i.path);
  expect(paths).toEqual(expect.arrayContaining(['mother.phone', 'newborn.birthWeightGrams']));
  expect(res.body.error.issues.length).toBeGreaterThanOrEqual(3);
  const valid = { ...app, unexpected: undefined, mother: { ...app.mother, phone: '13800138000' }, newborn: { ...app.newborn, birthWeightGrams: 3000 } };
  delete valid.unexpected;
  // the corrected application starts fine: the malformed one left nothing behind
  expect((await stack.call('POST', '/api/cases', { token: clerk, body: valid })).status).toBe(201);
});

test('when staff are not who the route needs, then 401 or 403, and another hospital sees nothing', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ services: ['vaccination'] }) });
  expect(created.status).toBe(201);
  expect((await stack.call('POST', '/api/cases', { body: application() })).status).toBe(401);
  expect((await stack.call('POST', '/api/cases', { token: 'not-a-jwt', body: application() })).status).toBe(401);
  const officer = await stack.token({ sub: 'o-1', role: 'officer', agency: 'publicSecurity' });
  expect((await stack.call('POST', '/api/cases', { token: officer, body: application() })).status).toBe(403);
  const otherClerk = await stack.token({ sub: 'clerk-9', role: 'clerk', hospitalId: 'H0002' });
  const other = await stack.call('GET', `/api/cases/${created.body.caseId}`, { token: otherClerk });
  expect(other.status).toBe(404);
  expect(other.body.error.code).toBe('NOT_FOUND');
});

test('when parents track with the code and phone digits, then they see the case masked; wrong digits look like a wrong code', async () => {
  const app = application({ services: ['birthCertificate', 'vaccination'] });
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  await caseUntil(created.body.caseId, (c) => c.status === 'completed');
  const ok = await stack.call('POST', '/api/track', { body: { trackingCode: created.body.trackingCode, phoneLast4: '8000' } });
  expect(ok.status).toBe(200);
  expect(() => ParentView.parse(ok.body)).not.toThrow();
  const text = JSON.stringify(ok.body);
  expect(text).not.toContain(app.mother.idNumber);
  expect(text).not.toContain(app.mother.phone);
  expect(text).not.toContain(app.mother.name);
  expect(ok.body.mother.phone).toBe('138****8000');
  expect(ok.body.services.birthCertificate.status).toBe('completed');
  expect(ok.body.entitlements.items.find((i: any) => i.key === 'maternityLeave')).toMatchObject({
    period: { unit: 'day', from: app.newborn.birthAt.slice(0, 10) }, figures: { days: 158 }, citation: { clause: '第十一条' },
  });

  const wrongDigits = await stack.call('POST', '/api/track', { body: { trackingCode: created.body.trackingCode, phoneLast4: '0000' } });
  const wrongCode = await stack.call('POST', '/api/track', { body: { trackingCode: `${created.body.caseId}-AAAAAAAAAAAA`, phoneLast4: '8000' } });
  expect(wrongDigits.status).toBe(404);
  expect(wrongCode.status).toBe(404);
  expect(wrongDigits.body).toEqual(wrongCode.body);
  const third = await stack.call('POST', '/api/track', { body: { trackingCode: created.body.trackingCode, phoneLast4: '1111' } });
  expect(third.status).toBe(404);
  const limited = await stack.call('POST', '/api/track', { body: { trackingCode: created.body.trackingCode, phoneLast4: '8000' } });
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe('RATE_LIMITED');
});

test('when the parents are unmarried, then household registration waits for an officer whose approval completes the case', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  expect(created.status).toBe(201);
  const reviewing = await caseUntil(created.body.caseId, (c) => c.services.household.status === 'under_review');
  expect(reviewing.services.household.review.agency).toBe('publicSecurity');

  const officer = await stack.token({ sub: 'officer-7', role: 'officer', agency: 'publicSecurity' });
  const tasks = await stack.call('GET', '/api/reviews', { token: officer });
  expect(tasks.status).toBe(200);
  const decided = await stack.call('POST', `/api/reviews/${created.body.caseId}/household`, { token: officer, body: { decision: 'approve', reason: '材料齐全' } });
  expect(decided.status).toBe(200);
  const done = await caseUntil(created.body.caseId, (c) => c.status === 'completed');
  expect(parseCitizenId(done.services.household.result.citizenId)).toMatchObject({ ok: true, regionCode: '370102' });
});

test('when an agency callback carries a bad signature, then 401 and nothing changes', async () => {
  const res = await stack.call('POST', '/api/agency-callbacks/publicSecurity', {
    body: { eventId: 'e', type: 'review.decided', caseId: '0123456789ABCDEF', service: 'household' },
    headers: { 'x-signature': 'sha256=00' },
  });
  expect(res.status).toBe(401);
});

test('when asked for the contract, then the OpenAPI document lists the case routes', async () => {
  const res = await stack.call('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/cases', '/api/cases/{caseId}', '/api/track']));
  expect((await stack.call('GET', '/readyz')).status).toBe(200);
});

test('when a clerk lists cases, then only her hospital\'s appear, filtered by status', async () => {
  const otherClerk = await stack.token({ sub: 'clerk-2', role: 'clerk', hospitalId: 'H0777' });
  const mine = await stack.call('POST', '/api/cases', { token: otherClerk, body: application({ services: ['vaccination'] }) });
  expect(mine.status).toBe(201);
  const listed = await eventually(async () => {
    const res = await stack.call('GET', '/api/cases?status=completed&pageSize=50', { token: otherClerk });
    if (!res.body.cases.some((c: any) => c.caseId === mine.body.caseId)) throw new Error('not listed yet');
    return res.body;
  }, { timeoutMs: 60_000, intervalMs: 250 });
  expect(() => CaseSummaryPage.parse(listed)).not.toThrow();
  expect(listed.cases.every((c: any) => c.hospitalId === 'H0777' && c.status === 'completed')).toBe(true);
  const bad = await stack.call('GET', '/api/cases?status=bogus', { token: otherClerk });
  expect(bad.status).toBe(400);
});

test('when a body is larger than the limit, then 413 before any parsing', async () => {
  const res = await stack.call('POST', '/api/cases', { token: clerk, body: JSON.stringify({ pad: 'x'.repeat(64 * 1024) }) });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
});

test('when a clerk corrects a case, then bad values are a 400, a printed name is a 409, and a valid change is applied', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  const caseId = created.body.caseId;
  await caseUntil(caseId, (c) => c.services.household.status === 'under_review');

  const badPhone = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '123' } } });
  expect(badPhone.status).toBe(400);
  expect(badPhone.body.error.issues.map((i: any) => i.path)).toContain('changes.mother.phone');

  const printed = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'newborn.name': '李新' } } });
  expect(printed.status).toBe(409);
  expect(printed.body.error.code).toBe('CONFLICT');
  expect(printed.body.error.message).toContain('出生医学证明已签发');

  const phone = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '13800138001' }, note: '家长换号' } });
  expect(phone.status).toBe(200);
  expect(phone.body.mother.phone).toBe('13800138001');

  const cancelled = await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '家长撤回' } });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ caseId, status: 'cancelled' });
  const final = await caseUntil(caseId, (c) => c.status === 'cancelled');
  expect(final.services.household.status).toBe('cancelled');
  const audit = await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk });
  expect(audit.body.entries.map((e: any) => e.action)).toEqual(expect.arrayContaining(['case.corrected', 'case.cancel_requested', 'service.compensation', 'case.cancelled']));
  expect((await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '再次' } })).status).toBe(409);
});

test('when parents supply the newborn\'s name, then the case goes on to complete', async () => {
  const app = application({ services: ['birthCertificate', 'vaccination'] });
  delete app.newborn.name;
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const waiting = await caseUntil(created.body.caseId, (c) => c.status === 'action_required');
  expect(waiting.actionsRequired[0].kind).toBe('newborn_name');
  const input = await stack.call('POST', '/api/track/input', { body: { trackingCode: created.body.trackingCode, phoneLast4: '8000', input: { newbornName: '李安然' } } });
  expect(input.status).toBe(200);
  expect(input.body.newborn.name).toBe('李*然');
  await caseUntil(created.body.caseId, (c) => c.status === 'completed');
});

test('when a case has run, then its Temporal history holds no name, ID number or phone in the clear', async () => {
  const app = application({ services: ['birthCertificate', 'vaccination'] });
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  await caseUntil(created.body.caseId, (c) => c.status === 'completed');
  const history = await stack.env.client.workflow.getHandle(`birth-case-${created.body.caseId}`).fetchHistory();
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(raw.length).toBeGreaterThan(1000);
  for (const secret of [app.mother.idNumber, app.mother.phone, app.mother.name, app.father!.idNumber, app.newborn.name!, created.body.trackingCode]) {
    expect(raw.includes(Buffer.from(secret, 'utf8'))).toBe(false);
  }
});

test('when both parents have Qingdao hukou, the mother draws unemployment benefit and the child is the second twin, then the case says so at acceptance', async () => {
  const app = application({
    newborn: { multipleBirth: { children: 2, position: 2 } },
    mother: { hukouRegionCode: '370202', supplementGround: 'unemploymentBenefit' },
    father: { hukouRegionCode: '370211' },
    householdOf: 'father',
    services: ['birthCertificate', 'vaccination'],
  });
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const accepted = await caseUntil(created.body.caseId, (c) => c.benefits !== null);
  expect(() => CaseView.parse(accepted)).not.toThrow();
  expect(accepted.mother).toMatchObject({ supplementGround: 'unemploymentBenefit', lowIncome: false });
  expect(accepted.newborn.multipleBirth).toEqual({ children: 2, position: 2 });
  // decided from the householdOf parent's region, not promised "pending"
  expect(accepted.benefits.childcareSubsidy).toMatchObject({ eligible: false, pending: false, hukouBasis: 'householdOfParent', hukouRegionCode: '370211' });
  expect(accepted.benefits.childcareSubsidy.failed).toEqual([expect.objectContaining({ code: 'HUKOU_NOT_JINAN', clause: '第十二条' })]);
  // the delivery's 3,000 yuan is shown on the first twin's case only
  expect(accepted.benefits.maternity).toMatchObject({ eligible: true, rule: 'fixed', delivery: { children: 2, position: 2, countedHere: false } });
  expect(accepted.benefits.maternity.amount).toBeUndefined();
});

test('when a filing\'s answer was lost after the case started, then filing it again answers 409 and links the parents\' phones; a filing with other phones links nothing', async () => {
  const app = application();
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  const database = await openMigratedDatabase(databaseOptionsFromEnv({}, stack.config.DATA_DIR), parentLinksSchema);
  const links = async (): Promise<number> => Number((await sql<{ n: number }>`select count(*) as n from parent_links where ref = ${caseId}`.execute(database.db)).rows[0]?.n);
  try {
    // the API died between the start and the link: the case stands, no phone is linked to it
    await sql`delete from parent_links where ref = ${caseId}`.execute(database.db);
    const otherPhone = await stack.call('POST', '/api/cases', { token: clerk, body: { ...app, mother: { ...app.mother, phone: '13900139077' } } });
    expect(otherPhone.status).toBe(409);
    expect(await links()).toBe(0);

    const again = await stack.call('POST', '/api/cases', { token: clerk, body: app });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DUPLICATE_CASE', caseId });
    expect(await links()).toBeGreaterThan(0);
  } finally {
    await database.close();
  }
  // the mother signs in and finds it
  const { cookie } = await signInParent(stack, app.mother.phone);
  const mine = await stack.call('GET', '/api/parent/cases', { headers: { cookie } });
  expect(mine.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
});
