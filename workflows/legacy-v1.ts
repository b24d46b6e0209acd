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
import type { AgencyActivities, CorrectionDetails, HouseholdOutcome, RefusalDetails, SmsTemplate } from '../activities/agency.types';
import { AgencyFailureType } from '../activities/agency.types';
import { agencyActivityOptions } from '../activities/agency-options';
import { serviceLabel } from '../domain/catalog';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
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

export async function legacyBirthCase(input: BirthCaseInput, journal: LegacyJournal): Promise<DerivedCase> {
  const workflowId = workflowInfo().workflowId;
  let application: CaseCreateRequest = input.application;
  let cancelRequest: CancelInput | null = null;
  let corrections = 0;
  const agencySignals: Record<ServiceKey, number> = { birthCertificate: 0, vaccination: 0, household: 0, medicalInsurance: 0, socialSecurityCard: 0 };

  const { events, record, derived } = journal;
  journal.bindApplication(() => application);
  const cancelled = (): boolean => cancelRequest !== null;
  // Facts the benefit decisions read, learnt as the services complete.
  const benefitFacts: NonNullable<Parameters<typeof benefitsInputFor>[1]> = application.grandparentsInLtc ? { grandparentsInLtc: application.grandparentsInLtc } : {};
  const decide = (why: string): void => {
    record({ action: 'benefits.decided', reason: why, data: { benefits: decideBenefits(benefitsInputFor(application, benefitFacts)) } });
  };
  const requested = (key: ServiceKey): boolean => application.services.includes(key);

  setHandler(getCaseState, (): BirthCaseState => ({
    ...derived(),
    caseId: input.caseId,
    hospitalId: input.hospitalId,
    application,
    trackingSecretHash: input.trackingSecretHash,
    events,
  }));
  setHandler(
    correctCase,
    (c: CorrectionInput) => {
      application = legacyApplyCorrection(application, c.changes);
      corrections += 1;
      const paths = Object.keys(c.changes);
      record({ action: 'case.corrected', actor: c.actor, reason: c.note ?? null, data: { paths } });
      return { applied: paths };
    },
    {
      validator: (c: CorrectionInput) => {
        const problems = legacyCorrectionProblems(c.changes, derived(), cancelled());
        if (problems.length > 0) throw new Error(problems.join('；'));
      },
    },
  );
  setHandler(
    supplyNewbornName,
    ({ name, actor }) => {
      application = legacyApplyCorrection(application, { 'newborn.name': name });
      corrections += 1;
      record({ action: 'newborn.named', actor });
    },
    {
      validator: ({ name }) => {
        if (cancelled()) throw new Error('办件已撤销');
        if (application.newborn.name) throw new Error('新生儿姓名已登记，如需更改请联系医院登记员');
        if (!name) throw new Error('姓名不能为空');
      },
    },
  );
  const agencyEventIds: string[] = [];
  setHandler(agencyEvent, ({ service, type, eventId, actor }) => {
    if (agencyEventIds.includes(eventId)) return; // a redelivered callback: already counted
    agencyEventIds.push(eventId);
    agencySignals[service] += 1;
    record({ action: type, service, actor, reason: `agency event ${eventId}` });
  });
  setHandler(cancelCase, (c: CancelInput) => {
    if (cancelRequest || isCaseClosed(derived().status)) return;
    cancelRequest = c;
    record({ action: 'case.cancel_requested', actor: c.actor, reason: c.reason });
  });
  // The API now cancels through this update; an old case takes it as it took the signal.
  setHandler(
    requestCancellation,
    (c: CancelInput) => {
      cancelRequest = c;
      record({ action: 'case.cancel_requested', actor: c.actor, reason: c.reason });
      return { status: 'cancelling' as const, steps: [] };
    },
    { validator: (_c: CancelInput) => { if (cancelRequest || isCaseClosed(derived().status)) throw new Error('办件已结束或已在撤销中，无法撤销'); } },
  );

  /** Sends an SMS; a failed message is recorded, never a reason to stop the case. */
  async function notify(template: SmsTemplate, step: string, params: Record<string, string>): Promise<void> {
    try {
      await smsGateway.sendSms({ idempotencyKey: `${workflowId}:sms:${step}`, caseId: input.caseId, phone: application.mother.phone, template, params });
      record({ action: 'notification.sent', reason: template });
    } catch {
      record({ action: 'notification.sent', outcome: 'failed', reason: template });
    }
  }

  /**
   * Submits one service until it is done, refused, or returned: a correction notice waits for the clerk's
   * correction (until the notice's deadline), then resubmits under a new idempotency key.
   */
  async function runService<T>(key: ServiceKey, submit: (idempotencyKey: string, attempt: number) => Promise<Outcome<T>>): Promise<T | null> {
    if (!requested(key)) return null; // recorded as skipped at acceptance
    for (let attempt = 1; ; attempt++) {
      if (cancelled()) return null;
      const idempotencyKey = attempt === 1 ? `${workflowId}:${key}` : `${workflowId}:${key}:r${attempt}`;
      record({ action: 'service.submitted', service: key, attempt, outcome: 'pending' });
      try {
        const outcome = await submit(idempotencyKey, attempt);
        if (outcome.ok) {
          record({ action: 'service.completed', service: key, attempt, data: { result: outcome.result } });
          await notify('service_completed', key, { service: serviceLabel(key) });
          return outcome.value;
        }
        if ('reason' in outcome) record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: outcome.reason });
        return null; // cancelled while waiting: the cancellation records it
      } catch (err) {
        const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : null;
        if (failure?.type === AgencyFailureType.Refused) {
          const details = failure.details?.[0] as RefusalDetails | undefined;
          record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: details?.reason ?? '机构不予受理' });
          return null;
        }
        if (failure?.type !== AgencyFailureType.CorrectionRequired) throw err;
        const details = failure.details?.[0] as CorrectionDetails | undefined;
        // Count corrections from the notice on: one that arrives while the SMS below is sent still counts.
        const seen = corrections;
        const dueMs = Date.now() + input.settings.correctionDueSeconds * 1000;
        const dueAt = details?.dueAt ?? toShanghaiIso(dueMs);
        record({ action: 'service.needs_correction', service: key, attempt, outcome: 'failed', reason: '补正告知', data: { items: details?.items ?? [], dueAt } });
        await notify('action_required', `${key}:correction:${attempt}`, { service: serviceLabel(key) });
        const corrected = await condition(() => corrections > seen || cancelled(), Math.max(1, Date.parse(dueAt) - Date.now()));
        if (!corrected) {
          record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: '补正期限已过，申请退件' });
          return null;
        }
      }
    }
  }

  /**
   * Waits for an agency's callback for `key` newer than `seen` (the count taken before the agency was last
   * read, so a callback that arrives in between is not missed), or the poll interval, whichever is first.
   */
  async function awaitAgency(key: ServiceKey, seen: number): Promise<void> {
    await condition(() => agencySignals[key] > seen || cancelled(), input.settings.agencyPollSeconds * 1000);
  }

  /** A service whose prerequisite ended without a result cannot be done: say so for each one after it. */
  function skipAfter(dependency: ServiceKey, ...dependents: ServiceKey[]): void {
    if (cancelled()) return;
    for (const key of dependents) {
      if (requested(key)) record({ action: 'service.skipped', service: key, reason: `前置事项「${serviceLabel(dependency)}」未办结，无法办理` });
    }
  }

  /**
   * Reminds the parents `leadDays` before a deadline (09:00 Shanghai time) if the service is still open
   * then. Ends as soon as the service closes, so it never keeps a finished case waiting.
   */
  async function remindBefore(key: ServiceKey, dueOn: string, params: Record<string, string>): Promise<void> {
    const dueMs = Date.parse(`${dueOn}T23:59:59+08:00`);
    const leadDays = input.settings.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS;
    const remindMs = Date.parse(`${dueOn}T09:00:00+08:00`) - leadDays * 86_400_000;
    const open = (): boolean => !isTerminal(derived().services[key].status) && !cancelled();
    if (!requested(key) || Date.now() >= dueMs) return;
    const closed = await condition(() => !open(), Math.max(1, remindMs - Date.now()));
    if (!closed && open()) await notify('deadline_approaching', `reminder:${key}`, { ...params, dueOn });
  }

  function deadlineReminders(): Array<Promise<void>> {
    const birthDate = shanghaiDate(application.newborn.birthAt);
    const reminders = [remindBefore('household', addMonthsCivil(birthDate, HOUSEHOLD_REGISTRATION_DUE_MONTHS), { item: serviceLabel('household') })];
    const waiver = (derived().benefits as Benefits | null)?.premiumWaiver;
    if (waiver?.eligible) reminders.push(remindBefore('medicalInsurance', waiver.deadline, { item: '二孩三孩医保个人缴费补助（出生六个月内参保）' }));
    return reminders;
  }

  async function vaccinationTrack(): Promise<void> {
    await runService('vaccination', async (idempotencyKey) => {
      const r = await vaccinationAgency.createVaccinationRecord({
        idempotencyKey,
        caseId: input.caseId,
        hospitalId: input.hospitalId,
        newborn: { name: application.newborn.name ?? null, sex: application.newborn.sex, birthAt: application.newborn.birthAt },
        mother: { name: application.mother.name, idNumber: application.mother.idNumber, hukouRegionCode: application.mother.hukouRegionCode },
        dosesGiven: ['HepB-1', 'BCG'],
      });
      return { ok: true, value: r, result: { certificateNumber: r.certificateNumber, nextDoses: r.nextDoses } };
    });
  }

  async function registrationTrack(): Promise<void> {
    if (requested('birthCertificate') && !application.newborn.name) {
      record({ action: 'case.action_required', reason: '等待家长提供新生儿姓名' });
      await notify('action_required', 'newborn-name', { item: '新生儿姓名' });
      await condition(() => Boolean(application.newborn.name) || cancelled());
    }
    const certificate = await runService('birthCertificate', async (idempotencyKey) => {
      const { newborn, mother, father } = application;
      const r = await healthCommission.issueBirthCertificate({
        idempotencyKey,
        caseId: input.caseId,
        hospitalId: input.hospitalId,
        newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt, birthWeightGrams: newborn.birthWeightGrams },
        mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
        father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
      });
      return { ok: true, value: r, result: { certificateNumber: r.certificateNumber } };
    });
    if (!certificate) return skipAfter('birthCertificate', 'household', 'medicalInsurance', 'socialSecurityCard');

    const household = await runService('household', async (idempotencyKey) => {
      const { newborn, mother, father } = application;
      let seen = agencySignals.household;
      let outcome: HouseholdOutcome = await publicSecurity.registerHousehold({
        idempotencyKey,
        caseId: input.caseId,
        birthCertificateNumber: certificate.certificateNumber,
        newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt },
        mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
        father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
        married: application.married,
        householdOf: application.householdOf,
      });
      if (outcome.outcome === 'under_review') {
        record({ action: 'service.under_review', service: 'household', outcome: 'pending', reason: outcome.reason, data: { review: { agency: 'publicSecurity', reason: outcome.reason, reviewId: outcome.reviewId } } });
        await notify('action_required', 'household-review', { service: serviceLabel('household') });
      }
      while (outcome.outcome === 'under_review' && !cancelled()) {
        await awaitAgency('household', seen);
        seen = agencySignals.household;
        outcome = await publicSecurity.getHouseholdRegistration({ idempotencyKey });
      }
      if (outcome.outcome === 'registered') return { ok: true, value: outcome, result: { citizenId: outcome.citizenId, regionCode: outcome.regionCode } };
      return outcome.outcome === 'refused' ? { ok: false, reason: outcome.reason } : { ok: false, cancelled: true };
    });
    if (!household) return skipAfter('household', 'medicalInsurance', 'socialSecurityCard');
    benefitFacts.childHukouRegionCode = household.regionCode;
    decide('household registered');

    const enrolment = await runService('medicalInsurance', async (idempotencyKey) => {
      const r = await medicalSecurity.enrolMedicalInsurance({
        idempotencyKey,
        caseId: input.caseId,
        childCitizenId: household.citizenId,
        childName: application.newborn.name ?? '',
        birthAt: application.newborn.birthAt,
        birthOrder: application.newborn.birthOrder,
        enrolledOn: shanghaiDateOfMs(Date.now()),
      });
      return { ok: true, value: r, result: { enrolmentNumber: r.enrolmentNumber, enrolledOn: r.enrolledOn, premium: r.premium, waived: r.waived } };
    });
    if (!enrolment) return skipAfter('medicalInsurance', 'socialSecurityCard');
    // Once enrolled, the agency's premium figure is the one shown (one premium source).
    benefitFacts.enrolment = { registeredOn: enrolment.enrolledOn, inJinan: true, agencyPremiumYuan: enrolment.premium };
    decide('medical insurance enrolled');

    await runService('socialSecurityCard', async (idempotencyKey) => {
      const { delivery } = application;
      let seen = agencySignals.socialSecurityCard;
      let status = await humanResources.applySocialSecurityCard({
        idempotencyKey,
        caseId: input.caseId,
        childCitizenId: household.citizenId,
        childName: application.newborn.name ?? '',
        enrolmentNumber: enrolment.enrolmentNumber,
        delivery: { method: delivery.method, address: delivery.address ?? null, recipient: delivery.recipient },
      });
      // The card is made and posted days later; meanwhile the application number is already shown.
      record({ action: 'service.submitted', service: 'socialSecurityCard', outcome: 'pending', reason: '制卡中', data: { result: { applicationNumber: status.applicationNumber } } });
      while (status.state === 'in_production' && !cancelled()) {
        await awaitAgency('socialSecurityCard', seen);
        seen = agencySignals.socialSecurityCard;
        status = await humanResources.getSocialSecurityCardStatus({ idempotencyKey });
      }
      if (status.state === 'posted') {
        return { ok: true, value: status, result: { applicationNumber: status.applicationNumber, cardNumber: status.cardNumber, trackingNumber: status.trackingNumber } };
      }
      return { ok: false, cancelled: true };
    });
  }

  // --- the case ---
  upsertSearchAttributes([{ key: CaseSearchAttributes.status, value: 'accepted' }]);
  journal.markPublished('accepted');
  record({ action: 'case.accepted', actor: input.acceptedBy, data: { newbornNameMissing: !application.newborn.name } });
  decide('case accepted');
  for (const key of ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'] as const) {
    if (!requested(key)) record({ action: 'service.skipped', service: key, reason: '未申请此项' });
  }
  await notify('case_accepted', 'accepted', acceptanceSmsParams(input));

  await Promise.all([
    requested('vaccination') ? vaccinationTrack() : Promise.resolve(),
    registrationTrack(),
    // Added after cases were running: older histories have no reminder timers.
    ...(patched('deadline-reminders') ? deadlineReminders() : []),
  ]);

  if (cancelRequest) {
    const request: CancelInput = cancelRequest;
    const state = derived();
    for (const [key, s] of Object.entries(state.services) as Array<[ServiceKey, DerivedCase['services'][ServiceKey]]>) {
      if (s.status === 'completed') {
        record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `「${serviceLabel(key)}」已办结，无法撤回，已记录在案并通知机构` });
      } else if (!isTerminal(s.status)) {
        record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
      }
    }
    record({ action: 'case.cancelled', actor: request.actor, reason: request.reason });
  } else {
    const final = derived();
    record({ action: 'case.finished', outcome: final.status === 'completed' ? 'ok' : 'failed', reason: final.status });
    await notify('case_completed', 'finished', { status: final.status });
  }
  return derived();
}
