// SMS gateway: every message lands in an outbox the tests can read, once per key.
import { smsRequest, startTestMock, uniqueId, type TestMock } from './support';

interface Outbox { messages: Array<{ messageId: string; caseId: string; phone: string; template: string; params: Record<string, string>; sentAt: string }> }

let mock: TestMock;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(() => mock.close());

test('when messages are sent for a case, then the outbox for that case lists each once, with phone, template and parameters', async () => {
  const caseId = uniqueId('sms');
  const other = uniqueId('sms');
  const accepted = smsRequest(caseId);
  const done = smsRequest(caseId, { idempotencyKey: `${caseId}:sms:case_completed`, template: 'case_completed', params: {} });
  const first = await mock.agencies.sendSms(accepted);
  expect(await mock.agencies.sendSms(accepted)).toEqual(first);
  await mock.agencies.sendSms(done);
  await mock.agencies.sendSms(smsRequest(other));

  const { status, body } = await mock.admin.get<Outbox>(`/admin/sms/outbox?caseId=${encodeURIComponent(caseId)}`);
  expect(status).toBe(200);
  expect(body.messages).toEqual([
    { messageId: first.messageId, caseId, phone: '13800138000', template: 'case_accepted', params: { trackingCode: 'TRK12345678' }, sentAt: expect.any(String) },
    { messageId: expect.any(String), caseId, phone: '13800138000', template: 'case_completed', params: {}, sentAt: expect.any(String) },
  ]);
});

test('when the outbox is read without a case, then it holds the messages of every case', async () => {
  const cases = [uniqueId('sms'), uniqueId('sms')];
  for (const caseId of cases) await mock.agencies.sendSms(smsRequest(caseId));
  const { body } = await mock.admin.get<Outbox>('/admin/sms/outbox');
  for (const caseId of cases) expect(body.messages.filter((m) => m.caseId === caseId)).toHaveLength(1);
});
