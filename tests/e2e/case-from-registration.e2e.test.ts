// A birth case from the parents' online 生育登记 (issue 18), over real HTTP against the real stack: the clerk
// names the registration, the server checks it is the mother's and open and derives the birth order from it
// (a different one is a question in plain words, and nothing starts); the case completes the 生育登记 at
// once and the registration is closed as born; a family without one is registered by the case; the
// signed-in mother sees her case.
import { CaseView } from '../../api/views.schemas';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { SERVICE_KEYS } from '../../domain/catalog';
import type { FamilyRegistrationRequest } from '../../workflows/family-registration.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { signInParent } from '../helpers/parent-sign-in';
import { motherIdWith, registrationRequest } from '../helpers/registration-fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
let addresses = 0;

beforeAll(async () => {
  stack = await startStack({ config: { TRUST_PROXY: 'loopback', TEMPORAL_CALL_TIMEOUT_MS: 8000 } });
  clerk = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** The mother signs in (code and real name) and registers online; her headers and the registration's view. */
async function registeredOnline(request: FamilyRegistrationRequest): Promise<{ headers: Record<string, string>; registrationId: string; registrationNumber: string }> {
  const address = { 'x-forwarded-for': `198.51.100.${++addresses}` };
  const { cookie } = await signInParent(stack, request.mother.phone, address);
  const headers = { ...address, cookie };
  const checked = await stack.call('POST', '/api/parent/real-name', { body: { name: request.mother.name, idNumber: request.mother.idNumber }, headers });
  if (checked.status !== 200) throw new Error(`real name: ${checked.status} ${JSON.stringify(checked.body)}`);
  const created = await stack.call('POST', '/api/parent/registrations', { body: request, headers });
  if (created.status !== 201) throw new Error(`registration: ${created.status} ${JSON.stringify(created.body)}`);
  return { headers, registrationId: created.body.registrationId, registrationNumber: created.body.registrationNumber };
}

/** The family's case as the clerk fills it from the registration: the whole bundle. */
function caseFrom(request: FamilyRegistrationRequest, newborn: Partial<CaseCreateRequest['newborn']>): CaseCreateRequest {
  return application({ services: [...SERVICE_KEYS], mother: { idNumber: request.mother.idNumber, phone: request.mother.phone, name: request.mother.name }, newborn });
}

test('when the clerk starts a case from the mother\'s registration, then a wrong birth order is a plain question and nothing starts; the right one completes the 生育登记 at once, closes the registration as born, and the mother sees the case', async () => {
  const request = registrationRequest({ onRecord: 1 });
  const online = await registeredOnline(request);

  const wrong = await stack.call('POST', '/api/cases', { token: clerk, body: { ...caseFrom(request, { birthOrder: 1 }), registrationId: online.registrationId } });
  expect(wrong.status).toBe(409);
  expect(wrong.body.error).toMatchObject({
    code: 'CONFLICT', message: '生育登记记录显示此前已生育1孩，本孩子应为第2孩；您填写的是第1孩，请核对',
    issues: [{ path: 'newborn.birthOrder', code: 'BIRTH_ORDER_MISMATCH', message: '生育登记记录显示此前已生育1孩，本孩子应为第2孩；您填写的是第1孩，请核对' }],
  });
  expect((await stack.call('GET', `/api/parent/registrations/${online.registrationId}`, { headers: online.headers })).body.status).toBe('registered');
  expect((await stack.call('GET', '/api/parent/cases', { headers: online.headers })).body.items).toEqual([]);

  const created = await stack.call('POST', '/api/cases', { token: clerk, body: { ...caseFrom(request, { birthOrder: 2 }), registrationId: online.registrationId } });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  const view = await stack.caseUntil(clerk, caseId, (c) => c.services.familyRegistration?.status === 'completed' && c.services.birthCertificate.status === 'completed');
  expect(() => CaseView.parse(view)).not.toThrow();
  expect(view.services.familyRegistration.result).toEqual({ registrationNumber: online.registrationNumber, childrenOnRecord: 1, source: 'online' });
  expect(Object.keys(view.services)).toEqual([...SERVICE_KEYS]);

  // the case tells the registration (a signal): it closes as born
  await eventually(async () => {
    const closed = await stack.call('GET', `/api/parent/registrations/${online.registrationId}`, { headers: online.headers });
    if (closed.body.status !== 'born') throw new Error(`registration still ${closed.body.status}`);
  });
  // the mother, signed in, sees her case without a tracking code (the parents' page numbers masked)
  const mine = await stack.call('GET', '/api/parent/cases', { headers: online.headers });
  expect(mine.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
}, 60_000);

test('when the registration named is not this mother\'s, or is malformed, then 400 on registrationId and nothing starts', async () => {
  const request = registrationRequest({ onRecord: 0 });
  const online = await registeredOnline(request);
  const otherMother = caseFrom(registrationRequest({ onRecord: 0 }), { birthOrder: 1 });
  const foreign = await stack.call('POST', '/api/cases', { token: clerk, body: { ...otherMother, registrationId: online.registrationId } });
  expect(foreign.status).toBe(400);
  expect(foreign.body.error.issues).toEqual([expect.objectContaining({ path: 'registrationId', code: 'REGISTRATION_NOT_FOUND' })]);

  const malformed = await stack.call('POST', '/api/cases', { token: clerk, body: { ...caseFrom(request, { birthOrder: 1, birthWeightGrams: 10 }), registrationId: 'not-an-id' } });
  expect(malformed.status).toBe(400);
  // every problem at once: the application's and the registration id's
  expect(malformed.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['newborn.birthWeightGrams', 'registrationId']);
  expect((await stack.call('GET', `/api/parent/registrations/${online.registrationId}`, { headers: online.headers })).body.status).toBe('registered');
}, 60_000);

test('when the family did not register online, then the case registers it itself as the first item, with the children before this birth', async () => {
  const app = application({ services: [...SERVICE_KEYS], mother: { idNumber: motherIdWith(2) }, newborn: { birthOrder: 3 } });
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const view = await stack.caseUntil(clerk, created.body.caseId, (c) => c.services.familyRegistration?.status === 'completed');
  expect(view.services.familyRegistration.result).toMatchObject({ registrationNumber: expect.stringMatching(/^SY\d{16}$/), childrenOnRecord: 2, source: 'case' });
}, 60_000);
