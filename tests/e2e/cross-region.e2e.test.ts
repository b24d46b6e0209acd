// Issue 19 (异地通办) over the real stack: the API, the worker, Temporal and the mock agencies with the
// cross-region exchange. A Qingdao family's household, insurance and card go through the exchange and
// come back days (scaled) later through its signed `forward.answered` callbacks (the stack's agency poll is
// an hour: only the callback wakes the case); the other place asking for originals is the parents' task
// until the originals are marked received.
import { makeCitizenId, parseCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;

beforeAll(async () => {
  // Agency days of 1 s: the other place asks for originals after 3 s and waits 15 s for them.
  stack = await startStack({ secondsPerDay: 1, config: { TEMPORAL_CALL_TIMEOUT_MS: 8000 } });
  clerk = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

let serial = 0;
/** A family whose household is the father's, in Qingdao; `sequence` 997 makes Qingdao ask for originals, 995 refuse. */
const qingdaoFamily = (sequence?: number) => {
  serial += 1;
  const idNumber = makeCitizenId('370202', '1991-05-06', sequence ?? 101 + 2 * ((process.pid + serial) % 400));
  return application({ father: { idNumber, hukouRegionCode: '370202' }, householdOf: 'father' });
};

test('when a Qingdao family is filed, then household, insurance and card are handled in Qingdao through the exchange, and the answers arrive by its callbacks', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: qingdaoFamily() });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  const done = await stack.caseUntil(clerk, caseId, (c) => c.services.socialSecurityCard?.status === 'completed', 90_000);
  expect(parseCitizenId(done.services.household.result.citizenId)).toMatchObject({ ok: true, regionCode: '370202' });
  expect(done.services.medicalInsurance.result).toMatchObject({ enrolmentNumber: expect.stringMatching(/^YB370202/), waived: false });
  expect(done.services.socialSecurityCard.result).toMatchObject({ applicationNumber: expect.stringMatching(/^SSA3702/) });
  expect(done.services.household.handledAt).toMatchObject({ channel: 'inProvince', placeLabel: '山东省青岛市' });

  const callbacks = await fetch(`${stack.agenciesUrl}/admin/callbacks?caseId=${caseId}`, { headers: stack.agenciesAdmin });
  const sent = ((await callbacks.json()) as { callbacks: Array<{ agency: string; type: string; deliveredAt: string | null }> }).callbacks;
  expect(sent.filter((c) => c.agency === 'exchange').map((c) => [c.type, c.deliveredAt !== null])).toEqual([
    ['forward.answered', true], ['forward.answered', true], ['forward.answered', true],
  ]);
}, 120_000);

test('when Qingdao asks for originals, then the parents are asked what to post, where and by when; once Qingdao has them, the household completes', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: qingdaoFamily(997) });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  const waiting = await stack.caseUntil(clerk, caseId, (c) => c.actionsRequired?.some((a: { kind: string }) => a.kind === 'originals'), 60_000);
  const task = waiting.actionsRequired.find((a: { kind: string }) => a.kind === 'originals');
  expect(task).toMatchObject({ service: 'household', postTo: expect.stringContaining('山东省青岛市'), dueAt: expect.any(String) });
  expect(JSON.stringify(task.items)).toContain('出生医学证明原件');

  const forwards = await fetch(`${stack.agenciesUrl}/admin/callbacks?caseId=${caseId}`, { headers: stack.agenciesAdmin });
  const [asked] = ((await forwards.json()) as { callbacks: Array<{ body: { forwardId?: string } }> }).callbacks;
  const received = await fetch(`${stack.agenciesUrl}/admin/exchange/forwards/${asked!.body.forwardId}/originals-received`, { method: 'POST', headers: stack.agenciesAdmin });
  expect(received.status).toBe(200);
  const done = await stack.caseUntil(clerk, caseId, (c) => c.services.household.status === 'completed', 60_000);
  expect(done.actionsRequired.filter((a: { kind: string }) => a.kind === 'originals')).toEqual([]);
  expect(parseCitizenId(done.services.household.result.citizenId)).toMatchObject({ ok: true, regionCode: '370202' });
}, 120_000);

test('when Qingdao has no such household, then the household is refused naming Qingdao and its reason', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: qingdaoFamily(995) });
  expect(created.status).toBe(201);
  const s = await stack.caseUntil(clerk, created.body.caseId, (c) => c.services.household.status === 'refused', 60_000);
  expect(s.services.household.reason).toContain('山东省青岛市');
  expect(s.services.household.reason).toContain('户籍地未查到该户籍');
}, 120_000);

test('when a service hall files a child born in Qingdao, then the certificate is verified and the vaccination record transferred through the exchange; a certificate Qingdao did not issue for this birth is refused', async () => {
  const hall = await stack.token({ role: 'hallClerk', hallId: 'JN-HALL-01' });
  const inbound = (certificateNumber: string) => application({ bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber } });
  const ok = await stack.call('POST', '/api/cases', { token: hall, body: inbound('Q370212345') });
  expect(ok.status).toBe(201);
  const done = await stack.caseUntil(hall, ok.body.caseId, (c) => c.services.vaccination?.status === 'completed' && c.services.birthCertificate?.status === 'completed', 60_000);
  expect(done.services.birthCertificate.result).toMatchObject({ certificateNumber: 'Q370212345' });
  expect(done.services.vaccination.result).toMatchObject({ certificateNumber: expect.stringMatching(/^YJ3701/) });

  const bad = await stack.call('POST', '/api/cases', { token: hall, body: inbound('Q370218888') });
  expect(bad.status).toBe(201);
  const refused = await stack.caseUntil(hall, bad.body.caseId, (c) => c.services.birthCertificate?.status === 'refused', 60_000);
  expect(refused.services.birthCertificate.reason).toContain('不一致');
}, 120_000);

test('when the case is cancelled while Qingdao waits for the originals, then the forward is withdrawn through the exchange and Qingdao never answers it', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: qingdaoFamily(997) });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  await stack.caseUntil(clerk, caseId, (c) => c.actionsRequired?.some((a: { kind: string }) => a.kind === 'originals'), 60_000);
  const cancelled = await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '家长撤回' } });
  expect(cancelled.status).toBe(200);
  const final = await stack.caseUntil(clerk, caseId, (c) => c.status === 'cancelled', 60_000);
  expect(final.services.household.status).toBe('cancelled');

  const listed = await fetch(`${stack.agenciesUrl}/admin/callbacks?caseId=${caseId}`, { headers: stack.agenciesAdmin });
  const [asked] = ((await listed.json()) as { callbacks: Array<{ body: { idempotencyKey: string; forwardId?: string } }> }).callbacks;
  const status = await fetch(`${stack.agenciesUrl}/exchange/forwards/${encodeURIComponent(asked!.body.idempotencyKey)}`);
  expect(await status.json()).toEqual({ state: 'withdrawn', forwardId: asked!.body.forwardId, channel: 'inProvince' });
  const received = await fetch(`${stack.agenciesUrl}/admin/exchange/forwards/${asked!.body.forwardId}/originals-received`, { method: 'POST', headers: stack.agenciesAdmin });
  expect(received.status).toBe(409); // nothing to receive originals for any more
}, 120_000);
