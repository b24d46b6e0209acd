// Fault injection: settings at boot and at run time, each kind of transient error, and the rule that a
// request failed by a fault has no effect.
import { createAgencyActivities } from '../../activities';
import {
  ADAPTER_TIMEOUT_MS,
  birthCertificateRequest,
  expectRetryable,
  failureOf,
  freePort,
  smsRequest,
  startTestMock,
  uniqueId,
  type TestMock,
} from './support';

let mock: TestMock;
beforeAll(async () => {
  mock = await startTestMock({ faults: { sms: { outageSeconds: 3600 } } });
});
afterAll(() => mock.close());
afterEach(() => mock.admin.clearFaults());

test('when faults are given at boot, then GET /admin/faults shows them as a window and they apply to that agency only', async () => {
  const { body } = await mock.admin.get<{ faults: Record<string, { outage?: { from: string; to: string } }> }>('/admin/faults');
  expect(Date.parse(body.faults.sms!.outage!.to) - Date.parse(body.faults.sms!.outage!.from)).toBe(3_600_000);
  expect(body.faults.healthCommission).toEqual({});
  const caseId = uniqueId('faults');
  expectRetryable(await failureOf(mock.agencies.sendSms(smsRequest(caseId))));
  await mock.agencies.issueBirthCertificate(birthCertificateRequest(caseId));
  expect(await mock.admin.count(caseId, 'sms')).toBe(0);
  await mock.admin.setFaults('sms', {});
  await mock.agencies.sendSms(smsRequest(caseId));
  expect(await mock.admin.count(caseId, 'sms')).toBe(1);
});

test.each([['unavailable'], ['hang'], ['drop']] as const)('when every request fails with %s, then the adapter reports a retryable error and nothing is recorded', async (kind) => {
  const caseId = uniqueId('faults');
  await mock.admin.setFaults('healthCommission', { errorRate: 1, errorKinds: [kind], hangMs: ADAPTER_TIMEOUT_MS * 3 });
  const err = await failureOf(mock.agencies.issueBirthCertificate(birthCertificateRequest(caseId)));
  expectRetryable(err);
  expect(await mock.admin.count(caseId)).toBe(0);
  await mock.admin.setFaults('healthCommission', {});
});

test('when the first two attempts per key are slow, then they time out and the third succeeds with one record', async () => {
  const caseId = uniqueId('faults');
  const req = birthCertificateRequest(caseId);
  await mock.admin.setFaults('healthCommission', { slowThenSucceed: 2, hangMs: ADAPTER_TIMEOUT_MS * 3 });
  expect((await failureOf(mock.agencies.issueBirthCertificate(req))).message).toMatch(/no answer within/);
  expect((await failureOf(mock.agencies.issueBirthCertificate(req))).message).toMatch(/no answer within/);
  const result = await mock.agencies.issueBirthCertificate(req);
  expect(result.certificateNumber).toMatch(/^[A-Z]\d{9}$/);
  expect(await mock.admin.count(caseId)).toBe(1);
  await mock.admin.setFaults('healthCommission', {});
});

test('when an outage window lies in the past, then requests go through', async () => {
  await mock.admin.setFaults('healthCommission', { outage: { from: '2020-01-01T00:00:00+08:00', to: '2020-01-02T00:00:00+08:00' } });
  await mock.agencies.issueBirthCertificate(birthCertificateRequest(uniqueId('faults')));
  await mock.admin.setFaults('healthCommission', {});
});

test('when fault settings are invalid or name no agency, then 400 and nothing changes', async () => {
  const put = (agency: string, body: unknown) =>
    fetch(`${mock.url}/admin/faults/${agency}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await put('healthCommission', { errorRate: 2 })).status).toBe(400);
  expect((await put('healthCommission', { bogus: true })).status).toBe(400);
  expect((await put('weather', {})).status).toBe(400);
  const { body } = await mock.admin.get<{ faults: Record<string, unknown> }>('/admin/faults');
  expect(body.faults.healthCommission).toEqual({});
});

test('when no agency listens at all, then the adapter reports a retryable connection error', async () => {
  const nobody = createAgencyActivities({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: ADAPTER_TIMEOUT_MS });
  const err = await failureOf(nobody.issueBirthCertificate(birthCertificateRequest(uniqueId('faults'))));
  expectRetryable(err);
  expect(err.message).toMatch(/ECONNREFUSED/);
});

test('when a request has no idempotency key or a malformed body, then 400 and no record', async () => {
  const caseId = uniqueId('faults');
  const { idempotencyKey: _key, ...withoutKey } = birthCertificateRequest(caseId);
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${mock.url}/health-commission/birth-certificates`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  expect((await post(JSON.stringify(withoutKey))).status).toBe(400);
  expect((await post('{not json', { 'Idempotency-Key': `${caseId}:x` })).status).toBe(400);
  expect((await post(JSON.stringify({ ...withoutKey, newborn: { sex: 'X' } }), { 'Idempotency-Key': `${caseId}:y` })).status).toBe(400);
  expect(await mock.admin.count(caseId)).toBe(0);
});
