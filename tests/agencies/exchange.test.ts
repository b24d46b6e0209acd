// The cross-region exchange mock (issue 19) through the real adapter over HTTP: a forward is acknowledged
// with its channel's service level and answered days later (scaled) with a signed callback; the other
// place may ask for originals (answered once they are received, refused when overdue) or refuse; the
// exchange may be down (retryable, nothing recorded); withdrawal; inbound certificate and vaccination.
import pino from 'pino';
import { AgencyCallback } from '../../activities/agency-callbacks.schemas';
import { AgencyFailureType } from '../../activities/agency.types';
import { createExchangeAdapter } from '../../activities/exchange.adapter';
import type { ExchangeActivities, ForwardRequest, ForwardStatus } from '../../activities/exchange.types';
import { agencyCallbackKey, verifyCallback } from '../../infra/agency-signature';
import { eventually } from '../helpers/eventually';
import {
  ADAPTER_TIMEOUT_MS, expectApplicationFailure, expectRetryable, failureOf, personId, startReceiver, startTestMock, uniqueId,
  type CallbackReceiver, type TestMock,
} from './support';

const SECRET = 'exchange-secret';
const QINGDAO = '370202';
const BEIJING = '110105';
let receiver: CallbackReceiver;
let mock: TestMock;
let exchange: ExchangeActivities;
let motherSerial = 0;

beforeEach(async () => {
  receiver = await startReceiver();
  mock = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET, secondsPerDay: 0.2 });
  exchange = createExchangeAdapter({ baseUrl: mock.url, timeoutMs: ADAPTER_TIMEOUT_MS });
});
afterEach(async () => {
  await mock.close();
  await receiver.close();
});

/** A mother of `region`; `sequence` 992 (997 for a man) makes the other place ask for originals, 996 (995) refuse. */
function motherOf(region: string, sequence?: number): { name: string; idNumber: string } {
  motherSerial += 1;
  return { name: '王芳', idNumber: personId(region, '1992-03-04', sequence ?? 2 + 2 * (motherSerial % 400)) };
}

function householdForward(destination: string, sequence?: number): ForwardRequest {
  const caseId = uniqueId('xr');
  return {
    idempotencyKey: `${caseId}:household`, caseId, kind: 'household', destinationRegionCode: destination,
    application: {
      birthCertificateNumber: 'Q370100001', newborn: { name: '李安然', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00' },
      mother: motherOf(destination, sequence), father: null, married: true, householdOf: 'mother',
    },
  };
}

/** dueAt is the channel's service level after the acknowledgement (days of 1 s; instants to the second). */
function expectDaysBetween(ack: { acknowledgedAt: string; dueAt: string }, days: number): void {
  const ms = Date.parse(ack.dueAt) - Date.parse(ack.acknowledgedAt);
  expect(ms).toBeGreaterThanOrEqual(days * 1000 - 1000);
  expect(ms).toBeLessThanOrEqual(days * 1000 + 1000);
}

async function settled(key: string, state: ForwardStatus['state']): Promise<ForwardStatus> {
  return eventually(async () => {
    const status = await exchange.getForwardStatus({ idempotencyKey: key });
    if (status.state !== state) throw new Error(`still ${status.state}`);
    return status;
  }, { timeoutMs: 8000, intervalMs: 50 });
}

async function callbacksFor(caseId: string, n: number): Promise<AgencyCallback[]> {
  return eventually(() => {
    const hits = receiver.received.filter((r) => r.body.includes(caseId));
    if (hits.length < n) throw new Error(`${hits.length} callbacks`);
    for (const hit of hits) {
      expect(hit.path).toBe('/api/agency-callbacks/exchange');
      expect(verifyCallback(hit.body, 'exchange', hit.headers['x-signature'] as string, agencyCallbackKey(SECRET, 'exchange')).ok).toBe(true);
    }
    return hits.map((h) => AgencyCallback.parse(JSON.parse(h.body)));
  }, { timeoutMs: 8000, intervalMs: 25 });
}

async function originalsReceived(forwardId: string): Promise<number> {
  return (await fetch(`${mock.url}/admin/exchange/forwards/${forwardId}/originals-received`, { method: 'POST' })).status;
}

test('when a Qingdao household is forwarded, then it is acknowledged in-province, answered later with a Qingdao citizen ID and a signed forward.answered', async () => {
  const req = householdForward(QINGDAO);
  const ack = await exchange.forwardApplication(req);
  expect(ack).toMatchObject({ forwardId: expect.stringMatching(/^FW370202\d{8}$/), channel: 'inProvince' });
  expect(await exchange.getForwardStatus({ idempotencyKey: req.idempotencyKey })).toEqual({ state: 'pending', forwardId: ack.forwardId, channel: 'inProvince', dueAt: ack.dueAt });

  const done = await settled(req.idempotencyKey, 'completed');
  if (done.state !== 'completed') throw new Error('unreachable');
  expect(done.result).toMatchObject({ citizenId: expect.stringMatching(/^37020220261120\d{3}[\dX]$/), regionCode: QINGDAO });
  expect(Number(String(done.result.citizenId).slice(16, 17)) % 2).toBe(0); // a girl: even sequence
  const [event] = await callbacksFor(req.caseId, 1);
  expect(event).toMatchObject({ agency: 'exchange', type: 'forward.answered', service: 'household', caseId: req.caseId, idempotencyKey: req.idempotencyKey, forwardId: ack.forwardId });
  // the same forward again: the first acknowledgement, nothing new
  expect(await exchange.forwardApplication(req)).toEqual(ack);
  expect(await mock.admin.count(req.caseId, 'exchange')).toBe(1);
});

test('when households go to Qingdao and to Beijing, then they are due after the channel\'s service level: five days in-province, ten cross-province (configurable)', async () => {
  const slow = await startTestMock({ secondsPerDay: 1 });
  const configured = await startTestMock({ secondsPerDay: 1, exchangeTiming: { serviceLevelDays: { crossProvince: 15 } } });
  try {
    const client = (m: TestMock) => createExchangeAdapter({ baseUrl: m.url, timeoutMs: ADAPTER_TIMEOUT_MS });
    const inProvince = await client(slow).forwardApplication(householdForward(QINGDAO));
    const crossProvince = await client(slow).forwardApplication(householdForward(BEIJING));
    expect([inProvince.channel, crossProvince.channel]).toEqual(['inProvince', 'crossProvince']);
    expectDaysBetween(inProvince, 5);
    expectDaysBetween(crossProvince, 10);
    expectDaysBetween(await client(configured).forwardApplication(householdForward(BEIJING)), 15);
  } finally {
    await Promise.all([slow.close(), configured.close()]);
  }
});

test('when the same key comes with another application, or the destination is Jinan or unknown, then the exchange refuses to take it and records nothing', async () => {
  const req = householdForward(QINGDAO);
  await exchange.forwardApplication(req);
  expectApplicationFailure(await failureOf(exchange.forwardApplication({ ...req, destinationRegionCode: BEIJING })), 'AgencyProtocolError');
  const jinan = householdForward('370102');
  expectApplicationFailure(await failureOf(exchange.forwardApplication(jinan)), 'AgencyProtocolError');
  expectApplicationFailure(await failureOf(exchange.forwardApplication({ ...householdForward('379999') })), 'AgencyProtocolError');
  expect(await mock.admin.count(jinan.caseId, 'exchange')).toBe(0);
  expectApplicationFailure(await failureOf(exchange.getForwardStatus({ idempotencyKey: 'never-sent:household' })), 'AgencyProtocolError');
});

test('when Qingdao asks for originals, then the parents have what to post, where and by when; once received, the household is answered', async () => {
  const req = householdForward(QINGDAO, 992);
  const ack = await exchange.forwardApplication(req);
  const asked = await settled(req.idempotencyKey, 'originals_requested');
  expect(asked).toMatchObject({ forwardId: ack.forwardId, items: ['出生医学证明原件', '父母结婚证原件', '户口簿原件'], postTo: expect.stringContaining('山东省青岛市') });
  if (asked.state !== 'originals_requested') throw new Error('unreachable');
  expect(Date.parse(asked.dueAt)).toBeGreaterThan(Date.now());
  await callbacksFor(req.caseId, 1);

  expect(await originalsReceived(ack.forwardId)).toBe(200);
  expect(await originalsReceived(ack.forwardId)).toBe(409); // not asked any more
  expect(await originalsReceived('FW37020299999999')).toBe(404);
  const done = await settled(req.idempotencyKey, 'completed');
  expect(done).toMatchObject({ result: { citizenId: expect.stringMatching(/^370202/) } });
  expect((await callbacksFor(req.caseId, 2)).map((c) => c.type)).toEqual(['forward.answered', 'forward.answered']);
});

test('when the originals never arrive, then the other place refuses once the posting deadline has passed', async () => {
  const req = householdForward(QINGDAO, 992);
  await exchange.forwardApplication(req);
  await settled(req.idempotencyKey, 'originals_requested');
  expect(await settled(req.idempotencyKey, 'refused')).toMatchObject({ reason: '逾期未收到寄送的原件，不予办理' });
  await callbacksFor(req.caseId, 2);
});

test('when the other place has no such household, then it refuses with its reason', async () => {
  const req = householdForward(BEIJING, 996);
  await exchange.forwardApplication(req);
  expect(await settled(req.idempotencyKey, 'refused')).toMatchObject({ channel: 'crossProvince', reason: '户籍地未查到该户籍，无法办理新生儿入户' });
  expect((await callbacksFor(req.caseId, 1))[0]).toMatchObject({ type: 'forward.answered', service: 'household' });
});

test('when insurance and the card are forwarded with the Qingdao child ID, then they are answered there; a child of another province is refused', async () => {
  const household = householdForward(QINGDAO);
  await exchange.forwardApplication(household);
  const registered = await settled(household.idempotencyKey, 'completed');
  const childCitizenId = String(registered.state === 'completed' ? registered.result.citizenId : '');
  const insurance: ForwardRequest = { idempotencyKey: `${household.caseId}:medicalInsurance`, caseId: household.caseId, kind: 'medicalInsurance', destinationRegionCode: QINGDAO, application: { childCitizenId, childName: '李安然', birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 1 } };
  await exchange.forwardApplication(insurance);
  const enrolled = await settled(insurance.idempotencyKey, 'completed');
  expect(enrolled).toMatchObject({ result: { enrolmentNumber: expect.stringMatching(/^YB370202\d{8}$/), waived: false } });
  const enrolmentNumber = String(enrolled.state === 'completed' ? enrolled.result.enrolmentNumber : '');
  const card: ForwardRequest = { idempotencyKey: `${household.caseId}:socialSecurityCard`, caseId: household.caseId, kind: 'socialSecurityCard', destinationRegionCode: QINGDAO, application: { childCitizenId, childName: '李安然', enrolmentNumber, delivery: { method: 'pickup', address: null, recipient: 'mother' } } };
  await exchange.forwardApplication(card);
  expect(await settled(card.idempotencyKey, 'completed')).toMatchObject({ result: { applicationNumber: expect.stringMatching(/^SSA3702/), cardNumber: expect.any(String), trackingNumber: expect.stringMatching(/^EM\d{9}CN$/) } });

  const elsewhere: ForwardRequest = { ...insurance, idempotencyKey: `${household.caseId}:medicalInsurance:bj`, destinationRegionCode: BEIJING };
  await exchange.forwardApplication(elsewhere);
  expect(await settled(elsewhere.idempotencyKey, 'refused')).toMatchObject({ reason: expect.stringContaining('北京市') });
});

test('when the exchange is unreachable, then the adapter fails retryably and nothing is recorded; once it is back the forward goes through once', async () => {
  const req = householdForward(QINGDAO);
  await mock.admin.setFaults('exchange', { outageSeconds: 60 });
  expectRetryable(await failureOf(exchange.forwardApplication(req)));
  expectRetryable(await failureOf(exchange.getForwardStatus({ idempotencyKey: req.idempotencyKey })));
  expect(await mock.admin.count(req.caseId, 'exchange')).toBe(0);
  await mock.admin.setFaults('exchange', {});
  const ack = await exchange.forwardApplication(req);
  expect(await exchange.forwardApplication(req)).toEqual(ack);
  expect(await mock.admin.count(req.caseId, 'exchange')).toBe(1);
});

test('when a pending forward is withdrawn, then it stays withdrawn and is never answered; withdrawing again repeats the answer; an answered one cannot be withdrawn', async () => {
  const req = householdForward(BEIJING);
  const ack = await exchange.forwardApplication(req);
  const first = await exchange.withdrawForward({ idempotencyKey: req.idempotencyKey, reason: 'case cancelled' });
  expect(first).toMatchObject({ forwardId: ack.forwardId, withdrawn: true, answer: expect.stringContaining('北京市') });
  expect(await exchange.withdrawForward({ idempotencyKey: req.idempotencyKey, reason: 'case cancelled' })).toEqual(first);

  const later = householdForward(BEIJING); // acknowledged after the first: answered after the first's answer time
  await exchange.forwardApplication(later);
  await settled(later.idempotencyKey, 'completed');
  expect(await exchange.getForwardStatus({ idempotencyKey: req.idempotencyKey })).toEqual({ state: 'withdrawn', forwardId: ack.forwardId, channel: 'crossProvince' });
  expect(receiver.received.filter((r) => r.body.includes(req.caseId))).toHaveLength(0);
  expect(await exchange.withdrawForward({ idempotencyKey: later.idempotencyKey, reason: 'case cancelled' })).toMatchObject({ withdrawn: false, answer: expect.stringContaining('已办结') });
  expectApplicationFailure(await failureOf(exchange.withdrawForward({ idempotencyKey: 'never-sent:household', reason: 'x' })), 'AgencyProtocolError');
});

const certificate = (certificateNumber: string) => {
  const caseId = uniqueId('in');
  return {
    idempotencyKey: `${caseId}:birthCertificate`, caseId, certificateNumber, issuingRegionCode: QINGDAO, hospitalName: '青岛市妇女儿童医院',
    mother: motherOf('370102'), newborn: { sex: 'M' as const, birthAt: '2026-11-18T10:00:00+08:00' },
  };
};

test('when another place\'s birth certificate is checked, then a matching one is verified; an unknown or mismatched one is refused with the reason', async () => {
  const ok = certificate('Q370212345');
  const verified = await exchange.verifyBirthCertificate(ok);
  expect(verified).toEqual({ certificateNumber: 'Q370212345', issuedBy: '山东省青岛市青岛市妇女儿童医院', verifiedAt: expect.any(String) });
  expect(await exchange.verifyBirthCertificate(ok)).toEqual(verified);
  const unknown = expectApplicationFailure(await failureOf(exchange.verifyBirthCertificate(certificate('Q370209999'))), AgencyFailureType.Refused);
  expect(JSON.stringify(unknown.details)).toContain('未查到');
  const mismatch = expectApplicationFailure(await failureOf(exchange.verifyBirthCertificate(certificate('Q370208888'))), AgencyFailureType.Refused);
  expect(JSON.stringify(mismatch.details)).toContain('不一致');
  expectApplicationFailure(await failureOf(exchange.verifyBirthCertificate({ ...certificate('Q370212346'), issuingRegionCode: '370102' })), AgencyFailureType.Refused);
});

test('when a vaccination record is transferred from Qingdao, then Jinan gives its certificate with the next doses; the same child twice is refused, the same key repeats', async () => {
  const caseId = uniqueId('in');
  const req = { idempotencyKey: `${caseId}:vaccination`, caseId, fromRegionCode: QINGDAO, newborn: { name: null, sex: 'M' as const, birthAt: '2026-11-18T10:00:00+08:00' }, mother: motherOf('370102') };
  const moved = await exchange.transferVaccinationRecord(req);
  expect(moved).toMatchObject({ certificateNumber: expect.stringMatching(/^YJ3701\d{10}$/), transferredFrom: '山东省青岛市' });
  expect(moved.nextDoses).toContainEqual({ vaccine: 'HepB-2', dueOn: '2026-12-18' });
  expect(await exchange.transferVaccinationRecord(req)).toEqual(moved);
  expectApplicationFailure(await failureOf(exchange.transferVaccinationRecord({ ...req, idempotencyKey: `${caseId}:vaccination:2` })), AgencyFailureType.Refused);
});

test('when every kind of exchange request goes through, then the mock\'s logs hold case ids but no names or ID numbers', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const logged = await startTestMock({ logger, callbackUrl: receiver.url, callbackSecret: SECRET });
  try {
    const client = createExchangeAdapter({ baseUrl: logged.url, timeoutMs: ADAPTER_TIMEOUT_MS });
    const req = householdForward(QINGDAO, 992);
    await client.forwardApplication(req);
    await eventually(async () => expect((await client.getForwardStatus({ idempotencyKey: req.idempotencyKey })).state).toBe('originals_requested'), { timeoutMs: 8000, intervalMs: 50 });
    await client.withdrawForward({ idempotencyKey: req.idempotencyKey, reason: 'case cancelled' });
    const cert = certificate('Q370212347');
    await client.verifyBirthCertificate(cert);
    await failureOf(client.verifyBirthCertificate(certificate('Q370208888')));
    await client.transferVaccinationRecord({ idempotencyKey: `${cert.caseId}:vaccination`, caseId: cert.caseId, fromRegionCode: QINGDAO, newborn: { name: '李安然', sex: 'M', birthAt: cert.newborn.birthAt }, mother: cert.mother });
    await eventually(() => expect(lines.join('')).toContain('callback delivered'), { timeoutMs: 5000, intervalMs: 25 });
    const logs = lines.join('');
    expect(logs).toContain(req.caseId);
    const mother = req.application.mother as { name: string; idNumber: string };
    for (const secret of [mother.name, mother.idNumber, '李安然', cert.mother.idNumber, cert.certificateNumber]) expect(logs).not.toContain(secret);
  } finally {
    await logged.close();
  }
});

test('when the exchange restarts before the other place answers, then the answer still comes, once, from the restarted mock', async () => {
  const first = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET, secondsPerDay: 0.2, exchangeTiming: { answerDays: { crossProvince: 8 } } });
  const req = householdForward(BEIJING);
  const ack = await createExchangeAdapter({ baseUrl: first.url, timeoutMs: ADAPTER_TIMEOUT_MS }).forwardApplication(req);
  await first.close();
  const second = await startTestMock({ ...first.options, port: 0 });
  try {
    const client = createExchangeAdapter({ baseUrl: second.url, timeoutMs: ADAPTER_TIMEOUT_MS });
    expect(await client.getForwardStatus({ idempotencyKey: req.idempotencyKey })).toMatchObject({ state: 'pending', forwardId: ack.forwardId });
    await eventually(async () => expect((await client.getForwardStatus({ idempotencyKey: req.idempotencyKey })).state).toBe('completed'), { timeoutMs: 8000, intervalMs: 50 });
    expect(await callbacksFor(req.caseId, 1)).toHaveLength(1);
    expect(await client.forwardApplication(req)).toEqual(ack);
  } finally {
    await second.close();
  }
});

test('when a forward comes without a key, with an unknown kind or a malformed region, then 400 with the issues and nothing is recorded', async () => {
  const req = householdForward(QINGDAO);
  const post = (body: unknown, key?: string) => fetch(`${mock.url}/exchange/forwards`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body),
  });
  const { idempotencyKey: _key, ...withoutKey } = req;
  for (const [body, key, path] of [
    [withoutKey, undefined, 'idempotencyKey'],
    [{ ...withoutKey, kind: 'passport' }, req.idempotencyKey, 'kind'],
    [{ ...withoutKey, destinationRegionCode: '3702' }, req.idempotencyKey, 'destinationRegionCode'],
  ] as const) {
    const res = await post(body, key);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(answer.error.code).toBe('VALIDATION_FAILED');
    expect(answer.error.issues.map((i) => i.path)).toContain(path);
  }
  expect(await mock.admin.count(req.caseId, 'exchange')).toBe(0);
});
