// The birth case as it ran before issue 9 (patch `case-v2`): kept only so that cases started before it
// replay and finish as they began. New cases never come here (see birth-case.workflow.ts). Frozen: change
// nothing that alters commands; remove it once no case without the `case-v2` marker is open (README,
// "Versioning").
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  proxyActivities,
} from '@temporalio/workflow';
import type {
  AgencyActivities,
  BirthCertificateResult,
  CorrectionDetails,
  HouseholdOutcome,
  MedicalInsuranceResult,
  RefusalDetails,
  SmsTemplate,
  SocialSecurityCardStatus,
  VaccinationResult,
} from '../activities/agency.types';
import { AgencyFailureType } from '../activities/agency.types';
import { agencyActivityOptions } from '../activities/agency-options';
import { serviceLabel } from '../domain/catalog';
import type { CaseCreateRequest } from '../domain/case.schemas';
// Type only (no command changes): the services this frozen code knows, the bundle before issue 18.
import type { EarlierServiceKey as ServiceKey } from '../domain/catalog';
import { isCaseClosed, isTerminal } from '../domain/case-state';
import type { CaseEvent, DerivedCase, EventInput } from '../domain/case-state';
import { benefitsInputFor, decideBenefits } from '../domain/policy';
import type { Benefits } from '../domain/policy';
import { addMonthsCivil, shanghaiDate, shanghaiDateOfMs, toShanghaiIso } from '../domain/dates';
import {
  acceptanceSmsParams,
  agencyEvent,
  cancelCase,
  DEFAULT_REMINDER_LEAD_DAYS,
  HOUSEHOLD_REGISTRATION_DUE_MONTHS,
  CaseSearchAttributes,
  correctCase,
  getCaseState,
  requestCancellation,
  supplyNewbornName,
} from './birth-case.contract';
import type { BirthCaseInput, BirthCaseState, CancelInput, CorrectionInput } from './birth-case.contract';
import { legacyApplyCorrection, legacyCorrectionProblems } from './legacy-v1.support';

const healthCommission = proxyActivities<Pick<AgencyActivities, 'issueBirthCertificate'>>(agencyActivityOptions.healthCommission);
const vaccinationAgency = proxyActivities<Pick<AgencyActivities, 'createVaccinationRecord'>>(agencyActivityOptions.vaccination);
const publicSecurity = proxyActivities<Pick<AgencyActivities, 'registerHousehold' | 'getHouseholdRegistration'>>(agencyActivityOptions.publicSecurity);
const medicalSecurity = proxyActivities<Pick<AgencyActivities, 'enrolMedicalInsurance'>>(agencyActivityOptions.medicalSecurity);
const humanResources = proxyActivities<Pick<AgencyActivities, 'applySocialSecurityCard' | 'getSocialSecurityCardStatus'>>(agencyActivityOptions.humanResources);
const smsGateway = proxyActivities<Pick<AgencyActivities, 'sendSms'>>(agencyActivityOptions.sms);

/**
 * What the legacy case needs of the journal the live workflow passes in; defined here so that the frozen
 * code depends on no live workflow module (the live journal satisfies it structurally).
 */
export interface LegacyJournal {
  readonly events: CaseEvent[];
  /** every entry of the case goes through here (and, on the live side, what is published about it) */
  record(e: EventInput): void;
  derived(): DerivedCase;
  /** the status search attribute was set outside record() (the legacy start) */
  markPublished(status: string): void;
  /** where record() reads the application as it is now (for the publication) */
  bindApplication(current: () => CaseCreateRequest): void;
}

/** What a submission to an agency came to, once any review or correction loop is over. */
type Outcome<T> =
  | { ok: true; value: T; result: Record<string, unknown> }
  | { ok: false; reason: string }
  | { ok: false; cancelled: true };

type BenefitFacts = NonNullable<Parameters<typeof benefitsInputFor>[1]>;
type Registered = Extract<HouseholdOutcome, { outcome: 'registered' }>;

/**
 * One legacy case, built once: the state the functions below share. They were closures over these locals
 * in one function; each keeps its body, its awaits and its place in the order of commands.
 */
interface LegacyCase {
  readonly input: BirthCaseInput;
  readonly workflowId: string;
  readonly events: CaseEvent[];
  readonly record: (e: EventInput) => void;
  readonly derived: () => DerivedCase;
  application: CaseCreateRequest;
  cancelRequest: CancelInput | null;
  corrections: number;
  /** agency callbacks counted per service; a wait compares with the count taken before its last read */
  readonly agencySignals: Record<ServiceKey, number>;
  readonly agencyEventIds: string[];
  /** facts the benefit decisions read, learnt as the services complete */
  readonly benefitFacts: BenefitFacts;
}

export async function legacyBirthCase(input: BirthCaseInput, journal: LegacyJournal): Promise<DerivedCase> {
  const c = legacyCase(input, journal);
  setApplicationHandlers(c);
  setEventHandlers(c);

  accept(c, journal);
  await notify(c, 'case_accepted', 'accepted', acceptanceSmsParams(input));

  await Promise.all([
    requested(c, 'vaccination') ? vaccinationTrack(c) : Promise.resolve(),
    registrationTrack(c),
    // Added after cases were running: older histories have no reminder timers.
    ...(patched('deadline-reminders') ? deadlineReminders(c) : []),
  ]);

  if (c.cancelRequest) {
    recordCancellation(c, c.cancelRequest);
  } else {
    const final = c.derived();
    c.record({ action: 'case.finished', outcome: final.status === 'completed' ? 'ok' : 'failed', reason: final.status });
    await notify(c, 'case_completed', 'finished', { status: final.status });
  }
  return c.derived();
}

function legacyCase(input: BirthCaseInput, journal: LegacyJournal): LegacyCase {
  const workflowId = workflowInfo().workflowId;
  const { events, record, derived } = journal;
  const c: LegacyCase = {
    input, workflowId, events, record, derived,
    application: input.application,
    cancelRequest: null,
    corrections: 0,
    agencySignals: { birthCertificate: 0, vaccination: 0, household: 0, medicalInsurance: 0, socialSecurityCard: 0 },
    agencyEventIds: [],
    benefitFacts: input.application.grandparentsInLtc ? { grandparentsInLtc: input.application.grandparentsInLtc } : {},
  };
  journal.bindApplication(() => c.application);
  return c;
}

const cancelled = (c: LegacyCase): boolean => c.cancelRequest !== null;
const requested = (c: LegacyCase, key: ServiceKey): boolean => c.application.services.includes(key);

function decide(c: LegacyCase, why: string): void {
  c.record({ action: 'benefits.decided', reason: why, data: { benefits: decideBenefits(benefitsInputFor(c.application, c.benefitFacts)) } });
}

/** The query, and the two updates that change the application. */
function setApplicationHandlers(c: LegacyCase): void {
  setHandler(getCaseState, (): BirthCaseState => ({
    ...c.derived(),
    caseId: c.input.caseId,
    hospitalId: c.input.hospitalId,
    application: c.application,
    trackingSecretHash: c.input.trackingSecretHash,
    events: c.events,
  }));
  setHandler(
    correctCase,
    (change: CorrectionInput) => {
      c.application = legacyApplyCorrection(c.application, change.changes);
      c.corrections += 1;
      const paths = Object.keys(change.changes);
      c.record({ action: 'case.corrected', actor: change.actor, reason: change.note ?? null, data: { paths } });
      return { applied: paths };
    },
    {
      validator: (change: CorrectionInput) => {
        const problems = legacyCorrectionProblems(change.changes, c.derived(), cancelled(c));
        if (problems.length > 0) throw new Error(problems.join('；'));
      },
    },
  );
  setHandler(
    supplyNewbornName,
    ({ name, actor }) => {
      c.application = legacyApplyCorrection(c.application, { 'newborn.name': name });
      c.corrections += 1;
      c.record({ action: 'newborn.named', actor });
    },
    {
      validator: ({ name }) => {
        if (cancelled(c)) throw new Error('办件已撤销');
        if (c.application.newborn.name) throw new Error('新生儿姓名已登记，如需更改请联系医院登记员');
        if (!name) throw new Error('姓名不能为空');
      },
    },
  );
}

/** The agencies' callbacks and the two ways to cancel (registered after the handlers above, as before). */
function setEventHandlers(c: LegacyCase): void {
  setHandler(agencyEvent, ({ service, type, eventId, actor }) => {
    if (c.agencyEventIds.includes(eventId)) return; // a redelivered callback: already counted
    c.agencyEventIds.push(eventId);
    c.agencySignals[service] += 1;
    c.record({ action: type, service, actor, reason: `agency event ${eventId}` });
  });
  setHandler(cancelCase, (request: CancelInput) => {
    if (c.cancelRequest || isCaseClosed(c.derived().status)) return;
    c.cancelRequest = request;
    c.record({ action: 'case.cancel_requested', actor: request.actor, reason: request.reason });
  });
  // The API now cancels through this update; an old case takes it as it took the signal.
  setHandler(
    requestCancellation,
    (request: CancelInput) => {
      c.cancelRequest = request;
      c.record({ action: 'case.cancel_requested', actor: request.actor, reason: request.reason });
      return { status: 'cancelling' as const, steps: [] };
    },
    { validator: (_request: CancelInput) => { if (c.cancelRequest || isCaseClosed(c.derived().status)) throw new Error('办件已结束或已在撤销中，无法撤销'); } },
  );
}

/** Acceptance: the status published, the entry, the first benefit decision, and the services not asked for. */
function accept(c: LegacyCase, journal: LegacyJournal): void {
  upsertSearchAttributes([{ key: CaseSearchAttributes.status, value: 'accepted' }]);
  journal.markPublished('accepted');
  c.record({ action: 'case.accepted', actor: c.input.acceptedBy, data: { newbornNameMissing: !c.application.newborn.name } });
  decide(c, 'case accepted');
  // Spelled out, not the catalog's SERVICE_KEYS: frozen code, and this order is the order of recorded entries.
  for (const key of ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'] as const) {
    if (!requested(c, key)) c.record({ action: 'service.skipped', service: key, reason: '未申请此项' });
  }
}

/** A cancelled case: what was issued stays on record, what was still open is cancelled. */
function recordCancellation(c: LegacyCase, request: CancelInput): void {
  const state = c.derived();
  for (const [key, s] of Object.entries(state.services) as Array<[ServiceKey, DerivedCase['services'][ServiceKey]]>) {
    if (s.status === 'completed') {
      c.record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `「${serviceLabel(key)}」已办结，无法撤回，已记录在案并通知机构` });
    } else if (!isTerminal(s.status)) {
      c.record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
    }
  }
  c.record({ action: 'case.cancelled', actor: request.actor, reason: request.reason });
}

/** Sends an SMS; a failed message is recorded, never a reason to stop the case. */
async function notify(c: LegacyCase, template: SmsTemplate, step: string, params: Record<string, string>): Promise<void> {
  try {
    await smsGateway.sendSms({ idempotencyKey: `${c.workflowId}:sms:${step}`, caseId: c.input.caseId, phone: c.application.mother.phone, template, params });
    c.record({ action: 'notification.sent', reason: template });
  } catch {
    c.record({ action: 'notification.sent', outcome: 'failed', reason: template });
  }
}

/**
 * Submits one service until it is done, refused, or returned: a correction notice waits for the clerk's
 * correction (until the notice's deadline), then resubmits under a new idempotency key.
 */
async function runService<T>(c: LegacyCase, key: ServiceKey, submit: (idempotencyKey: string, attempt: number) => Promise<Outcome<T>>): Promise<T | null> {
  if (!requested(c, key)) return null; // recorded as skipped at acceptance
  for (let attempt = 1; ; attempt++) {
    if (cancelled(c)) return null;
    const idempotencyKey = attempt === 1 ? `${c.workflowId}:${key}` : `${c.workflowId}:${key}:r${attempt}`;
    c.record({ action: 'service.submitted', service: key, attempt, outcome: 'pending' });
    try {
      const outcome = await submit(idempotencyKey, attempt);
      if (outcome.ok) {
        c.record({ action: 'service.completed', service: key, attempt, data: { result: outcome.result } });
        await notify(c, 'service_completed', key, { service: serviceLabel(key) });
        return outcome.value;
      }
      if ('reason' in outcome) c.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: outcome.reason });
      return null; // cancelled while waiting: the cancellation records it
    } catch (err) {
      const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : null;
      if (failure?.type === AgencyFailureType.Refused) {
        const details = failure.details?.[0] as RefusalDetails | undefined;
        c.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: details?.reason ?? '机构不予受理' });
        return null;
      }
      if (failure?.type !== AgencyFailureType.CorrectionRequired) throw err;
      const details = failure.details?.[0] as CorrectionDetails | undefined;
      // Count corrections from the notice on: one that arrives while the SMS below is sent still counts.
      const seen = c.corrections;
      const dueMs = Date.now() + c.input.settings.correctionDueSeconds * 1000;
      const dueAt = details?.dueAt ?? toShanghaiIso(dueMs);
      c.record({ action: 'service.needs_correction', service: key, attempt, outcome: 'failed', reason: '补正告知', data: { items: details?.items ?? [], dueAt } });
      await notify(c, 'action_required', `${key}:correction:${attempt}`, { service: serviceLabel(key) });
      const corrected = await condition(() => c.corrections > seen || cancelled(c), Math.max(1, Date.parse(dueAt) - Date.now()));
      if (!corrected) {
        c.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: '补正期限已过，申请退件' });
        return null;
      }
    }
  }
}

/**
 * Waits for an agency's callback for `key` newer than `seen` (the count taken before the agency was last
 * read, so a callback that arrives in between is not missed), or the poll interval, whichever is first.
 */
async function awaitAgency(c: LegacyCase, key: ServiceKey, seen: number): Promise<void> {
  await condition(() => c.agencySignals[key] > seen || cancelled(c), c.input.settings.agencyPollSeconds * 1000);
}

/** A service whose prerequisite ended without a result cannot be done: say so for each one after it. */
function skipAfter(c: LegacyCase, dependency: ServiceKey, ...dependents: ServiceKey[]): void {
  if (cancelled(c)) return;
  for (const key of dependents) {
    if (requested(c, key)) c.record({ action: 'service.skipped', service: key, reason: `前置事项「${serviceLabel(dependency)}」未办结，无法办理` });
  }
}

/**
 * Reminds the parents `leadDays` before a deadline (09:00 Shanghai time) if the service is still open
 * then. Ends as soon as the service closes, so it never keeps a finished case waiting.
 */
async function remindBefore(c: LegacyCase, key: ServiceKey, dueOn: string, params: Record<string, string>): Promise<void> {
  const dueMs = Date.parse(`${dueOn}T23:59:59+08:00`);
  const leadDays = c.input.settings.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS;
  const remindMs = Date.parse(`${dueOn}T09:00:00+08:00`) - leadDays * 86_400_000;
  const open = (): boolean => !isTerminal(c.derived().services[key].status) && !cancelled(c);
  if (!requested(c, key) || Date.now() >= dueMs) return;
  const closed = await condition(() => !open(), Math.max(1, remindMs - Date.now()));
  if (!closed && open()) await notify(c, 'deadline_approaching', `reminder:${key}`, { ...params, dueOn });
}

function deadlineReminders(c: LegacyCase): Array<Promise<void>> {
  const birthDate = shanghaiDate(c.application.newborn.birthAt);
  const reminders = [remindBefore(c, 'household', addMonthsCivil(birthDate, HOUSEHOLD_REGISTRATION_DUE_MONTHS), { item: serviceLabel('household') })];
  const waiver = (c.derived().benefits as Benefits | null)?.premiumWaiver;
  if (waiver?.eligible) reminders.push(remindBefore(c, 'medicalInsurance', waiver.deadline, { item: '二孩三孩医保个人缴费补助（出生六个月内参保）' }));
  return reminders;
}

// The submissions below are handed to runService as plain (not async) arrows, so that runService awaits
// each one's own promise, as it awaited the inline async closures they were: no microtask more or less.

async function vaccinationTrack(c: LegacyCase): Promise<void> {
  await runService(c, 'vaccination', (idempotencyKey) => submitVaccination(c, idempotencyKey));
}

async function submitVaccination(c: LegacyCase, idempotencyKey: string): Promise<Outcome<VaccinationResult>> {
  const { application } = c;
  const r = await vaccinationAgency.createVaccinationRecord({
    idempotencyKey,
    caseId: c.input.caseId,
    hospitalId: c.input.hospitalId,
    newborn: { name: application.newborn.name ?? null, sex: application.newborn.sex, birthAt: application.newborn.birthAt },
    mother: { name: application.mother.name, idNumber: application.mother.idNumber, hukouRegionCode: application.mother.hukouRegionCode },
    dosesGiven: ['HepB-1', 'BCG'],
  });
  return { ok: true, value: r, result: { certificateNumber: r.certificateNumber, nextDoses: r.nextDoses } };
}

/** birthCertificate → household → medicalInsurance → socialSecurityCard, each on the one before. */
async function registrationTrack(c: LegacyCase): Promise<void> {
  if (requested(c, 'birthCertificate') && !c.application.newborn.name) {
    c.record({ action: 'case.action_required', reason: '等待家长提供新生儿姓名' });
    await notify(c, 'action_required', 'newborn-name', { item: '新生儿姓名' });
    await condition(() => Boolean(c.application.newborn.name) || cancelled(c));
  }
  const certificate = await runService(c, 'birthCertificate', (idempotencyKey) => submitBirthCertificate(c, idempotencyKey));
  if (!certificate) return skipAfter(c, 'birthCertificate', 'household', 'medicalInsurance', 'socialSecurityCard');

  const household = await runService(c, 'household', (idempotencyKey) => submitHousehold(c, idempotencyKey, certificate));
  if (!household) return skipAfter(c, 'household', 'medicalInsurance', 'socialSecurityCard');
  c.benefitFacts.childHukouRegionCode = household.regionCode;
  decide(c, 'household registered');

  const enrolment = await runService(c, 'medicalInsurance', (idempotencyKey) => submitMedicalInsurance(c, idempotencyKey, household));
  if (!enrolment) return skipAfter(c, 'medicalInsurance', 'socialSecurityCard');
  // Once enrolled, the agency's premium figure is the one shown (one premium source).
  c.benefitFacts.enrolment = { registeredOn: enrolment.enrolledOn, inJinan: true, agencyPremiumYuan: enrolment.premium };
  decide(c, 'medical insurance enrolled');

  await runService(c, 'socialSecurityCard', (idempotencyKey) => submitSocialSecurityCard(c, idempotencyKey, household, enrolment));
}

async function submitBirthCertificate(c: LegacyCase, idempotencyKey: string): Promise<Outcome<BirthCertificateResult>> {
  const { newborn, mother, father } = c.application;
  const r = await healthCommission.issueBirthCertificate({
    idempotencyKey,
    caseId: c.input.caseId,
    hospitalId: c.input.hospitalId,
    newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt, birthWeightGrams: newborn.birthWeightGrams },
    mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
    father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
  });
  return { ok: true, value: r, result: { certificateNumber: r.certificateNumber } };
}

/** Registers the child, then, if the bureau routes it to an officer's review, reads it until decided. */
async function submitHousehold(c: LegacyCase, idempotencyKey: string, certificate: BirthCertificateResult): Promise<Outcome<Registered>> {
  const { application } = c;
  const { newborn, mother, father } = application;
  let seen = c.agencySignals.household;
  let outcome: HouseholdOutcome = await publicSecurity.registerHousehold({
    idempotencyKey,
    caseId: c.input.caseId,
    birthCertificateNumber: certificate.certificateNumber,
    newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt },
    mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
    father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
    married: application.married,
    householdOf: application.householdOf,
  });
  if (outcome.outcome === 'under_review') {
    c.record({ action: 'service.under_review', service: 'household', outcome: 'pending', reason: outcome.reason, data: { review: { agency: 'publicSecurity', reason: outcome.reason, reviewId: outcome.reviewId } } });
    await notify(c, 'action_required', 'household-review', { service: serviceLabel('household') });
  }
  while (outcome.outcome === 'under_review' && !cancelled(c)) {
    await awaitAgency(c, 'household', seen);
    seen = c.agencySignals.household;
    outcome = await publicSecurity.getHouseholdRegistration({ idempotencyKey });
  }
  if (outcome.outcome === 'registered') return { ok: true, value: outcome, result: { citizenId: outcome.citizenId, regionCode: outcome.regionCode } };
  return outcome.outcome === 'refused' ? { ok: false, reason: outcome.reason } : { ok: false, cancelled: true };
}

async function submitMedicalInsurance(c: LegacyCase, idempotencyKey: string, household: Registered): Promise<Outcome<MedicalInsuranceResult>> {
  const r = await medicalSecurity.enrolMedicalInsurance({
    idempotencyKey,
    caseId: c.input.caseId,
    childCitizenId: household.citizenId,
    childName: c.application.newborn.name ?? '',
    birthAt: c.application.newborn.birthAt,
    birthOrder: c.application.newborn.birthOrder,
    enrolledOn: shanghaiDateOfMs(Date.now()),
  });
  return { ok: true, value: r, result: { enrolmentNumber: r.enrolmentNumber, enrolledOn: r.enrolledOn, premium: r.premium, waived: r.waived } };
}

/** Applies for the card, then reads it until it is posted: it is made and posted days later. */
async function submitSocialSecurityCard(
  c: LegacyCase, idempotencyKey: string, household: Registered, enrolment: MedicalInsuranceResult,
): Promise<Outcome<SocialSecurityCardStatus>> {
  const { delivery } = c.application;
  let seen = c.agencySignals.socialSecurityCard;
  let status = await humanResources.applySocialSecurityCard({
    idempotencyKey,
    caseId: c.input.caseId,
    childCitizenId: household.citizenId,
    childName: c.application.newborn.name ?? '',
    enrolmentNumber: enrolment.enrolmentNumber,
    delivery: { method: delivery.method, address: delivery.address ?? null, recipient: delivery.recipient },
  });
  // Meanwhile the application number is already shown.
  c.record({ action: 'service.submitted', service: 'socialSecurityCard', outcome: 'pending', reason: '制卡中', data: { result: { applicationNumber: status.applicationNumber } } });
  while (status.state === 'in_production' && !cancelled(c)) {
    await awaitAgency(c, 'socialSecurityCard', seen);
    seen = c.agencySignals.socialSecurityCard;
    status = await humanResources.getSocialSecurityCardStatus({ idempotencyKey });
  }
  if (status.state === 'posted') {
    return { ok: true, value: status, result: { applicationNumber: status.applicationNumber, cardNumber: status.cardNumber, trackingNumber: status.trackingNumber } };
  }
  return { ok: false, cancelled: true };
}
