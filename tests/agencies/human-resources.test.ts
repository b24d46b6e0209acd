// Human resources: the card is made and posted after the scaled production time, announced by a signed
// callback, and the timed event survives a restart of the mock.
import { AgencyCallback } from '../../activities/agency-callbacks.schemas';
import type { SocialSecurityCardStatus } from '../../activities/agency.types';
import { agencyCallbackKey, verifyCallback } from '../../infra/agency-signature';
import { eventually } from '../helpers/eventually';
import { cardRequest, startReceiver, startTestMock, uniqueId, type CallbackReceiver } from './support';

const SECRET = 'hr-secret';

function expectEmsNumber(tracking: string): void {
  const m = /^[A-Z]{2}(\d{8})(\d)CN$/.exec(tracking);
  expect(m).not.toBeNull();
  const sum = [8, 6, 4, 2, 3, 5, 9, 7].reduce((acc, w, i) => acc + w * Number(m![1]![i]), 0);
  const check = 11 - (sum % 11);
  expect(Number(m![2])).toBe(check === 10 ? 0 : check === 11 ? 5 : check);
}

function posted(status: SocialSecurityCardStatus): Extract<SocialSecurityCardStatus, { state: 'posted' }> {
  if (status.state !== 'posted') throw new Error(`card still ${status.state}`);
  return status;
}

let receiver: CallbackReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

test('when a card is applied for, then it is in production at once, and posted with an EMS number and a signed callback after the scaled days', async () => {
  const mock = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET, secondsPerDay: 0.2, cardProductionDays: 5 });
  try {
    const caseId = uniqueId('hr');
    const req = await cardRequest(mock.agencies, caseId);
    const applied = await mock.agencies.applySocialSecurityCard(req);
    expect(applied).toEqual({ state: 'in_production', applicationNumber: expect.any(String) });
    expect(await mock.agencies.getSocialSecurityCardStatus({ idempotencyKey: req.idempotencyKey })).toEqual(applied);

    const card = await eventually(async () => posted(await mock.agencies.getSocialSecurityCardStatus({ idempotencyKey: req.idempotencyKey })), { timeoutMs: 5000, intervalMs: 50 });
    expect(card.applicationNumber).toBe(applied.applicationNumber);
    expectEmsNumber(card.trackingNumber);
    // the application's own answer does not change: same key, same first answer
    expect(await mock.agencies.applySocialSecurityCard(req)).toEqual(applied);

    const delivered = await eventually(() => {
      const hit = receiver.received.find((r) => r.body.includes(card.applicationNumber));
      if (!hit) throw new Error('no callback yet');
      return hit;
    }, { timeoutMs: 5000, intervalMs: 25 });
    expect(delivered.path).toBe('/api/agency-callbacks/humanResources');
    expect(verifyCallback(delivered.body, 'humanResources', delivered.headers['x-signature'] as string, agencyCallbackKey(SECRET, 'humanResources')).ok).toBe(true);
    expect(AgencyCallback.parse(JSON.parse(delivered.body))).toMatchObject({
      type: 'card.posted', agency: 'humanResources', service: 'socialSecurityCard', caseId, idempotencyKey: req.idempotencyKey,
      applicationNumber: card.applicationNumber, cardNumber: card.cardNumber, trackingNumber: card.trackingNumber,
    });
    expect(await mock.admin.count(caseId, 'humanResources')).toBe(1);
  } finally {
    await mock.close();
  }
});

test('when the mock restarts before the card is due, then the card is still posted and announced by the restarted mock', async () => {
  const first = await startTestMock({ callbackUrl: receiver.url, callbackSecret: SECRET, secondsPerDay: 0.2, cardProductionDays: 10 });
  const caseId = uniqueId('hr');
  const req = await cardRequest(first.agencies, caseId);
  const applied = await first.agencies.applySocialSecurityCard(req);
  await first.close();

  const second = await startTestMock({ ...first.options, port: 0 });
  try {
    expect(await second.agencies.getSocialSecurityCardStatus({ idempotencyKey: req.idempotencyKey })).toEqual(applied);
    const card = await eventually(async () => posted(await second.agencies.getSocialSecurityCardStatus({ idempotencyKey: req.idempotencyKey })), { timeoutMs: 8000, intervalMs: 50 });
    await eventually(() => expect(receiver.received.filter((r) => r.body.includes(card.trackingNumber))).toHaveLength(1), { timeoutMs: 5000, intervalMs: 25 });
    expect(await second.admin.count(caseId, 'humanResources')).toBe(1);
  } finally {
    await second.close();
  }
});
