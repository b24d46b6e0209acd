// Issue 9 end to end: cancellation and its compensation at the real mock agencies over HTTP, one
// announcement per review decision, a correction retried with its Idempotency-Key, and a review escalated
// at the agency's due time as the clerk, the officer desk and the parents see it.
import { CancelAnswer } from '../../api/views.schemas';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
let officer: string;

beforeAll(async () => {
  // 1 agency day = 2 s: a card takes 10 s to be posted, long enough to stop it first
  stack = await startStack({ secondsPerDay: 2 });
  clerk = await stack.token({ sub: 'clerk-1', role: 'clerk', hospitalId: 'H0001' });
  officer = await stack.token({ sub: 'officer-7', role: 'officer', agency: 'publicSecurity' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

const caseUntil = (caseId: string, predicate: (c: any) => boolean, timeoutMs?: number): Promise<any> => stack.caseUntil(clerk, caseId, predicate, timeoutMs);
const auditOf = async (caseId: string): Promise<any[]> => (await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk })).body.entries;
const agency = async (path: string): Promise<any> => (await fetch(`${stack.agenciesUrl}${path}`, { headers: stack.agenciesAdmin })).json();

test('when a case is cancelled during a review, then the review leaves the officer queue and the audit names what each agency answered', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  const caseId = created.body.caseId;
  await caseUntil(caseId, (c) => c.services.household.status === 'under_review');
  expect((await stack.call('GET', '/api/reviews', { token: officer })).body.reviews.map((r: any) => r.caseId)).toContain(caseId);

  const cancelled = await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '家长撤回申请' } });
  expect(cancelled.status).toBe(200);
  expect(() => CancelAnswer.parse(cancelled.body)).not.toThrow();
  expect(cancelled.body.steps).toEqual(expect.arrayContaining([
    expect.objectContaining({ service: 'household', action: 'withdrawn' }),
    expect.objectContaining({ service: 'birthCertificate', action: 'notified', agencyAnswer: expect.stringMatching(/^CN\d{8}$/) }),
    expect.objectContaining({ service: 'vaccination', action: 'notified' }),
    { service: 'medicalInsurance', action: 'not_submitted', agencyAnswer: null },
  ]));

  // gone from the officer's queue, and a late decision is refused by the agency
  expect((await stack.call('GET', '/api/reviews', { token: officer })).body.reviews.map((r: any) => r.caseId)).not.toContain(caseId);
  const reviews = await agency(`/public-security/reviews?status=all&caseId=${caseId}`);
  expect(reviews.reviews).toEqual([expect.objectContaining({ status: 'withdrawn' })]);

  const entries = await auditOf(caseId);
  const compensation = entries.filter((e) => e.action === 'service.compensation').map((e) => `${e.service} ${e.outcome}: ${e.reason}`);
  const certificate = (await caseUntil(caseId, (c) => c.status === 'cancelled')).services.birthCertificate.result.certificateNumber;
  expect(compensation).toEqual(expect.arrayContaining([
    expect.stringMatching(/^household ok: 已请求市公安局撤回申请，机构答复：已撤回/),
    expect.stringContaining(`birthCertificate ok: 出生医学证明 ${certificate}已签发，不可撤回；已通知市卫生健康委本办件已撤销，机构回执 CN`),
  ]));
  // nothing is claimed about an agency that was never asked
  expect(compensation.some((line) => line.startsWith('medicalInsurance') || line.startsWith('socialSecurityCard'))).toBe(false);
  expect((await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '再次' } })).status).toBe(409);
});

test('when a case is cancelled while its card is in production, then the card is stopped and never posted', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application() });
  const caseId = created.body.caseId;
  const waiting = await caseUntil(caseId, (c) => c.services.socialSecurityCard.status === 'submitted' && c.services.socialSecurityCard.result?.applicationNumber);
  const cancelled = await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '家长撤回申请' } });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.steps).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'socialSecurityCard', action: 'withdrawn', agencyAnswer: expect.stringContaining('stopped') })]));
  const key = `birth-case-${caseId}:socialSecurityCard`;
  const stopped = await agency(`/human-resources/social-security-cards/${encodeURIComponent(key)}`);
  expect(stopped).toEqual({ state: 'stopped', applicationNumber: waiting.services.socialSecurityCard.result.applicationNumber });
  // past the production time (5 agency days = 10 s), still no card and no card.posted callback
  await new Promise((r) => setTimeout(r, 11_000));
  expect((await agency(`/human-resources/social-security-cards/${encodeURIComponent(key)}`)).state).toBe('stopped');
  expect((await agency(`/admin/callbacks?caseId=${caseId}`)).callbacks.filter((c: any) => c.type === 'card.posted')).toHaveLength(0);
}, 90_000);

test('when an officer decides a review, then the case records the decision once, though the officer route and the agency callback both announce it', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  const caseId = created.body.caseId;
  await caseUntil(caseId, (c) => c.services.household.status === 'under_review');
  expect((await stack.call('POST', `/api/reviews/${caseId}/household`, { token: officer, body: { decision: 'approve', reason: '材料齐全' } })).status).toBe(200);
  // the agency's callback is delivered too, while the case still runs (its card takes 10 s)
  await eventually(async () => {
    const callbacks = (await agency(`/admin/callbacks?caseId=${caseId}`)).callbacks;
    if (!callbacks.some((c: any) => c.type === 'review.decided' && c.deliveredAt)) throw new Error('callback not delivered yet');
  }, { timeoutMs: 30_000 });
  const running = await caseUntil(caseId, (c) => c.services.household.status === 'completed');
  expect(running.status).not.toBe('completed');
  const decided = (await auditOf(caseId)).filter((e) => e.action === 'review.decided');
  expect(decided).toHaveLength(1);
  await caseUntil(caseId, (c) => c.status === 'completed');
  expect((await auditOf(caseId)).filter((e) => e.action === 'review.decided')).toHaveLength(1);
}, 90_000);

test('when a correction is retried with the same Idempotency-Key, then it is applied once', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  const caseId = created.body.caseId;
  await caseUntil(caseId, (c) => c.services.household.status === 'under_review');
  const send = () => stack.call('POST', `/api/cases/${caseId}/corrections`, {
    token: clerk, body: { changes: { 'mother.phone': '13900139000' }, note: '家长换号' }, headers: { 'idempotency-key': 'clerk-1-2026-0001' },
  });
  expect((await send()).status).toBe(200);
  expect((await send()).status).toBe(200);
  expect((await auditOf(caseId)).filter((e) => e.action === 'case.corrected')).toHaveLength(1);
  const bad = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '13900139000' } }, headers: { 'idempotency-key': 'x' } });
  expect(bad.status).toBe(400);
  await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '测试结束' } });
});

test('when a review passes the agency\'s due time, then the clerk, the officer desk and the parents see it escalated, and the case is marked overdue', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
  const caseId = created.body.caseId;
  // the agency's due time is 3 agency days = 6 s here
  const escalated = await caseUntil(caseId, (c) => c.services.household.escalation?.level >= 1, 60_000);
  expect(escalated.overdue).toBe(true);
  expect(escalated.services.household.escalation).toMatchObject({ kind: 'review_overdue', message: expect.stringContaining('超过办理时限') });
  const desk = (await stack.call('GET', '/api/reviews', { token: officer })).body.reviews.find((r: any) => r.caseId === caseId);
  expect(desk).toMatchObject({ overdue: true, escalation: expect.stringContaining('已超过办理时限') });
  const parent = await stack.call('POST', '/api/track', { body: { trackingCode: created.body.trackingCode, phoneLast4: '8000' } });
  expect(parent.body.services.household.escalation.message).toContain('超过办理时限');
  const audit = await auditOf(caseId);
  expect(audit.filter((e) => e.action === 'case.escalated')[0]).toMatchObject({ service: 'household', reason: expect.stringContaining('超过办理时限') });
  // the clerk's list of overdue cases (from the read model) has it
  const overdueList = await stack.call('GET', '/api/cases?overdue=true&pageSize=100', { token: clerk });
  expect(overdueList.body.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
  await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: clerk, body: { reason: '测试结束' } });
}, 90_000);
