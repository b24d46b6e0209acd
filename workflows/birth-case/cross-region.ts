// 异地通办 (issue 19, patch `cross-region`): an item whose agency is in another place goes there through the
// government-service platform's exchange, and the case waits days for that place's answer — woken by the
// exchange's callback (`forward.answered`) or reading the forward again at a growing interval, escalated
// when the channel's service level (the ack's dueAt) passes. The other place may ask the parents to post
// originals (an action for the parents, with its deadline), refuse with a reason, or answer with what it
// issued. A child born elsewhere (inbound) has its birth certificate verified and its vaccination record
// transferred through the same exchange. A cancelled case withdraws what is pending there.
import { CancelledFailure, proxyActivities } from '@temporalio/workflow';
import type { ExchangeActivities, ForwardKind, ForwardStatus } from '../../activities/exchange.types';
import { agencyActivityOptions, compensationActivityOptions } from '../../activities/agency-options';
import { CHANNELS, serviceLabel, type ServiceKey } from '../../domain/catalog';
import type { ServiceResultData } from '../../domain/case-log';
import type { ServiceState } from '../../domain/case-state';
import { shanghaiDateOfMs, toShanghaiIso } from '../../domain/dates';
import { regionLabel } from '../../domain/regions';
import type { CaseRun } from './case-run';
import type { Outcome, Submission } from './service-runner';
import { awaitAgency, notify, watched, type Escalation } from './waits';

const exchange = proxyActivities<ExchangeActivities>(agencyActivityOptions.exchange);
const exchangeCompensation = proxyActivities<Pick<ExchangeActivities, 'withdrawForward'>>(compensationActivityOptions);

const parentOf = (p: { name: string; idNumber: string; hukouRegionCode: string }) => ({ name: p.name, idNumber: p.idNumber, hukouRegionCode: p.hukouRegionCode });
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** True when the service goes through the exchange to another place (patch cross-region). */
export const forwarded = (run: CaseRun, key: ServiceKey): boolean => {
  const channel = run.channelOf(key);
  return channel !== null && channel !== 'local';
};

/** The household registered where the household is: the child's citizen ID comes back from that place. */
export async function forwardHousehold(run: CaseRun, s: Submission, certificateNumber: string): Promise<Outcome<{ citizenId: string; regionCode: string }>> {
  const { newborn, mother, father, married, householdOf } = run.application;
  const destination = run.places()?.householdRegion ?? '';
  const status = await forward(run, 'household', 'household', s, destination, {
    birthCertificateNumber: certificateNumber, newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt },
    mother: parentOf(mother), father: father ? parentOf(father) : null, married, householdOf,
  });
  if (status.state !== 'completed') return refusedBy(destination, status);
  const value = { citizenId: text(status.result.citizenId) ?? '', regionCode: text(status.result.regionCode) ?? destination };
  return { ok: true, value, result: value };
}

/** Resident medical insurance where the household is (Jinan's waiver does not apply there). */
export async function forwardEnrolment(run: CaseRun, s: Submission, childCitizenId: string): Promise<Outcome<{ enrolmentNumber: string }>> {
  const { newborn } = run.application;
  const destination = run.places()?.householdRegion ?? '';
  const status = await forward(run, 'medicalInsurance', 'medicalInsurance', s, destination, {
    childCitizenId, childName: newborn.name ?? '', birthAt: newborn.birthAt, birthOrder: newborn.birthOrder, enrolledOn: shanghaiDateOfMs(Date.now()),
  });
  if (status.state !== 'completed') return refusedBy(destination, status);
  const enrolmentNumber = text(status.result.enrolmentNumber) ?? '';
  const result: ServiceResultData = { enrolmentNumber, enrolledOn: text(status.result.enrolledOn) ?? shanghaiDateOfMs(Date.now()), waived: false };
  if (typeof status.result.premium === 'number') result.premium = status.result.premium;
  return { ok: true, value: { enrolmentNumber }, result };
}

/** The social-security card where the child is insured: the application, then the card, from that place. */
export async function forwardCard(run: CaseRun, s: Submission, childCitizenId: string, enrolmentNumber: string): Promise<Outcome<boolean>> {
  const { delivery, newborn } = run.application;
  const destination = run.places()?.householdRegion ?? '';
  const status = await forward(run, 'socialSecurityCard', 'socialSecurityCard', s, destination, {
    childCitizenId, childName: newborn.name ?? '', enrolmentNumber,
    delivery: { method: delivery.method, address: delivery.address ?? null, recipient: delivery.recipient },
  });
  if (status.state !== 'completed') return refusedBy(destination, status);
  const r = status.result;
  return { ok: true, value: true, result: { applicationNumber: text(r.applicationNumber) ?? '', cardNumber: text(r.cardNumber), trackingNumber: text(r.trackingNumber) } };
}

/** Inbound: the other place's birth certificate, checked through the exchange (not issued anew). */
export async function verifyInboundCertificate(run: CaseRun, { idempotencyKey }: Submission): Promise<Outcome<{ certificateNumber: string }>> {
  const { newborn, mother, bornElsewhere } = run.application;
  if (!bornElsewhere) throw new Error('inbound case without bornElsewhere');
  const r = await watched(run, 'birthCertificate', () => exchange.verifyBirthCertificate({
    idempotencyKey, caseId: run.input.caseId, certificateNumber: bornElsewhere.certificateNumber, issuingRegionCode: bornElsewhere.regionCode,
    hospitalName: bornElsewhere.hospitalName, mother: { name: mother.name, idNumber: mother.idNumber }, newborn: { sex: newborn.sex, birthAt: newborn.birthAt },
  }), 'exchange');
  return { ok: true, value: { certificateNumber: r.certificateNumber }, result: { certificateNumber: r.certificateNumber } };
}

/** Inbound: the vaccination record opened where the child was born, transferred to Jinan. */
export async function transferVaccination(run: CaseRun, { idempotencyKey }: Submission): Promise<Outcome<boolean>> {
  const { newborn, mother, bornElsewhere } = run.application;
  const r = await watched(run, 'vaccination', () => exchange.transferVaccinationRecord({
    idempotencyKey, caseId: run.input.caseId, fromRegionCode: bornElsewhere?.regionCode ?? '',
    newborn: { name: newborn.name ?? null, sex: newborn.sex, birthAt: newborn.birthAt }, mother: { name: mother.name, idNumber: mother.idNumber },
  }), 'exchange');
  return { ok: true, value: true, result: { certificateNumber: r.certificateNumber, nextDoses: r.nextDoses } };
}

function refusedBy(destination: string, status: ForwardStatus): { ok: false; reason: string } {
  const reason = status.state === 'refused' ? status.reason : '异地申请已撤回';
  return { ok: false, reason: `${regionLabel(destination)}不予办理：${reason}` };
}

/**
 * Sends the application through the exchange (or, resumed after a continue-as-new, reads the forward
 * again) and waits until the other place answers: completed, refused or withdrawn.
 */
async function forward(run: CaseRun, key: ServiceKey, kind: ForwardKind, { idempotencyKey, resumed }: Submission, destination: string, application: Record<string, unknown>): Promise<ForwardStatus> {
  const reRead = (): Promise<ForwardStatus> => watched(run, key, () => exchange.getForwardStatus({ idempotencyKey }), 'exchange');
  let status: ForwardStatus;
  if (resumed?.forward) {
    status = await reRead();
  } else {
    const ack = await watched(run, key, () => exchange.forwardApplication({ idempotencyKey, caseId: run.input.caseId, kind, destinationRegionCode: destination, application }), 'exchange');
    run.record({
      action: 'service.forwarded', service: key, outcome: 'pending',
      reason: `已通过${CHANNELS[ack.channel].label}转${regionLabel(destination)}办理，通常${CHANNELS[ack.channel].serviceLevelDays ?? ''}个工作日内答复`,
      data: { forwardId: ack.forwardId, channel: ack.channel, destinationRegionCode: destination, dueAt: ack.dueAt },
    });
    status = { state: 'pending', forwardId: ack.forwardId, channel: ack.channel, dueAt: ack.dueAt };
  }
  let seen = run.agencySignals[key];
  for (let round = 0; !run.stopping(); round++) {
    await noteOriginals(run, key, status);
    if (status.state === 'completed' || status.state === 'refused' || status.state === 'withdrawn') return status;
    // While the parents owe originals, the delay is theirs: the other place's service level is not escalated.
    const escalation = run.serviceState(key).originals ? undefined : forwardEscalation(run.serviceState(key), key);
    await awaitAgency(run, key, round, seen, escalation, 'forward_overdue');
    if (run.stopping()) break;
    seen = run.agencySignals[key];
    status = await reRead();
  }
  throw new CancelledFailure('case cancelled'); // cancelled while waiting: compensation withdraws the forward
}

/** The parents hear again this long before the originals are due, if the other place still waits for them. */
const ORIGINALS_REMINDER_LEAD_MS = 3 * 86_400_000;

/**
 * Originals asked for: an action for the parents (recorded and sent once; reminded once three days before
 * they are due, at the first read after); asked no more: received.
 */
async function noteOriginals(run: CaseRun, key: ServiceKey, status: ForwardStatus): Promise<void> {
  const owed = run.serviceState(key).originals;
  if (status.state === 'originals_requested') {
    if (owed?.dueAt === status.dueAt && owed.postTo === status.postTo) {
      if (Date.now() >= Date.parse(status.dueAt) - ORIGINALS_REMINDER_LEAD_MS) {
        await notify(run, 'deadline_approaching', `${key}:originals-reminder:${status.dueAt}`, { item: `邮寄「${serviceLabel(key)}」材料原件`, dueOn: status.dueAt.slice(0, 10) });
      }
      return;
    }
    run.record({
      action: 'service.originals_requested', service: key, outcome: 'pending',
      reason: `「${serviceLabel(key)}」办理地要求邮寄材料原件：${status.items.join('、')}，请于 ${status.dueAt} 前寄至 ${status.postTo}`,
      data: { items: status.items, postTo: status.postTo, dueAt: status.dueAt },
    });
    await notify(run, 'action_required', `${key}:originals:${status.dueAt}`, { service: serviceLabel(key), item: '邮寄材料原件' });
  } else if (owed) {
    run.record({ action: 'service.originals_received', service: key, outcome: 'pending', reason: '办理地已收到材料原件' });
  }
}

/** The forward's due time (the channel's service level from the ack); a second escalation one more period later. */
function forwardEscalation(state: ServiceState, key: ServiceKey): Escalation | undefined {
  const f = state.forward;
  if (!f) return undefined;
  const dueAtMs = Date.parse(f.dueAt);
  const days = CHANNELS[f.channel].serviceLevelDays ?? 1;
  const where = regionLabel(f.destinationRegionCode);
  return {
    dueAtMs, secondAfterMs: days * 86_400_000,
    message: (level) => (level === 1
      ? `「${serviceLabel(key)}」${where}超过${CHANNELS[f.channel].label}办理时限（${toShanghaiIso(dueAtMs)}）仍未答复，已通过平台催办`
      : `「${serviceLabel(key)}」${where}严重超时未答复，已上报上级督办`),
  };
}

/** Compensation: a forward still pending at the other place is withdrawn through the exchange. */
export async function withdrawPendingForward(run: CaseRun, key: ServiceKey, idempotencyKey: string, reason: string): Promise<{ ok: boolean; answer: string | null }> {
  const where = regionLabel(run.serviceState(key).forward?.destinationRegionCode ?? '');
  try {
    const a = await exchangeCompensation.withdrawForward({ idempotencyKey, reason });
    const said = a.withdrawn ? '已撤回' : '未能撤回';
    run.record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `已通过跨域通办平台请求${where}撤回申请，答复：${said}（${a.answer}）`, data: { step: 'withdraw', agency: 'exchange' } });
    return { ok: true, answer: a.answer };
  } catch (err) {
    const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    run.record({ action: 'service.compensation', service: key, outcome: 'failed', reason: `已通过跨域通办平台请求${where}撤回申请，未获答复（${message.slice(0, 200)}），需人工跟进`, data: { step: 'withdraw', agency: 'exchange' } });
    return { ok: false, answer: null };
  }
}
