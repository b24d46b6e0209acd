// The family registration (生育登记) over real HTTP against the real stack: parents signed in by SMS code
// and real name register, read, amend and withdraw their registration; the health commission's verdict
// comes back at once (its conflicts in plain words); a parent never sees another family's registration;
// a clerk finds a mother's open registration by her ID number, and the read is in the access log.
import { registrationIdFor } from '../../api/case-identity';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { addMonthsToYearMonth } from '../../domain/dates';
import { RegistrationList, RegistrationLookupView, RegistrationView } from '../../api/registration-views';
import type { FamilyRegistrationRequest } from '../../workflows/family-registration.contract';
import { eventually } from '../helpers/eventually';
import { signInParent } from '../helpers/parent-sign-in';
import { registrationRequest } from '../helpers/registration-fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
let admin: string;
let addresses = 0;

beforeAll(async () => {
  // behind a proxy on this machine: each signed-in parent is its own client address (the per-address limits)
  stack = await startStack({ config: { TRUST_PROXY: 'loopback', TEMPORAL_CALL_TIMEOUT_MS: 8000 } });
  clerk = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
  admin = await stack.token({ role: 'admin' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

type Person = { name: string; idNumber: string; phone: string };

/** Signs `who` in by SMS code and real name; the headers of their later requests. */
async function signIn(who: Person, realName = true): Promise<Record<string, string>> {
  const address = { 'x-forwarded-for': `198.51.100.${++addresses}` };
  const { cookie } = await signInParent(stack, who.phone, address);
  const headers = { ...address, cookie };
  if (realName) {
    const checked = await stack.call('POST', '/api/parent/real-name', { body: { name: who.name, idNumber: who.idNumber }, headers });
    if (checked.status !== 200) throw new Error(`real name: ${checked.status} ${JSON.stringify(checked.body)}`);
  }
  return headers;
}

const register = (headers: Record<string, string>, body: unknown) => stack.call('POST', '/api/parent/registrations', { body, headers });
const mother = (r: FamilyRegistrationRequest): Person => r.mother;
const father = (r: FamilyRegistrationRequest): Person => r.father!;

test('when a mother registers, then she has the commission\'s number at once; she and the father read it, another family gets 404; a clerk finds it by her ID and the read is logged', async () => {
  const request = registrationRequest({ onRecord: 1 });
  const asMother = await signIn(mother(request));
  const created = await register(asMother, request);
  expect(created.status).toBe(201);
  const view = RegistrationView.parse(created.body);
  expect(view).toMatchObject({ status: 'registered', statusLabel: '已登记', childrenOnRecord: 1, expectedBirthOrder: 2, request });
  expect(view.registrationNumber).toMatch(/^SY\d{16}$/);
  expect(view.audit).toEqual([expect.objectContaining({ action: 'registration.registered', actorRole: 'parent', actorId: 'mother' })]);
  expect(created.headers.get('location')).toBe(`/api/parent/registrations/${view.registrationId}`);

  const asFather = await signIn(father(request));
  for (const headers of [asMother, asFather]) {
    expect(RegistrationList.parse((await stack.call('GET', '/api/parent/registrations', { headers })).body).items.map((i) => i.registrationId)).toEqual([view.registrationId]);
    expect((await stack.call('GET', `/api/parent/registrations/${view.registrationId}`, { headers })).body).toEqual(view);
  }

  const other = registrationRequest();
  const asOther = await signIn(mother(other));
  expect((await stack.call('GET', `/api/parent/registrations/${view.registrationId}`, { headers: asOther })).status).toBe(404);
  expect((await stack.call('GET', '/api/parent/registrations', { headers: asOther })).body).toEqual({ items: [] });
  expect((await stack.call('POST', `/api/parent/registrations/${view.registrationId}/withdrawal`, { body: { reason: '不要了' }, headers: asOther })).status).toBe(404);

  const found = await stack.call('POST', '/api/registrations/lookup', { token: clerk, body: { motherIdNumber: request.mother.idNumber } });
  expect(found.status).toBe(200);
  expect(RegistrationLookupView.parse(found.body).registration).toEqual(view);
  const log = await stack.call('GET', `/api/ops/accesses?caseId=${view.registrationId}`, { token: admin });
  expect(log.body.items).toEqual([expect.objectContaining({ view: 'registration', role: 'clerk', caseId: view.registrationId })]);
  expect((await stack.call('POST', '/api/registrations/lookup', { token: clerk, body: { motherIdNumber: other.mother.idNumber } })).status).toBe(404);
});

test('when the declared children differ from the commission\'s record, then 409 names the conflict in plain words; corrected, the registration goes through', async () => {
  const request = registrationRequest({ onRecord: 2, childrenBefore: 1 });
  const asMother = await signIn(mother(request));
  const refused = await register(asMother, request);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toEqual({
    code: 'CONFLICT', message: '卫生健康委核对登记信息未通过，请按提示核对',
    issues: [{ path: 'childrenBefore', code: 'CHILDREN_MISMATCH', message: '卫生健康委记录显示母亲此前已生育2个子女，您申报的是1个，请核对' }],
  });
  expect((await stack.call('GET', '/api/parent/registrations', { headers: asMother })).body).toEqual({ items: [] });
  const corrected = await register(asMother, { ...request, childrenBefore: 2 });
  expect(corrected.status).toBe(201);
  expect(corrected.body).toMatchObject({ childrenOnRecord: 2, expectedBirthOrder: 3 });
});

test('when an open registration is amended and then withdrawn, then the audit names the fields changed; a second one meanwhile is 409; after the withdrawal the mother registers again', async () => {
  const request = registrationRequest();
  const asFather = await signIn(father(request));
  const first = RegistrationView.parse((await register(asFather, request)).body);
  expect((await register(asFather, request)).body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('尚未办结') as unknown });

  const path = `/api/parent/registrations/${first.registrationId}`;
  const later = { ...request, expectedMonth: addMonthsToYearMonth(request.expectedMonth, 1) };
  const amended = await stack.call('PUT', path, { body: later, headers: asFather });
  expect(amended.status).toBe(200);
  expect(amended.body.audit.at(-1)).toMatchObject({ action: 'registration.amended', actorId: 'father', fields: ['expectedMonth'] });
  expect(Date.parse(amended.body.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
  const otherMother = { ...later, mother: { ...later.mother, idNumber: makeCitizenId('370102', '1995-01-01', 8) } };
  expect((await stack.call('PUT', path, { body: otherMother, headers: asFather })).body.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'mother.idNumber', code: 'MOTHER_CHANGED' }] });

  const withdrawn = await stack.call('POST', `${path}/withdrawal`, { body: { reason: '计划有变' }, headers: asFather });
  expect(withdrawn.body).toMatchObject({ status: 'withdrawn', statusLabel: '已撤回' });
  expect((await stack.call('POST', `${path}/withdrawal`, { body: { reason: '再撤一次' }, headers: asFather })).status).toBe(409);
  expect((await stack.call('POST', '/api/registrations/lookup', { token: clerk, body: { motherIdNumber: request.mother.idNumber } })).status).toBe(404);
  const again = await register(asFather, request);
  expect(again.status).toBe(201);
  expect(again.body.registrationNumber).not.toBe(first.registrationNumber);
});

test('when the caller is not signed in, not real-name verified, not a parent named, or registers with another phone, then nothing is registered (401, 403) and a bad body is 400 by path', async () => {
  const request = registrationRequest();
  expect((await register({}, request)).status).toBe(401);
  const unverified = await signIn(mother(request), false);
  expect((await register(unverified, request)).body.error).toMatchObject({ code: 'FORBIDDEN', message: '请先完成实名认证' });
  const stranger = registrationRequest();
  const asStranger = await signIn(mother(stranger));
  expect((await register(asStranger, request)).body.error).toMatchObject({ code: 'FORBIDDEN', message: '只有登记中的母亲或父亲本人可以办理' });
  // the same session, now real-name verified
  expect((await stack.call('POST', '/api/parent/real-name', { body: { name: request.mother.name, idNumber: request.mother.idNumber }, headers: unverified })).status).toBe(200);
  const asMother = unverified;
  expect((await register(asMother, { ...request, mother: { ...request.mother, phone: '13698765432' } })).body.error).toMatchObject({ code: 'FORBIDDEN' });
  const bad = await register(asMother, { ...request, childrenBefore: -1, expectedMonth: '2020-01', marriage: { married: true, marriedOn: '2099-02-30' }, extra: 1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['childrenBefore', 'expectedMonth', 'extra', 'marriage.marriedOn']);
  expect((await stack.call('POST', '/api/registrations/lookup', { token: clerk, body: { motherIdNumber: request.mother.idNumber } })).status).toBe(404);
});

test('when the health commission does not answer in time, then the registration answers 503 and goes on; read later, it is registered; a refused one reads as 404', async () => {
  const request = registrationRequest();
  const asMother = await signIn(mother(request));
  const faults = (body: unknown) => fetch(`${stack.agenciesUrl}/admin/faults/healthCommission`, { method: 'PUT', headers: { ...stack.agenciesAdmin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await faults({ outageSeconds: 60 })).status).toBe(200);
  let registrationId: string;
  try {
    const late = await register(asMother, request);
    expect(late.body.error).toMatchObject({ code: 'UNAVAILABLE' });
    registrationId = registrationIdFor(request.mother.idNumber, stack.config.CASE_ID_SECRET);
    expect((await stack.call('GET', `/api/parent/registrations/${registrationId}`, { headers: asMother })).body.error).toEqual({ code: 'UNAVAILABLE', message: '生育登记正在办理中，请稍后查看' });
  } finally {
    await faults({});
  }
  const later = await eventually(async () => {
    const r = await stack.call('GET', `/api/parent/registrations/${registrationId}`, { headers: asMother });
    expect(r.status).toBe(200);
    return r.body;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  expect(later).toMatchObject({ status: 'registered', request });

  const refused = registrationRequest({ onRecord: 1, childrenBefore: 0 });
  const asOther = await signIn(mother(refused));
  expect((await register(asOther, refused)).status).toBe(409);
  expect((await stack.call('GET', `/api/parent/registrations/${registrationIdFor(refused.mother.idNumber, stack.config.CASE_ID_SECRET)}`, { headers: asOther })).status).toBe(404);
}, 120_000);
