// 异地通办 (issue 19, patch cross-region) on a real Temporal dev server with scripted agencies and exchange:
// a household elsewhere in Shandong or in another province is registered there through the exchange; the
// other place may ask the parents for originals, refuse, or the exchange be down; insurance at home is
// forwarded too and the waiver decision says Jinan's does not apply; a child born elsewhere has its
// certificate verified and its vaccination record transferred; a cancelled case withdraws its forwards.
import type { AgencyEventInput } from '../../workflows/birth-case.contract';
import { agencyEvent, requestCancellation, resolveService } from '../../workflows/birth-case.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { clerk, useWorkflowHarness } from '../helpers/workflow-harness';

const h = useWorkflowHarness('birth-case-cross-region');
const QINGDAO = '370202';
const BEIJING = '110105';

/** A family registered with the father, whose household is at `code`; insured where the application says. */
const familyOf = (code: string, more: Parameters<typeof application>[0] = {}) => application({ father: { hukouRegionCode: code }, householdOf: 'father', ...more });
const answered = (service: AgencyEventInput['service'], eventId: string): AgencyEventInput =>
  ({ type: 'forward.answered', service, eventId, actor: { role: 'agency', id: 'exchange' } });

test('when the household is in Qingdao (in Shandong), then household, insurance and card go there through the exchange, the citizen ID comes back from there, and the waiver says Jinan\'s does not apply there', async () => {
  const { caseId, handle } = await h.startCase(familyOf(QINGDAO));
  const s = await h.until(handle, (st) => st.status === 'completed');
  expect(s.services.household).toMatchObject({ status: 'completed', channel: 'inProvince', result: { citizenId: `${QINGDAO}202612010011`, regionCode: QINGDAO } });
  expect(s.services.medicalInsurance).toMatchObject({ status: 'completed', channel: 'inProvince', result: { enrolmentNumber: 'QD-YB-2026-0001', waived: false } });
  expect(s.services.socialSecurityCard).toMatchObject({ status: 'completed', channel: 'inProvince', result: { cardNumber: 'Q37020000001' } });
  expect(s.services.birthCertificate).toMatchObject({ status: 'completed', channel: 'local' });
  // nothing went to Jinan's public security, medical security or human resources
  for (const local of ['registerHousehold', 'enrolMedicalInsurance', 'applySocialSecurityCard'] as const) expect(h.agencies.callsFor(caseId, local)).toEqual([]);
  expect(h.agencies.callsFor(caseId, 'forwardApplication')).toHaveLength(3);
  const forwardedEntry = s.events.find((e) => e.action === 'service.forwarded' && e.service === 'household');
  expect(forwardedEntry?.reason).toContain('省内跨域通办转山东省青岛市办理');
  // each service's entries say where it is handled
  expect(s.events.filter((e) => e.action === 'service.submitted').every((e) => e.data && 'channel' in e.data)).toBe(true);
  expect(s.benefits?.premiumWaiver).toMatchObject({ eligible: false, pending: false, failed: [expect.objectContaining({ code: 'ENROLMENT_NOT_IN_JINAN' })] });
  expect(s.benefits?.premiumWaiver.reason).toContain('山东省青岛市');
  expect(s.benefits?.childcareSubsidy.reason).toContain('山东省青岛市');
});

test('when the household is in Beijing, then it goes through the cross-province channel', async () => {
  const { handle } = await h.startCase(familyOf(BEIJING));
  const s = await h.until(handle, (st) => st.services.household.status === 'completed');
  expect(s.services.household).toMatchObject({ channel: 'crossProvince', result: { regionCode: BEIJING } });
  expect(s.events.find((e) => e.action === 'service.forwarded')?.reason).toContain('跨省通办转北京市办理');
});

test('when a parent holds a Jinan residence permit and the child is insured in Jinan, then only the household goes to Qingdao and the waiver still applies', async () => {
  const { caseId, handle } = await h.startCase(familyOf(QINGDAO, { insuredAt: 'jinan', residencePermit: { holder: 'father' } }));
  const s = await h.until(handle, (st) => st.status === 'completed');
  expect(s.services.household.channel).toBe('inProvince');
  expect(s.services.medicalInsurance).toMatchObject({ status: 'completed', channel: 'local', result: { enrolmentNumber: 'YB2026000001' } });
  expect(h.agencies.callsFor(caseId, 'enrolMedicalInsurance')).toHaveLength(1);
  expect(s.benefits?.premiumWaiver).toMatchObject({ eligible: true });
});

test('when Qingdao asks for originals, then the parents get a task with what to post, where and by when; once received the household completes', async () => {
  const { caseId, handle } = await h.startCase(familyOf(QINGDAO), { exchange: { originals: ['household'] } });
  const waiting = await h.until(handle, (st) => st.actionsRequired.some((a) => a.kind === 'originals'));
  expect(waiting.status).toBe('action_required');
  expect(waiting.actionsRequired).toEqual([expect.objectContaining({ kind: 'originals', service: 'household', postTo: expect.stringContaining('青岛'), dueAt: expect.any(String), items: [expect.objectContaining({ message: '出生医学证明原件' }), expect.objectContaining({ message: '父母结婚证原件' })] })]);
  await h.until(handle, (st) => st.events.some((e) => e.action === 'notification.sent' && e.data?.step.startsWith('household:originals')));
  h.agencies.receiveOriginals(caseId);
  await handle.signal(agencyEvent, answered('household', 'forward:FW-originals'));
  const done = await h.until(handle, (st) => st.services.household.status === 'completed');
  expect(done.actionsRequired.filter((a) => a.kind === 'originals')).toEqual([]);
  expect(done.events.some((e) => e.action === 'forward.answered')).toBe(true);
});

test('when Qingdao refuses the household registration, then the service is refused with the place and its reason, and what depends on it is skipped', async () => {
  const { handle } = await h.startCase(familyOf(QINGDAO), { exchange: { refuse: { kinds: ['household'], reason: '父亲户口已迁出' } } });
  const s = await h.until(handle, (st) => st.status === 'partially_completed');
  expect(s.services.household).toMatchObject({ status: 'refused', reason: '山东省青岛市不予办理：父亲户口已迁出' });
  expect(s.services.medicalInsurance.status).toBe('skipped');
});

test('when the exchange is unreachable, then the household shows it waits on the exchange, escalated, and completes once it is back', async () => {
  const { handle } = await h.startCase(familyOf(QINGDAO), { exchange: { unreachableAttempts: 3 } }, { agencyUnreachableSeconds: 1 });
  const down = await h.until(handle, (st) => st.services.household.waitingOnAgency !== undefined);
  expect(down.services.household.waitingOnAgency?.agency).toBe('exchange');
  expect(down.events.find((e) => e.action === 'case.escalated' && e.service === 'household')?.reason).toContain('跨域通办平台');
  await h.until(handle, (st) => st.services.household.status === 'completed', 60_000);
});

test('when the child was born in Qingdao to a Jinan family, then the birth certificate is verified and the vaccination record transferred through the exchange; the household is registered here', async () => {
  const app = application({
    householdOf: 'mother', insuredAt: 'jinan',
    bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: QINGDAO, certificateNumber: 'Q370212345' },
  });
  const { caseId, handle } = await h.startCase(app);
  const s = await h.until(handle, (st) => st.status === 'completed');
  expect(s.services.birthCertificate).toMatchObject({ channel: 'inProvince', result: { certificateNumber: 'Q370212345' } });
  expect(s.services.vaccination).toMatchObject({ channel: 'inProvince', result: { certificateNumber: 'YM-QD-2026-0001' } });
  expect(s.services.household.channel).toBe('local');
  expect(h.agencies.callsFor(caseId, 'issueBirthCertificate')).toEqual([]);
  expect(h.agencies.callsFor(caseId, 'createVaccinationRecord')).toEqual([]);
  expect(h.agencies.callsFor(caseId, 'registerHousehold')).toHaveLength(1);
});

test('when the other place\'s certificate does not match, then the birth certificate is refused and the chain stops there', async () => {
  const app = application({ householdOf: 'mother', bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: QINGDAO, certificateNumber: 'Q370212346' } });
  const { handle } = await h.startCase(app, { exchange: { certificateMismatch: true } });
  const s = await h.until(handle, (st) => st.services.birthCertificate.status === 'refused');
  expect(s.services.birthCertificate.reason).toContain('不一致');
});

test('when the case is cancelled while Qingdao has the household, then the forward is withdrawn through the exchange and nothing later is sent', async () => {
  const { caseId, handle } = await h.startCase(familyOf(QINGDAO), { exchange: { neverAnswer: true } });
  await h.until(handle, (st) => st.services.household.forward !== undefined);
  const outcome = await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
  expect(outcome.steps).toContainEqual({ service: 'household', action: 'withdrawn', agencyAnswer: '办理地已撤回该申请' });
  expect(h.agencies.compensations.filter((c) => c.caseId === caseId && c.agency === 'exchange')).toHaveLength(1);
  const s = await h.stateOf(handle);
  expect(s.status).toBe('cancelled');
  expect(s.services.household.status).toBe('cancelled');
  expect(s.events.some((e) => e.action === 'service.compensation' && e.service === 'household' && e.reason?.includes('山东省青岛市'))).toBe(true);
  expect(h.agencies.callsFor(caseId, 'forwardApplication')).toHaveLength(1);
});

test('when the family is in Jinan, then every item is handled here as before, its entries saying local', async () => {
  const { caseId, handle } = await h.startCase(application());
  const s = await h.until(handle, (st) => st.status === 'completed');
  expect(h.agencies.callsFor(caseId, 'forwardApplication')).toEqual([]);
  for (const [, svc] of Object.entries(s.services)) if (svc.status === 'completed') expect(svc.channel).toBe('local');
  expect(s.benefits?.premiumWaiver.eligible).toBe(true);
});

test('when the exchange answers a forward\'s status in a way nobody planned for, then the item needs attention naming the exchange; a clerk\'s retry reads it again and it completes', async () => {
  const { handle } = await h.startCase(familyOf(QINGDAO, { services: ['birthCertificate', 'household'] }), { exchange: { statusProtocolErrors: 1 } });
  const stuck = await h.until(handle, (st) => st.services.household.status === 'needs_attention');
  expect(stuck.services.household.attention?.cause).toContain('跨域通办平台答复异常');
  await handle.executeUpdate(resolveService, { args: [{ service: 'household', action: 'retry', note: '已与平台核实', actor: clerk }] });
  const s = await h.until(handle, (st) => st.status === 'completed');
  expect(s.services.household).toMatchObject({ status: 'completed', channel: 'inProvince' });
});

test('when a forward waits past the history bound, then the case continues as new still under the patch, reads the forward again (not forwarding anew) and completes on the answer', async () => {
  const { caseId, handle } = await h.startCase(familyOf(QINGDAO, { services: ['birthCertificate', 'household'] }), { exchange: { neverAnswer: true } }, { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 });
  const first = (await handle.describe()).runId;
  await eventually(async () => {
    if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
  }, { timeoutMs: 50_000 });
  h.agencies.script(caseId, {});
  const s = await h.until(h.env.client.workflow.getHandle(handle.workflowId), (st) => st.status === 'completed', 30_000);
  expect(s.services.household).toMatchObject({ status: 'completed', channel: 'inProvince', result: { regionCode: QINGDAO } });
  expect(h.agencies.callsFor(caseId, 'forwardApplication')).toHaveLength(1);
  expect(s.events.filter((e) => e.action === 'case.accepted')).toHaveLength(1);
}, 90_000);
