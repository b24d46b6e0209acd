// The exchange adapter (issue 19) over real HTTP against a stub of the exchange: each operation's route,
// method and idempotency key; the answers parsed; the exchange down is retryable, a refusal is not.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { AgencyUnavailableError } from '../../activities/agency-http';
import { AgencyFailureType } from '../../activities/agency.types';
import { createExchangeAdapter } from '../../activities/exchange.adapter';

interface Seen { method: string; url: string; key: string | undefined; body: unknown }
const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; body: unknown } = () => ({ status: 500, body: null });
let server: Server;
let baseUrl: string;

const bodyOf = async (req: IncomingMessage): Promise<unknown> => {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? JSON.parse(text) : null;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined, body };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const adapter = () => createExchangeAdapter({ baseUrl, timeoutMs: 2000 });

test('when a household is forwarded, then it is POSTed to /exchange/forwards with its key and the ack read back', async () => {
  answer = () => ({ status: 202, body: { forwardId: 'FW-1', channel: 'inProvince', acknowledgedAt: '2026-12-04T10:00:00+08:00', dueAt: '2026-12-09T10:00:00+08:00' } });
  const ack = await adapter().forwardApplication({ idempotencyKey: 'birth-case-X:household', caseId: 'X', kind: 'household', destinationRegionCode: '370202', application: {} });
  expect(ack).toMatchObject({ forwardId: 'FW-1', channel: 'inProvince' });
  expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/exchange/forwards', key: 'birth-case-X:household', body: { kind: 'household', destinationRegionCode: '370202' } });
});

test('when the forward is read, then GET by its key answers each state; withdrawal POSTs to the key\'s withdrawal', async () => {
  answer = () => ({ status: 200, body: { state: 'originals_requested', forwardId: 'FW-1', channel: 'crossProvince', items: ['结婚证原件'], postTo: '北京市朝阳区', dueAt: '2026-12-20T10:00:00+08:00' } });
  expect(await adapter().getForwardStatus({ idempotencyKey: 'birth-case-X:household' })).toMatchObject({ state: 'originals_requested', items: ['结婚证原件'] });
  expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/exchange/forwards/birth-case-X%3Ahousehold' });
  answer = () => ({ status: 200, body: { forwardId: 'FW-1', withdrawn: true, answer: '已撤回' } });
  expect(await adapter().withdrawForward({ idempotencyKey: 'birth-case-X:household', reason: '家长撤回' })).toEqual({ forwardId: 'FW-1', withdrawn: true, answer: '已撤回' });
  expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/exchange/forwards/birth-case-X%3Ahousehold/withdrawal', body: { reason: '家长撤回' } });
});

test('when the exchange is down, then the call is retryable; when it refuses a certificate, then the refusal carries the reason', async () => {
  answer = () => ({ status: 503, body: null });
  await expect(adapter().transferVaccinationRecord({ idempotencyKey: 'k', caseId: 'X', fromRegionCode: '370202', newborn: { name: null, sex: 'F', birthAt: '2026-12-01T10:00:00+08:00' }, mother: { name: '王芳', idNumber: 'x' } }))
    .rejects.toBeInstanceOf(AgencyUnavailableError);
  answer = () => ({ status: 403, body: { error: { code: 'REFUSED', reason: '出生医学证明信息与签发地记录不一致' } } });
  const refused = await adapter().verifyBirthCertificate({
    idempotencyKey: 'k2', caseId: 'X', certificateNumber: 'Q370212345', issuingRegionCode: '370202', hospitalName: '青岛市妇女儿童医院',
    mother: { name: '王芳', idNumber: 'x' }, newborn: { sex: 'F', birthAt: '2026-12-01T10:00:00+08:00' },
  }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ApplicationFailure);
  expect(refused).toMatchObject({ type: AgencyFailureType.Refused, details: [{ agency: 'exchange', reason: '出生医学证明信息与签发地记录不一致' }] });
  expect(seen.at(-1)).toMatchObject({ url: '/exchange/birth-certificates/verifications' });
});
