// The callback outbox: delivered with a valid signature, and retried with backoff until the receiver
// answers 2xx, also when it is down at first.
import { agencyCallbackKey, verifyCallback } from '../../infra/agency-signature';
import { eventually } from '../helpers/eventually';
import { freePort, householdRequest, startReceiver, startTestMock, uniqueId, type TestMock } from './support';

const SECRET = 'outbox-secret';

async function decidedReview(mock: TestMock): Promise<{ caseId: string; reviewId: string }> {
  const caseId = uniqueId('cb');
  const outcome = await mock.agencies.registerHousehold(householdRequest(caseId, { married: false }));
  if (outcome.outcome !== 'under_review') throw new Error('expected a review');
  await mock.desk.decideReview(outcome.reviewId, 'approve', 'ok', 'officer-1');
  return { caseId, reviewId: outcome.reviewId };
}

test('when the receiver is down at first, then the callback is retried and delivered once it is up, with the same event id', async () => {
  const port = await freePort();
  const mock = await startTestMock({ callbackUrl: `http://127.0.0.1:${port}/api/agency-callbacks`, callbackSecret: SECRET });
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  try {
    const { caseId } = await decidedReview(mock);
    const failing = await eventually(async () => {
      const [cb] = await mock.admin.callbacks(caseId);
      expect(cb?.attempts).toBeGreaterThanOrEqual(2);
      return cb!;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(failing.deliveredAt).toBeNull();
    expect(failing.lastError).toMatch(/ECONNREFUSED/);

    receiver = await startReceiver(port);
    const delivered = await eventually(async () => {
      const [cb] = await mock.admin.callbacks(caseId);
      expect(cb?.deliveredAt).not.toBeNull();
      return cb!;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(delivered.eventId).toBe(failing.eventId);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(JSON.parse(got!.body).eventId).toBe(failing.eventId);
    expect(got!.headers['x-event-id']).toBe(failing.eventId);
    expect(verifyCallback(got!.body, 'publicSecurity', got!.headers['x-signature'] as string, agencyCallbackKey(SECRET, 'publicSecurity'))).toEqual({ ok: true });
  } finally {
    await mock.close();
    await receiver?.close();
  }
});

test('when the receiver answers 500 twice, then the third attempt delivers it, and the receiver records it once', async () => {
  const receiver = await startReceiver();
  receiver.failNext(2, 500);
  const mock = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET });
  try {
    const { caseId } = await decidedReview(mock);
    const delivered = await eventually(async () => {
      const [cb] = await mock.admin.callbacks(caseId);
      expect(cb?.deliveredAt).not.toBeNull();
      return cb!;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(delivered.attempts).toBe(3);
    expect(receiver.received).toHaveLength(1);
  } finally {
    await mock.close();
    await receiver.close();
  }
});

test('when the receiver answers 404 (no such case), then the callback is not sent again', async () => {
  const receiver = await startReceiver();
  receiver.failNext(1, 404);
  const mock = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET });
  try {
    const { caseId } = await decidedReview(mock);
    const settled = await eventually(async () => {
      const [cb] = await mock.admin.callbacks(caseId);
      expect(cb?.deliveredAt).not.toBeNull();
      return cb!;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(settled.attempts).toBe(1);
  } finally {
    await mock.close();
    await receiver.close();
  }
});
