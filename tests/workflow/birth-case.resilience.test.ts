// Issue 9 on a real Temporal dev server with scripted agencies: no case dies, cancellation tells the
// truth, corrections do not race submissions, reviews and correction notices escalate, a long wait
// continues as new.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { birthCaseWorkflowId, correctCase, requestCancellation, resolveService } from '../../workflows/birth-case.contract';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { clerk, useWorkflowHarness } from '../helpers/workflow-harness';

const wf = useWorkflowHarness('wf-resilience');
const { agencies, startCase, stateOf, until } = wf;
const actions = (s: BirthCaseState, action: string) => s.events.filter((e) => e.action === action);
/** The reason a workflow's validator gave for refusing an update. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected a refused update, got ${String(err)}`);
  return err.cause?.message ?? '';
}

describe('no case dies', () => {
  test('when an agency answers 409 IDEMPOTENCY_CONFLICT, then the service needs attention, the case runs on, and a clerk\'s resubmission completes it', async () => {
    const { caseId, handle } = await startCase(application(), { vaccinationProtocolErrors: 1 });
    const stuck = await until(handle, (s) => s.services.vaccination.status === 'needs_attention');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(stuck.status).toBe('action_required');
    expect(stuck.actionsRequired).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'needs_attention', service: 'vaccination' })]));
    const cause = actions(stuck, 'service.needs_attention')[0];
    expect(cause?.reason).toMatch(/IDEMPOTENCY_CONFLICT/);
    expect(cause?.data).toMatchObject({ failureType: 'AgencyProtocolError' });

    // the other services went on meanwhile
    await until(stuck ? handle : handle, (s) => s.services.socialSecurityCard.status === 'completed');
    await handle.executeUpdate(resolveService, { args: [{ service: 'vaccination', action: 'resubmit', note: '已与接种单位核对', actor: clerk }] });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('completed');
    expect(agencies.callsFor(caseId, 'createVaccinationRecord').map((c) => c.idempotencyKey)).toEqual([
      `${birthCaseWorkflowId(caseId)}:vaccination`, `${birthCaseWorkflowId(caseId)}:vaccination:r2`,
    ]);
    expect(actions(s, 'service.resolved')).toEqual([expect.objectContaining({ actor: clerk, reason: '已与接种单位核对', data: { resolution: 'resubmit' } })]);
  });

  test('when a service that needs attention is abandoned, then it is closed with the clerk\'s reason and the case ends', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate', 'vaccination'] }), { vaccinationProtocolErrors: 5 });
    await until(handle, (s) => s.services.vaccination.status === 'needs_attention');
    await expect(handle.executeUpdate(resolveService, { args: [{ service: 'household', action: 'retry', note: 'x', actor: clerk }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await handle.executeUpdate(resolveService, { args: [{ service: 'vaccination', action: 'abandon', note: '改为线下办理', actor: clerk }] });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.services.vaccination).toMatchObject({ status: 'refused', reason: '经人工处理终止办理：改为线下办理' });
    expect(s.status).toBe('partially_completed');
  });

  test('when an agency stays unreachable past the configured time, then the service shows it is waiting on that agency and is escalated, while retries go on', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate'] }), { certificateUnavailableAttempts: 3 }, { agencyUnreachableSeconds: 1 });
    const waiting = await until(handle, (s) => s.services.birthCertificate.waitingOnAgency !== undefined);
    expect(waiting.services.birthCertificate.waitingOnAgency).toMatchObject({ agency: 'healthCommission' });
    expect(waiting.services.birthCertificate.escalation).toMatchObject({ kind: 'agency_unreachable', level: 1 });
    expect(waiting.overdue).toBe(true); // what the read model's overdue column and the clerk's overdue list show
    await handle.result();
    const s = await stateOf(handle);
    expect(s.services.birthCertificate.status).toBe('completed');
    expect(s.services.birthCertificate.waitingOnAgency).toBeUndefined();
    expect(s.overdue).toBe(false);
  });
});

describe('cancellation', () => {
  test('when a clerk cancels during a review, then the update answers with each agency\'s answer: the review withdrawn, issued documents reported', async () => {
    const { caseId, handle } = await startCase(application(), { householdReview: true });
    await until(handle, (s) => s.services.household.status === 'under_review');
    const outcome = await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    expect(outcome.status).toBe('cancelled');
    expect(outcome.steps).toEqual(expect.arrayContaining([
      { service: 'household', action: 'withdrawn', agencyAnswer: 'review withdrawn; removed from the officer queue' },
      { service: 'birthCertificate', action: 'notified', agencyAnswer: 'CN-healthCommission' },
      { service: 'medicalInsurance', action: 'not_submitted', agencyAnswer: null },
    ]));
    expect(agencies.compensations.filter((c) => c.caseId === caseId)).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'withdraw', agency: 'publicSecurity', idempotencyKey: `${birthCaseWorkflowId(caseId)}:household` }),
      expect.objectContaining({ kind: 'notify', agency: 'healthCommission' }),
    ]));
    const s = await stateOf(handle);
    expect(s.status).toBe('cancelled');
    expect(s.services.household.status).toBe('cancelled');
    expect(s.services.birthCertificate.status).toBe('completed');
    const audit = s.events.filter((e) => e.action === 'service.compensation').map((e) => `${e.service}: ${e.reason}`);
    expect(audit).toEqual(expect.arrayContaining([
      expect.stringMatching(/^household: 已请求市公安局撤回申请，机构答复：已撤回/),
      expect.stringMatching(/^birthCertificate: 出生医学证明 Q370123456已签发，不可撤回；已通知市卫生健康委本办件已撤销，机构回执 CN-healthCommission/),
    ]));
    // the case is closed now: a second cancel does not reach it
    await expect(handle.executeUpdate(requestCancellation, { args: [{ reason: '再撤一次', actor: clerk }] })).rejects.toThrow(/already completed/);
  });

  test('when a case is cancelled while its agency is down, then the cancellation takes effect at once and the withdrawal is recorded', async () => {
    const { caseId, handle } = await startCase(application(), { certificateUnavailableAttempts: 1000 });
    await until(handle, (s) => s.services.birthCertificate.status === 'submitted');
    await eventually(() => { if (agencies.callsFor(caseId, 'issueBirthCertificate').length < 2) throw new Error('not retrying yet'); });
    const outcome = await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    expect(outcome.steps).toEqual(expect.arrayContaining([{ service: 'birthCertificate', action: 'withdrawn', agencyAnswer: 'no application with this key; key closed' }]));
    const s = await stateOf(handle);
    expect(s.status).toBe('cancelled');
    expect(s.services.birthCertificate.status).toBe('cancelled');
    const attempts = agencies.callsFor(caseId, 'issueBirthCertificate').length;
    await new Promise((r) => setTimeout(r, 3000)); // retries would have come within 3 s (1 s, 2 s backoff)
    expect(agencies.callsFor(caseId, 'issueBirthCertificate').length).toBe(attempts);
  });

  test('when the run is cancelled in Temporal, then the case compensates as for a clerk\'s cancel and says who asked', async () => {
    const { caseId, handle } = await startCase(application(), { householdReview: true });
    await until(handle, (s) => s.services.household.status === 'under_review');
    await handle.cancel();
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('cancelled');
    expect(s.services.household.status).toBe('cancelled');
    expect(actions(s, 'case.cancelled')[0]?.reason).toMatch(/Temporal/);
    expect(agencies.compensations.filter((c) => c.caseId === caseId && c.kind === 'withdraw' && c.agency === 'publicSecurity')).toHaveLength(1);
  });

  test('when a cancellation is already under way, then a second one is refused with the reason', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate'] }), { certificateDelayMs: 3000 });
    await until(handle, (s) => s.services.birthCertificate.status === 'submitted');
    await handle.signal('cancelCase', { reason: '家长撤回申请', actor: clerk });
    const second = await refusal(handle.executeUpdate(requestCancellation, { args: [{ reason: '再撤一次', actor: clerk }] })).catch((e: Error) => e.message);
    expect(second).toMatch(/办件已在撤销中|办件已结束|already completed/);
    await handle.result();
    const s = await stateOf(handle);
    expect(actions(s, 'case.cancel_requested')).toHaveLength(1);
  });
});

describe('corrections', () => {
  test('when the name is corrected while the certificate request is in flight, then the correction is refused', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate'] }), { certificateDelayMs: 4000 });
    await until(handle, (s) => s.services.birthCertificate.status === 'submitted');
    expect(await refusal(handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李改' }, actor: clerk }] }))).toMatch(/已提交机构办理/);
    await handle.result();
    const s = await stateOf(handle);
    expect(s.application.newborn.name).toBe('李安然');
    expect(actions(s, 'case.corrected')).toHaveLength(0);
  });

  test('when the address is corrected while the certificate waits for its correction, then nothing is resubmitted until the name is corrected', async () => {
    const { caseId, handle } = await startCase(application({ services: ['birthCertificate', 'vaccination'] }), { certificateCorrections: 1 });
    await until(handle, (s) => s.services.birthCertificate.status === 'needs_correction' && s.services.vaccination.status === 'completed');
    const address = await handle.executeUpdate(correctCase, { args: [{ changes: { 'delivery.address': '济南市历下区泉城路2号' }, actor: clerk }] });
    expect(address).toEqual({ applied: ['delivery.address'], resubmits: [] });
    const s1 = await stateOf(handle);
    expect(s1.services.birthCertificate.status).toBe('needs_correction');
    expect(agencies.callsFor(caseId, 'issueBirthCertificate')).toHaveLength(1);
    expect(agencies.callsFor(caseId, 'sendSms').filter((c) => c.idempotencyKey.includes('correction'))).toHaveLength(1);

    const name = await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李安' }, actor: clerk }] });
    expect(name.resubmits).toEqual(['birthCertificate']);
    await handle.result();
    expect(agencies.callsFor(caseId, 'issueBirthCertificate')).toHaveLength(2);
  });

  test('when a correction request is retried with the same idempotency key, then it is applied once', async () => {
    const { handle } = await startCase(application(), { householdReview: true });
    await until(handle, (s) => s.services.household.status === 'under_review');
    const updateId = `correction-${randomUUID()}`;
    const first = await handle.executeUpdate(correctCase, { updateId, args: [{ changes: { 'mother.phone': '13900139000' }, actor: clerk }] });
    const again = await handle.executeUpdate(correctCase, { updateId, args: [{ changes: { 'mother.phone': '13900139000' }, actor: clerk }] });
    expect(again).toEqual(first);
    const s = await stateOf(handle);
    expect(actions(s, 'case.corrected')).toHaveLength(1);
    await handle.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] });
  });

  test('when a correction touches the case key or breaks a rule of a new case, then it is refused with the reason', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate'] }), { certificateCorrections: 1 });
    await until(handle, (s) => s.services.birthCertificate.status === 'needs_correction');
    expect(await refusal(handle.executeUpdate(correctCase, { args: [{ changes: { 'mother.idNumber': '370102199403150122' }, actor: clerk }] }))).toMatch(/办件标识/);
    expect(await refusal(handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.birthOrder': 1 }, actor: clerk }] }))).toMatch(/办件标识/);
    expect(await refusal(handle.executeUpdate(correctCase, { args: [{ changes: { 'delivery.address': null }, actor: clerk }] }))).toMatch(/邮寄地址/);
    const s = await stateOf(handle);
    expect(actions(s, 'case.corrected')).toHaveLength(0);
    await handle.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] });
  });

  test('when a correction changes a benefit input, then the benefits are decided again', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate', 'vaccination'] }), { certificateCorrections: 1 });
    await until(handle, (s) => s.services.birthCertificate.status === 'needs_correction');
    const before = actions(await stateOf(handle), 'benefits.decided').length;
    await handle.executeUpdate(correctCase, { args: [{ changes: { 'mother.lowIncome': true }, actor: clerk }] });
    const s = await stateOf(handle);
    expect(actions(s, 'benefits.decided').length).toBe(before + 1);
    expect(actions(s, 'benefits.decided').at(-1)?.reason).toBe('case corrected');
    await handle.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] });
  });
});

describe('agency callbacks', () => {
  test('when the card-posted callback arrives while the card application is still being answered, then the case reads the card at once instead of waiting for the hourly re-read', async () => {
    const { caseId, handle } = await startCase(application(), { cardApplyDelayMs: 2500 }, { agencyPollSeconds: 3600 });
    await eventually(() => { if (agencies.callsFor(caseId, 'applySocialSecurityCard').length === 0) throw new Error('not applied yet'); });
    await handle.signal('agencyEvent', { type: 'card.posted', service: 'socialSecurityCard', eventId: 'posted-early', actor: { role: 'agency', id: 'humanResources' } });
    await until(handle, (s) => s.status === 'completed', 30_000);
  });
});

describe('escalation and bounded history', () => {
  test('when a review passes its due time, then the case escalates (and again at the second level) and is marked overdue', async () => {
    const { handle } = await startCase(application(), { householdReview: true }, { reviewDueSeconds: 2, secondEscalationSeconds: 2, agencyPollSeconds: 60 });
    const first = await until(handle, (s) => s.services.household.escalation?.level === 1);
    expect(first.services.household.escalation).toMatchObject({ kind: 'review_overdue', message: expect.stringContaining('超过办理时限') });
    expect(first.overdue).toBe(true);
    await until(handle, (s) => s.services.household.escalation?.level === 2);
    expect((await stateOf(handle)).overdue).toBe(true);
    await handle.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] });
  });

  test('when a correction notice is unanswered near its deadline, then the case escalates before the deadline', async () => {
    const { handle } = await startCase(application({ services: ['birthCertificate'] }), { certificateCorrections: 1 }, { correctionDueSeconds: 6, correctionEscalationLeadSeconds: 4 });
    const s = await until(handle, (x) => x.services.birthCertificate.escalation?.kind === 'correction_due');
    expect(s.services.birthCertificate.status).toBe('needs_correction');
    expect(s.services.birthCertificate.escalation?.message).toMatch(/补正告知将于/);
    await handle.result();
    expect((await stateOf(handle)).services.birthCertificate.status).toBe('refused');
  });

  test('when a review waits past the history bound, then the case continues as new with its audit and still completes on the decision', async () => {
    const { caseId, handle } = await startCase(application(), { householdReview: true }, { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 120 });
    const firstRun = (await handle.describe()).runId;
    await eventually(async () => {
      if ((await wf.env.client.workflow.getHandle(handle.workflowId).describe()).runId === firstRun) throw new Error('not continued yet');
    }, { timeoutMs: 90_000 });
    const before = await stateOf(wf.env.client.workflow.getHandle(handle.workflowId));
    expect(before.services.household.status).toBe('under_review');
    expect(before.events[0]?.action).toBe('case.accepted');
    agencies.decide(caseId, 'approve');
    const latest = wf.env.client.workflow.getHandle(handle.workflowId);
    await latest.result();
    const s = await stateOf(latest);
    expect(s.status).toBe('completed');
    expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, i) => i + 1));
    expect(actions(s, 'case.accepted')).toHaveLength(1);
    expect(actions(s, 'notification.sent').filter((e) => e.reason === 'case_accepted')).toHaveLength(1);
    // every run stayed under the bound plus one round of work
    const runs = await wf.env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` });
    for await (const run of runs) {
      const history = await wf.env.client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(120 + 60);
    }
  }, 150_000);
});
