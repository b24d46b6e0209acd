// The birth-case workflow on a real Temporal dev server, with scripted agencies.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { agencyEvent, birthCaseWorkflowId, cancelCase, correctCase, supplyNewbornName } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';
import { clerk, useWorkflowHarness } from '../helpers/workflow-harness';

const wf = useWorkflowHarness('wf-test');
const { agencies, startCase, stateOf, until } = wf;

describe('birth case workflow', () => {
  test('when every agency accepts, then all five services complete with their results', async () => {
    const { handle } = await startCase(application({ grandparentsInLtc: [{ relation: '外祖母' }] }));
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('completed');
    // the fixture asks for the five services of before issue 18: the 生育登记 is not asked for, and skipped as such
    expect(Object.values(s.services).map((v) => v.status)).toEqual(['skipped', ...Array(5).fill('completed')]);
    expect(s.services.familyRegistration).toMatchObject({ status: 'skipped', reason: '未申请此项' });
    expect(s.services.birthCertificate.result).toEqual({ certificateNumber: 'Q370123456' });
    expect(s.services.household.result).toEqual({ citizenId: '370103202611200025', regionCode: '370103' });
    expect(s.services.medicalInsurance.result).toMatchObject({ enrolmentNumber: 'YB2026000001', premium: 400, waived: true });
    expect(s.services.socialSecurityCard.result).toEqual({ applicationNumber: 'SB2026000001', cardNumber: 'J37010000001', trackingNumber: 'EA123456789CN' });
    // a second child born in Jinan, enrolled days after birth: waiver and subsidy granted, with reasons
    expect(s.benefits).toMatchObject({
      // the agency's figure once enrolled (the fake agency answers 400), so the year on the clock does not matter
      premiumWaiver: { eligible: true, amount: 400, premiumSource: 'agency', grandparentsLtc: [{ relation: '外祖母', subsidised: true }] },
      childcareSubsidy: { eligible: true, monthly: 600 },
      maternity: { eligible: true, rule: 'fixed', amount: 3000 },
    });
    expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, i) => i + 1));
    expect(s.events[0]).toMatchObject({ action: 'case.accepted', actor: clerk });
  });

  test('when every agency answers at once, then the watch for a silent agency keeps one timer across the calls and cancels it only to wait', async () => {
    const { handle } = await startCase(application(), {}, { agencyUnreachableSeconds: 3600 });
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const watchTimers = events.filter((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === 3600).map((e) => Number(e.eventId));
    const cancelled = events.filter((e) => e.timerCanceledEventAttributes).map((e) => Number(e.timerCanceledEventAttributes!.startedEventId));
    // Six agency calls, with SMS between them (patch quiet-watch; before it, a timer pair per gap): one timer for
    // the calls that follow one another, cancelled only while the case waits to re-read the card, and one for that read.
    expect(watchTimers).toHaveLength(2);
    expect(cancelled.filter((id) => watchTimers.includes(id))).toEqual([watchTimers[0]]);
  });

  test('when only some services are requested, then the others are skipped and the case completes', async () => {
    const { handle, caseId } = await startCase(application({ services: ['birthCertificate', 'vaccination'] }));
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('completed');
    expect(s.services.household).toMatchObject({ status: 'skipped', reason: '未申请此项' });
    expect(agencies.callsFor(caseId, 'registerHousehold')).toHaveLength(0);
  });

  test('when the health commission sends a correction notice, then the case waits for the clerk and resubmits under a new key', async () => {
    const { handle, caseId } = await startCase(application(), { certificateCorrections: 1 });
    const waiting = await until(handle, (s) => s.services.birthCertificate.status === 'needs_correction');
    expect(waiting.status).toBe('action_required');
    expect(waiting.actionsRequired).toEqual([expect.objectContaining({ kind: 'correction', service: 'birthCertificate', items: expect.arrayContaining([expect.objectContaining({ path: 'newborn.name' }), expect.objectContaining({ path: 'mother.idNumber' })]) })]);

    await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李安' }, note: '改名', actor: clerk }] });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('completed');
    expect(s.application.newborn.name).toBe('李安');
    expect(agencies.callsFor(caseId, 'issueBirthCertificate').map((c) => c.idempotencyKey)).toEqual([
      `${birthCaseWorkflowId(caseId)}:birthCertificate`, `${birthCaseWorkflowId(caseId)}:birthCertificate:r2`,
    ]);
  });

  test('when the clerk corrects while the notice SMS is still being sent, then the correction still counts', async () => {
    const { handle } = await startCase(application(), { certificateCorrections: 1, smsDelay: { template: 'action_required', ms: 1500 } });
    await until(handle, (s) => s.services.birthCertificate.status === 'needs_correction');
    await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李安' }, actor: clerk }] });
    await handle.result(); // before the fix, the case waited for the 10-minute deadline and then returned the application
    expect((await stateOf(handle)).services.birthCertificate.status).toBe('completed');
  });

  test('when a correction would change the printed name, then the update is rejected and nothing changes', async () => {
    const { handle } = await startCase(application(), { householdReview: true });
    await until(handle, (s) => s.services.household.status === 'under_review');
    await expect(handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李改' }, actor: clerk }] })).rejects.toThrow(WorkflowUpdateFailedError);
    const s = await stateOf(handle);
    expect(s.application.newborn.name).toBe('李安然');
    expect(s.events.some((e) => e.action === 'case.corrected')).toBe(false);
    await handle.signal(cancelCase, { reason: '测试结束', actor: clerk });
  });

  test('when household registration goes to manual review, then an approval continues the case to the card', async () => {
    const { handle, caseId } = await startCase(application({ married: false, father: null, householdOf: 'mother' }), { householdReview: true });
    const reviewing = await until(handle, (s) => s.services.household.status === 'under_review');
    expect(reviewing.services.household.review).toMatchObject({ agency: 'publicSecurity', reason: '非婚生育，需人工审核' });
    agencies.decide(caseId, 'approve');
    const decided = { type: 'review.decided' as const, service: 'household' as const, eventId: 'e1', actor: { role: 'agency' as const, id: 'publicSecurity' } };
    await handle.signal(agencyEvent, decided);
    await handle.signal(agencyEvent, decided); // the agency redelivers its callback
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('completed');
    expect(s.events.filter((e) => e.action === 'review.decided')).toHaveLength(1);
  });

  test('when public security refuses, then the services after it are skipped and the case is partially completed', async () => {
    const { handle } = await startCase(application(), { refuseHousehold: true });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('partially_completed');
    expect(s.services.household).toMatchObject({ status: 'refused', reason: '材料不符合出生登记条件' });
    expect(s.services.medicalInsurance.status).toBe('skipped');
    expect(s.services.socialSecurityCard.status).toBe('skipped');
    expect(s.services.vaccination.status).toBe('completed');
  });

  test('when the newborn has no name yet, then the case asks the parents and continues once they supply it', async () => {
    const app = application();
    delete app.newborn.name;
    const { handle } = await startCase(app);
    const waiting = await until(handle, (s) => s.status === 'action_required');
    expect(waiting.actionsRequired[0]).toMatchObject({ kind: 'newborn_name' });
    await handle.executeUpdate(supplyNewbornName, { args: [{ name: '李安然', actor: { role: 'parent', id: null } }] });
    await handle.result();
    expect((await stateOf(handle)).status).toBe('completed');
  });

  test('when a clerk cancels during a review, then open services are cancelled and issued ones are recorded as such', async () => {
    const { handle } = await startCase(application(), { householdReview: true });
    await until(handle, (s) => s.services.household.status === 'under_review');
    await handle.signal(cancelCase, { reason: '家长撤回申请', actor: clerk });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.status).toBe('cancelled');
    expect(s.services.household.status).toBe('cancelled');
    expect(s.services.birthCertificate.status).toBe('completed');
    expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'service.compensation', service: 'birthCertificate' })]));
  });

  test('when an agency\'s correction deadline has already passed, then the application is returned at once', async () => {
    const { handle } = await startCase(application(), { certificateCorrections: 1, correctionDueAt: '2020-01-01T17:00:00+08:00' });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.services.birthCertificate).toMatchObject({ status: 'refused', reason: '补正期限已过，申请退件' });
    expect(s.events.find((e) => e.action === 'service.needs_correction')?.data).toMatchObject({ dueAt: '2020-01-01T17:00:00+08:00' });
  });

  test('when a correction notice is not answered by its deadline, then the service is returned (退件)', async () => {
    const { handle } = await startCase(application(), { certificateCorrections: 5 }, { correctionDueSeconds: 1 });
    await handle.result();
    const s = await stateOf(handle);
    expect(s.services.birthCertificate).toMatchObject({ status: 'refused', reason: '补正期限已过，申请退件' });
    expect(s.status).toBe('partially_completed');
  });
});
