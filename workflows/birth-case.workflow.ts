// The birth "one-thing" case: one workflow per newborn carries the five services across the agencies.
// birthCertificate → household → medicalInsurance → socialSecurityCard, with vaccination alongside.
// Deterministic and small: every side effect is an activity; the state is the event log (see case-state),
// and `record()` below is the one journal every event goes through.
//
// Since patch `case-v2` (issue 9) no case dies: an agency answer nobody planned for leaves the service
// `needs_attention` until a clerk retries or closes it; cancellation is an update that withdraws what is
// pending at each agency and reports to the agencies what was issued; corrections wake only the service
// whose notice they answer; an unanswered review or correction notice escalates; a case waiting on an
// agency re-reads it ever less often and continues as new past a set history size. Cases started before
// the patch run on in legacy-v1.ts.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  allHandlersFinished,
  currentUpdateInfo,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  AgencyActivities,
  CompensatingAgency,
  CorrectionDetails,
  HouseholdOutcome,
  RefusalDetails,
  SmsTemplate,
  SocialSecurityCardStatus,
  WithdrawalAnswer,
} from '../activities/agency.types';
import { AgencyFailureType } from '../activities/agency.types';
import { agencyActivityOptions, compensationActivityOptions } from '../activities/agency-options';
import { serviceLabel } from '../domain/catalog';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
import { isCaseClosed, isTerminal, reduceCase, SYSTEM } from '../domain/case-state';
import type { CaseEvent, DerivedCase, ServiceState } from '../domain/case-state';
import { benefitsInputFor, decideBenefits } from '../domain/policy';
import type { Benefits } from '../domain/policy';
import { addMonthsCivil, shanghaiDate, shanghaiDateOfMs, toShanghaiIso } from '../domain/dates';
import {
  acceptanceSmsParams,
  agencyEvent,
  cancelCase,
  CaseSearchAttributes,
  correctCase,
  DEFAULT_REMINDER_LEAD_DAYS,
  getCaseState,
  HOUSEHOLD_REGISTRATION_DUE_MONTHS,
  requestCancellation,
  resolveService,
  supplyNewbornName,
} from './birth-case.contract';
import type {
  BirthCaseInput,
  BirthCaseState,
  CancelInput,
  CancelOutcome,
  CorrectionInput,
  CorrectionOutcome,
  ResolveInput,
} from './birth-case.contract';
import { applyCorrection, correctionRefusals, servicesAnswered } from './corrections';
import { CasePublisher } from './case-publication';
import { legacyBirthCase } from './legacy-v1';

/** The patch every case started since issue 9 carries; see README, "Versioning". */
export const CASE_V2_PATCH = 'case-v2';

export type EventInput = Omit<CaseEvent, 'seq' | 'at' | 'actor' | 'attempt' | 'outcome' | 'reason' | 'service'> &
  Partial<Pick<CaseEvent, 'actor' | 'attempt' | 'outcome' | 'reason' | 'service'>>;

export interface Journal {
  readonly events: CaseEvent[];
  /** THE journal: every event of the case goes through here (and what is published about it). */
  record(e: EventInput): void;
  derived(): DerivedCase;
  /** the status search attribute was set outside record() (the legacy start) */
  markPublished(status: string): void;
  /** where record() reads the application as it is now (for the publication) */
  bindApplication(current: () => CaseCreateRequest): void;
  /** publishes what this task recorded now: before the case returns or continues as new (no command may follow those) */
  flush(): void;
}

/**
 * Cases started since this patch keep a leaner history: they publish once per workflow task
 * (CasePublisher.flush), not at every journal entry, and upsert only the search attributes that changed.
 */
export const LEAN_HISTORY_PATCH = 'lean-history';

function createJournal(initial: CaseEvent[], publisher: CasePublisher | null, perTask = false): Journal {
  const events: CaseEvent[] = [...initial];
  const derived = (): DerivedCase => reduceCase(events);
  const start = initial.length > 0 ? derived() : null;
  let lastStatus = start?.status ?? '';
  let lastOverdue = start?.overdue ?? false;
  let application = (): CaseCreateRequest | null => null;
  if (publisher && perTask) {
    // The publication runs when the task's other work has settled: woken by the first entry a task records,
    // it publishes after the microtasks of that activation ran (see flush() for the points that cannot wait).
    // Outside every cancellation scope, so a cancelled case still publishes its compensation.
    void CancellationScope.nonCancellable(async () => {
      for (;;) {
        await condition(() => publisher.pending);
        publisher.flush();
      }
    });
  }
  const record = (e: EventInput): void => {
    events.push({
      seq: events.length + 1,
      at: toShanghaiIso(Date.now()),
      actor: e.actor ?? SYSTEM,
      action: e.action,
      service: e.service ?? null,
      attempt: e.attempt ?? null,
      outcome: e.outcome ?? 'ok',
      reason: e.reason ?? null,
      ...(e.data ? { data: e.data } : {}),
    });
    const now = derived();
    const current = application();
    // The memo and search attributes that serve reads without a worker (workflows/case-publication.ts).
    if (publisher && current && perTask) {
      publisher.stage(events, now, current); // the overdue mark included
      return;
    }
    if (publisher && current) publisher.publish(events, now, current);
    else if (now.status !== lastStatus) {
      lastStatus = now.status;
      upsertSearchAttributes([{ key: CaseSearchAttributes.status, value: now.status }]);
    }
    // The escalation's mark (the per-entry publication leaves it to the case); never set on the legacy path.
    if (now.overdue !== lastOverdue) {
      lastOverdue = now.overdue;
      upsertSearchAttributes([{ key: CaseSearchAttributes.overdue, value: now.overdue }]);
    }
  };
  return {
    events, record, derived,
    markPublished: (status) => { lastStatus = status; },
    bindApplication: (current) => { application = current; },
    flush: () => publisher?.flush(),
  };
}

export async function birthCaseWorkflow(input: BirthCaseInput): Promise<DerivedCase> {
  if (!input.resume && !patched(CASE_V2_PATCH)) {
    // Added after cases were running: the memo and search attributes that serve reads without a worker.
    const publisher = patched('case-publication') ? new CasePublisher(input) : null;
    return legacyBirthCase(input, createJournal([], publisher));
  }
  // Every case-v2 run publishes (the memo carries over a continue-as-new; the new run rewrites what changed).
  const resumed = input.resume?.events ?? [];
  const lean = patched(LEAN_HISTORY_PATCH);
  return runCase(input, createJournal(resumed, new CasePublisher(input, lean ? resumed.length : 0), lean));
}

/** What a submission to an agency came to, once any review or correction loop is over. */
type Outcome<T> = { ok: true; value: T; result: Record<string, unknown> } | { ok: false; reason: string };

/** Thrown by a waiting track when the case is about to continue as new: it resumes from the event log. */
class Suspended extends Error {}

const AGENCY_OF: Record<ServiceKey, CompensatingAgency> = {
  birthCertificate: 'healthCommission',
  vaccination: 'vaccination',
  household: 'publicSecurity',
  medicalInsurance: 'medicalSecurity',
  socialSecurityCard: 'humanResources',
};
const AGENCY_LABELS: Record<CompensatingAgency, string> = {
  healthCommission: '市卫生健康委', vaccination: '预防接种单位', publicSecurity: '市公安局', medicalSecurity: '市医保局', humanResources: '市人社局',
};
/** Compensation runs from the last service to the first. */
const COMPENSATION_ORDER: readonly ServiceKey[] = ['socialSecurityCard', 'medicalInsurance', 'household', 'vaccination', 'birthCertificate'];
const DAY_S = 86_400;
const MAX_REMEMBERED = 200;

const healthCommission = proxyActivities<Pick<AgencyActivities, 'issueBirthCertificate'>>(agencyActivityOptions.healthCommission);
const vaccinationAgency = proxyActivities<Pick<AgencyActivities, 'createVaccinationRecord'>>(agencyActivityOptions.vaccination);
const publicSecurity = proxyActivities<Pick<AgencyActivities, 'registerHousehold' | 'getHouseholdRegistration'>>(agencyActivityOptions.publicSecurity);
const medicalSecurity = proxyActivities<Pick<AgencyActivities, 'enrolMedicalInsurance'>>(agencyActivityOptions.medicalSecurity);
const humanResources = proxyActivities<Pick<AgencyActivities, 'applySocialSecurityCard' | 'getSocialSecurityCardStatus'>>(agencyActivityOptions.humanResources);
const smsGateway = proxyActivities<Pick<AgencyActivities, 'sendSms'>>(agencyActivityOptions.sms);
const compensation = proxyActivities<Pick<AgencyActivities, 'withdrawApplication' | 'notifyCaseCancelled'>>(compensationActivityOptions);

async function runCase(input: BirthCaseInput, journal: Journal): Promise<DerivedCase> {
  const { workflowId } = workflowInfo();
  const { events, record, derived } = journal;
  const settings = input.settings;
  const resume = input.resume;
  let application: CaseCreateRequest = resume?.application ?? input.application;
  journal.bindApplication(() => application);
  let cancelRequest: CancelInput | null = null;
  let cancelOutcome: CancelOutcome | null = null;
  let finished = false;
  /** per service: corrections that answered its notice, operator resolutions, agency callbacks */
  const reopened = counters();
  const resolutions: Partial<Record<ServiceKey, ResolveInput[]>> = {};
  const agencySignals = counters();
  const agencyEventIds: string[] = [...(resume?.agencyEventIds ?? [])];
  const appliedCorrections = new Map<string, CorrectionOutcome>(resume?.appliedCorrections ?? []);
  const maxHistoryEvents = settings.maxHistoryEvents ?? 2000;

  const stopping = (): boolean => cancelRequest !== null;
  const shouldContinueAsNew = (): boolean => !stopping() && (workflowInfo().historyLength > maxHistoryEvents || workflowInfo().continueAsNewSuggested);
  const requested = (key: ServiceKey): boolean => application.services.includes(key);
  const serviceState = (key: ServiceKey): ServiceState => derived().services[key];

  // --- benefits: decided at acceptance and again whenever their inputs change ---
  const benefitFacts = (): NonNullable<Parameters<typeof benefitsInputFor>[1]> => {
    const { services } = derived();
    const facts: NonNullable<Parameters<typeof benefitsInputFor>[1]> = application.grandparentsInLtc ? { grandparentsInLtc: application.grandparentsInLtc } : {};
    const regionCode = services.household.status === 'completed' ? services.household.result?.['regionCode'] : undefined;
    if (typeof regionCode === 'string') facts.childHukouRegionCode = regionCode;
    const enrolled = services.medicalInsurance.status === 'completed' ? services.medicalInsurance.result : undefined;
    // Once enrolled, the agency's premium figure is the one shown (one premium source).
    if (typeof enrolled?.['enrolledOn'] === 'string') {
      facts.enrolment = { registeredOn: enrolled['enrolledOn'], inJinan: true, ...(typeof enrolled['premium'] === 'number' ? { agencyPremiumYuan: enrolled['premium'] } : {}) };
    }
    return facts;
  };
  /** Records a decision when it differs from the last one (always, with `force`). */
  const decide = (why: string, force = false): void => {
    const benefits = decideBenefits(benefitsInputFor(application, benefitFacts()));
    if (!force && JSON.stringify(benefits) === JSON.stringify(derived().benefits)) return;
    record({ action: 'benefits.decided', reason: why, data: { benefits } });
  };

  // --- queries and messages ---
  setHandler(getCaseState, (): BirthCaseState => ({
    ...derived(),
    caseId: input.caseId,
    hospitalId: input.hospitalId,
    application,
    trackingSecretHash: input.trackingSecretHash,
    events,
  }));

  const correctionClock = () => {
    const acceptedAt = events[0]?.at ?? toShanghaiIso(Date.now());
    const daysSinceAcceptance = Math.max(0, Math.floor((Date.now() - Date.parse(acceptedAt)) / (DAY_S * 1000)));
    return { now: toShanghaiIso(Date.now()), maxAgeDays: (settings.maxChildAgeDays ?? 365) + daysSinceAcceptance };
  };
  setHandler(
    correctCase,
    (c: CorrectionInput): CorrectionOutcome => {
      const updateId = currentUpdateInfo()?.id;
      const earlier = updateId ? appliedCorrections.get(updateId) : undefined;
      if (earlier) return earlier; // a retried request (same idempotency key): applied once
      const paths = Object.keys(c.changes);
      const answers = servicesAnswered(paths, derived());
      application = applyCorrection(application, c.changes);
      for (const key of answers) reopened[key] += 1;
      record({ action: 'case.corrected', actor: c.actor, reason: c.note ?? null, data: { paths, answers } });
      decide('case corrected');
      const outcome: CorrectionOutcome = { applied: paths, resubmits: answers };
      if (updateId) remember(appliedCorrections, updateId, outcome);
      return outcome;
    },
    {
      validator: (c: CorrectionInput) => {
        const updateId = currentUpdateInfo()?.id;
        if (updateId && appliedCorrections.has(updateId)) return;
        const problems = correctionRefusals(c.changes, derived(), stopping(), application, correctionClock());
        if (problems.length > 0) throw new Error(problems.join('；'));
      },
    },
  );
  setHandler(
    supplyNewbornName,
    ({ name, actor }) => {
      application = applyCorrection(application, { 'newborn.name': name });
      record({ action: 'newborn.named', actor });
    },
    {
      validator: ({ name }) => {
        if (stopping() || isCaseClosed(derived().status)) throw new Error('办件已结束或已撤销');
        if (application.newborn.name) throw new Error('新生儿姓名已登记，如需更改请联系医院登记员');
        if (!name) throw new Error('姓名不能为空');
        const problems = correctionRefusals({ 'newborn.name': name }, derived(), false, application, correctionClock());
        if (problems.length > 0) throw new Error(problems.join('；'));
      },
    },
  );
  setHandler(agencyEvent, ({ service, type, eventId, actor }) => {
    if (agencyEventIds.includes(eventId)) return; // a redelivered callback, or the same decision by another path
    remember(agencyEventIds, eventId);
    agencySignals[service] += 1;
    record({ action: type, service, actor, reason: `agency event ${eventId}` });
  });
  setHandler(
    resolveService,
    (r: ResolveInput) => {
      (resolutions[r.service] ??= []).push(r);
      record({ action: 'service.resolved', service: r.service, actor: r.actor, reason: r.note, data: { resolution: r.action } });
      return { service: r.service, action: r.action };
    },
    {
      validator: (r: ResolveInput) => {
        if (stopping() || isCaseClosed(derived().status)) throw new Error('办件已结束或已撤销');
        if (!Object.hasOwn(AGENCY_OF, r.service)) throw new Error('没有这项服务');
        if (serviceState(r.service).status !== 'needs_attention') throw new Error(`「${serviceLabel(r.service)}」当前不需要人工处理`);
        if ((resolutions[r.service]?.length ?? 0) > handledResolutions[r.service]) throw new Error('已有一项处理正在进行');
      },
    },
  );
  const handledResolutions = counters();

  // Cancellation: an update (answered with what each agency was asked and said), the old signal, or a
  // Temporal cancel of the run; all three end in the same compensation.
  let work: CancellationScope | null = null;
  const startCancelling = (c: CancelInput): void => {
    cancelRequest = c;
    record({ action: 'case.cancel_requested', actor: c.actor, reason: c.reason });
    work?.cancel();
  };
  const cannotCancel = (): string | null => {
    if (finished || isCaseClosed(derived().status)) return '办件已结束，无法撤销';
    if (cancelRequest) return '办件已在撤销中';
    return null;
  };
  setHandler(
    requestCancellation,
    async (c: CancelInput): Promise<CancelOutcome> => {
      startCancelling(c);
      await condition(() => cancelOutcome !== null);
      return cancelOutcome as unknown as CancelOutcome;
    },
    {
      validator: (_c: CancelInput) => {
        const why = cannotCancel();
        if (why) throw new Error(why);
      },
    },
  );
  setHandler(cancelCase, (c: CancelInput) => {
    if (!cannotCancel()) startCancelling(c);
  });

  // --- helpers the tracks share ---

  /** Sends an SMS once per step (across runs); a failed message is recorded, never a reason to stop the case. */
  async function notify(template: SmsTemplate, step: string, params: Record<string, string>): Promise<void> {
    if (events.some((e) => e.action === 'notification.sent' && e.outcome === 'ok' && e.data?.['step'] === step)) return;
    try {
      await smsGateway.sendSms({ idempotencyKey: `${workflowId}:sms:${step}`, caseId: input.caseId, phone: application.mother.phone, template, params });
      record({ action: 'notification.sent', reason: template, data: { step } });
    } catch (err) {
      if (isCancellation(err)) throw err;
      record({ action: 'notification.sent', outcome: 'failed', reason: template, data: { step } });
    }
  }

  const unreachableMs = (settings.agencyUnreachableSeconds ?? 6 * 3600) * 1000;
  const agencyUnreachable = (key: ServiceKey): void => {
    const agency = AGENCY_LABELS[AGENCY_OF[key]];
    record({ action: 'service.agency_unreachable', service: key, outcome: 'pending', reason: `${agency}暂时无法连接，系统持续重试中`, data: { agency: AGENCY_OF[key] } });
    record({
      action: 'case.escalated', service: key, outcome: 'pending', reason: `「${serviceLabel(key)}」：${agency}长时间无应答，已上报督办`,
      data: { kind: 'agency_unreachable', level: 1, dueAt: null },
    });
  };
  /**
   * Awaits an agency call. If it has not answered within the configured time (the activity keeps
   * retrying), the service is shown as waiting on that agency and the case is escalated once.
   */
  async function watched<T>(key: ServiceKey, call: () => Promise<T>): Promise<T> {
    let settled = false;
    const running = call();
    void running.then(() => { settled = true; }, () => { settled = true; });
    if (!(await condition(() => settled, unreachableMs))) agencyUnreachable(key);
    return running;
  }

  /** The highest level of `kind` escalated for `key` since its status last changed. */
  function escalationLevel(key: ServiceKey, kind: string): number {
    let level = 0;
    for (const e of events) {
      if (e.service !== key) continue;
      if (e.action === 'case.escalated' && e.data?.['kind'] === kind) level = Math.max(level, Number(e.data['level'] ?? 1));
      else if (e.action.startsWith('service.') && e.action !== 'service.agency_unreachable' && e.action !== 'service.compensation') level = 0;
    }
    return level;
  }

  /** Escalates `key` (level 1, then 2) when `dueAt` passes; returns the next time to look again. */
  function escalateIfDue(key: ServiceKey, kind: 'review_overdue' | 'correction_due', dueAtMs: number, secondAfterMs: number, message: (level: number) => string): number {
    const level = escalationLevel(key, kind);
    const due = [dueAtMs, dueAtMs + secondAfterMs];
    if (level < 2 && Date.now() >= due[level]!) {
      record({
        action: 'case.escalated', service: key, outcome: 'pending', reason: message(level + 1),
        data: { kind, level: level + 1, dueAt: toShanghaiIso(due[level]!) },
      });
      return escalateIfDue(key, kind, dueAtMs, secondAfterMs, message);
    }
    return level < 2 ? due[level]! : Infinity;
  }

  /** Waits until `done`, a suspension for continue-as-new, or `untilMs`; throws Suspended in the second case. */
  async function waitFor(done: () => boolean, untilMs: number): Promise<boolean> {
    if (shouldContinueAsNew()) throw new Suspended();
    const timeout = untilMs === Infinity ? undefined : Math.max(1, untilMs - Date.now());
    const ok = await (timeout === undefined ? condition(() => done() || shouldContinueAsNew()).then(() => true) : condition(() => done() || shouldContinueAsNew(), timeout));
    if (ok && !done() && shouldContinueAsNew()) throw new Suspended();
    return ok && done();
  }

  /**
   * Waits on an agency that owes an answer (a review, a card): a callback wakes the case at once; else it
   * re-reads the agency at a growing interval (poll, 2×, 4× … up to the maximum). `seen` is the count of
   * callbacks taken before the agency was last read, so one that arrived since is not missed. Escalates
   * when `dueAtMs` passes. Returns when it is time to read the agency.
   */
  async function awaitAgency(key: ServiceKey, round: number, seen: number, escalation?: { dueAtMs: number; secondAfterMs: number; message: (level: number) => string }): Promise<void> {
    const baseMs = settings.agencyPollSeconds * 1000;
    const maxMs = (settings.agencyPollMaxSeconds ?? settings.agencyPollSeconds * 24) * 1000;
    const readAt = Date.now() + Math.min(maxMs, baseMs * 2 ** Math.min(round, 30));
    for (;;) {
      const escalateAt = escalation ? escalateIfDue(key, 'review_overdue', escalation.dueAtMs, escalation.secondAfterMs, escalation.message) : Infinity;
      const woken = await waitFor(() => agencySignals[key] > seen || stopping(), Math.min(readAt, escalateAt));
      if (woken || Date.now() >= readAt) return;
    }
  }

  const attemptKey = (key: ServiceKey, attempt: number): string => (attempt === 1 ? `${workflowId}:${key}` : `${workflowId}:${key}:r${attempt}`);

  interface Submission { idempotencyKey: string; attempt: number; resumed: ServiceState | null }

  /**
   * Runs one service until it is done, refused or closed. A correction notice waits for a correction that
   * answers it (until the notice's deadline, escalating a day before), then resubmits under a new key.
   * A failure nobody planned for leaves the service `needs_attention` until a person retries or closes it.
   * Resumes from the event log after a continue-as-new.
   */
  async function runService<T>(key: ServiceKey, submit: (s: Submission) => Promise<Outcome<T>>, valueOf: (result: Record<string, unknown>) => T): Promise<T | null> {
    if (!requested(key)) return null; // recorded as skipped at acceptance
    const initial = serviceState(key);
    if (initial.status === 'completed') return valueOf(initial.result ?? {});
    if (isTerminal(initial.status)) return null;
    let attempt = Math.max(1, initial.attempts);
    let phase: 'submit' | 'resume' | 'correction' | 'attention' =
      initial.status === 'pending' ? 'submit' : initial.status === 'needs_correction' ? 'correction' : initial.status === 'needs_attention' ? 'attention' : 'resume';
    for (;;) {
      if (stopping()) return null;
      if (phase === 'correction') {
        const answered = await awaitCorrection(key, attempt);
        if (!answered) {
          record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: '补正期限已过，申请退件' });
          return null;
        }
        attempt += 1;
        phase = 'submit';
        continue;
      }
      if (phase === 'attention') {
        const resolution = await awaitResolution(key);
        if (resolution.action === 'abandon') {
          record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: `经人工处理终止办理：${resolution.note}`, actor: resolution.actor });
          return null;
        }
        if (resolution.action === 'resubmit') attempt += 1;
        phase = 'submit';
        continue;
      }
      const resumed = phase === 'resume' ? serviceState(key) : null;
      if (!resumed) record({ action: 'service.submitted', service: key, attempt, outcome: 'pending' });
      try {
        const outcome = await submit({ idempotencyKey: attemptKey(key, attempt), attempt, resumed });
        if (outcome.ok) {
          record({ action: 'service.completed', service: key, attempt, data: { result: outcome.result } });
          await notify('service_completed', key, { service: serviceLabel(key) });
          return outcome.value;
        }
        record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: outcome.reason });
        return null;
      } catch (err) {
        if (isCancellation(err) || err instanceof Suspended) throw err;
        const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : null;
        if (failure?.type === AgencyFailureType.Refused) {
          const details = failure.details?.[0] as RefusalDetails | undefined;
          record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: details?.reason ?? '机构不予受理' });
          return null;
        }
        if (failure?.type === AgencyFailureType.CorrectionRequired) {
          const details = failure.details?.[0] as CorrectionDetails | undefined;
          const dueAt = details?.dueAt ?? toShanghaiIso(Date.now() + settings.correctionDueSeconds * 1000);
          record({ action: 'service.needs_correction', service: key, attempt, outcome: 'failed', reason: '补正告知', data: { items: details?.items ?? [], dueAt } });
          phase = 'correction';
          continue;
        }
        // Anything else (a protocol error, a malformed answer, a bug): the case lives on and says so.
        const cause = failure ?? (err instanceof ActivityFailure ? err.cause : err);
        const message = cause instanceof Error ? cause.message : String(cause);
        record({
          action: 'service.needs_attention', service: key, attempt, outcome: 'failed',
          reason: `${AGENCY_LABELS[AGENCY_OF[key]]}答复异常，需人工处理：${message.slice(0, 300)}`,
          data: { failureType: failure?.type ?? (cause instanceof Error ? cause.name : null) },
        });
        await notifyStaffOnly();
        phase = 'attention';
      }
    }
  }

  /** Nothing to send the parents for an internal fault: the clerk sees it on the case. */
  async function notifyStaffOnly(): Promise<void> {}

  /** Waits for a person's resolution of a service that needs attention. */
  async function awaitResolution(key: ServiceKey): Promise<ResolveInput> {
    await waitFor(() => (resolutions[key]?.length ?? 0) > handledResolutions[key] || stopping(), Infinity);
    if (stopping()) throw new CancelledFailure('case cancelled'); // the cancel scope normally throws first
    handledResolutions[key] += 1;
    return resolutions[key]![handledResolutions[key] - 1]!;
  }

  /** True when a correction answered the notice before its deadline; escalates a day before it. */
  async function awaitCorrection(key: ServiceKey, attempt: number): Promise<boolean> {
    const seen = reopened[key];
    const dueAt = serviceState(key).correction?.dueAt ?? toShanghaiIso(Date.now() + settings.correctionDueSeconds * 1000);
    const dueMs = Date.parse(dueAt);
    if (!events.some((e) => e.action === 'notification.sent' && e.data?.['step'] === `${key}:correction:${attempt}`)) {
      await notify('action_required', `${key}:correction:${attempt}`, { service: serviceLabel(key) });
    }
    const leadMs = (settings.correctionEscalationLeadSeconds ?? DAY_S) * 1000;
    for (;;) {
      const escalateAt = escalateIfDue(key, 'correction_due', dueMs - leadMs, Infinity, () => `「${serviceLabel(key)}」补正告知将于 ${dueAt} 到期，仍未补正，请尽快处理`);
      const answered = await waitFor(() => reopened[key] > seen || stopping(), Math.min(dueMs, escalateAt));
      if (answered) return !stopping();
      if (Date.now() >= dueMs) return false;
    }
  }

  /** A service whose prerequisite ended without a result cannot be done: say so for each one after it. */
  function skipAfter(dependency: ServiceKey, ...dependents: ServiceKey[]): void {
    if (stopping()) return;
    for (const key of dependents) {
      if (requested(key) && !isTerminal(serviceState(key).status)) record({ action: 'service.skipped', service: key, reason: `前置事项「${serviceLabel(dependency)}」未办结，无法办理` });
    }
  }

  /** Reminds the parents `leadDays` before a deadline (09:00 Shanghai time) if the service is still open then. */
  async function remindBefore(key: ServiceKey, dueOn: string, params: Record<string, string>): Promise<void> {
    const dueMs = Date.parse(`${dueOn}T23:59:59+08:00`);
    const leadDays = settings.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS;
    const remindMs = Date.parse(`${dueOn}T09:00:00+08:00`) - leadDays * 86_400_000;
    const open = (): boolean => !isTerminal(serviceState(key).status) && !stopping();
    if (!requested(key) || Date.now() >= dueMs) return;
    const closed = await waitFor(() => !open(), remindMs);
    if (!closed && open()) await notify('deadline_approaching', `reminder:${key}`, { ...params, dueOn });
  }

  function deadlineReminders(): Array<Promise<void>> {
    const birthDate = shanghaiDate(application.newborn.birthAt);
    const reminders = [remindBefore('household', addMonthsCivil(birthDate, HOUSEHOLD_REGISTRATION_DUE_MONTHS), { item: serviceLabel('household') })];
    const waiver = (derived().benefits as Benefits | null)?.premiumWaiver;
    if (waiver?.eligible) reminders.push(remindBefore('medicalInsurance', waiver.deadline, { item: '二孩三孩医保个人缴费补助（出生六个月内参保）' }));
    return reminders;
  }

  // --- the tracks ---

  async function vaccinationTrack(): Promise<void> {
    await runService('vaccination', async ({ idempotencyKey }) => {
      const r = await watched('vaccination', () => vaccinationAgency.createVaccinationRecord({
        idempotencyKey,
        caseId: input.caseId,
        hospitalId: input.hospitalId,
        newborn: { name: application.newborn.name ?? null, sex: application.newborn.sex, birthAt: application.newborn.birthAt },
        mother: { name: application.mother.name, idNumber: application.mother.idNumber, hukouRegionCode: application.mother.hukouRegionCode },
        dosesGiven: ['HepB-1', 'BCG'],
      }));
      return { ok: true, value: true, result: { certificateNumber: r.certificateNumber, nextDoses: r.nextDoses } };
    }, () => true);
  }

  async function registrationTrack(): Promise<void> {
    if (requested('birthCertificate') && !application.newborn.name && serviceState('birthCertificate').status === 'pending') {
      if (!events.some((e) => e.action === 'case.action_required')) record({ action: 'case.action_required', reason: '等待家长提供新生儿姓名' });
      await notify('action_required', 'newborn-name', { item: '新生儿姓名' });
      await waitFor(() => Boolean(application.newborn.name) || stopping(), Infinity);
      if (stopping()) return;
    }
    const certificate = await runService('birthCertificate', async ({ idempotencyKey }) => {
      const { newborn, mother, father } = application;
      const r = await watched('birthCertificate', () => healthCommission.issueBirthCertificate({
        idempotencyKey,
        caseId: input.caseId,
        hospitalId: input.hospitalId,
        newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt, birthWeightGrams: newborn.birthWeightGrams },
        mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
        father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
      }));
      return { ok: true, value: r, result: { certificateNumber: r.certificateNumber } };
    }, (result) => ({ certificateNumber: String(result['certificateNumber']) }));
    if (!certificate) return skipAfter('birthCertificate', 'household', 'medicalInsurance', 'socialSecurityCard');

    const household = await runService('household', async ({ idempotencyKey, resumed }) => {
      const { newborn, mother, father } = application;
      const register = (): Promise<HouseholdOutcome> => watched('household', () => publicSecurity.registerHousehold({
        idempotencyKey,
        caseId: input.caseId,
        birthCertificateNumber: certificate.certificateNumber,
        newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt },
        mother: { name: mother.name, idNumber: mother.idNumber, hukouRegionCode: mother.hukouRegionCode },
        father: father ? { name: father.name, idNumber: father.idNumber, hukouRegionCode: father.hukouRegionCode } : null,
        married: application.married,
        householdOf: application.householdOf,
      }));
      let seen = agencySignals.household;
      // After a continue-as-new the agency is read first: a decision may have come while the runs changed.
      let outcome: HouseholdOutcome = resumed?.status === 'under_review'
        ? await watched('household', () => publicSecurity.getHouseholdRegistration({ idempotencyKey }))
        : await register();
      if (serviceState('household').status !== 'under_review') {
        if (outcome.outcome === 'under_review') {
          record({
            action: 'service.under_review', service: 'household', outcome: 'pending', reason: outcome.reason,
            data: { review: { agency: 'publicSecurity', reason: outcome.reason, reviewId: outcome.reviewId }, dueAt: outcome.slaDueAt ?? null },
          });
          await notify('action_required', 'household-review', { service: serviceLabel('household') });
        }
      }
      // The review's due time: the agency's, else the configured default from when the review began.
      const reviewEvent = [...events].reverse().find((e) => e.action === 'service.under_review' && e.service === 'household');
      const agencyDue = reviewEvent?.data?.['dueAt'];
      const dueAtMs = typeof agencyDue === 'string' ? Date.parse(agencyDue) : Date.parse(reviewEvent?.at ?? toShanghaiIso(Date.now())) + (settings.reviewDueSeconds ?? 3 * DAY_S) * 1000;
      const secondAfterMs = settings.secondEscalationSeconds !== undefined ? settings.secondEscalationSeconds * 1000 : Math.max(1000, dueAtMs - Date.parse(reviewEvent?.at ?? toShanghaiIso(Date.now())));
      for (let round = 0; outcome.outcome === 'under_review' && !stopping(); round++) {
        await awaitAgency('household', round, seen, {
          dueAtMs, secondAfterMs,
          message: (level) => level === 1 ? '户口登记人工审核已超过办理时限，已提醒审核部门' : '户口登记人工审核严重超时，已上报上级督办',
        });
        if (stopping()) break;
        seen = agencySignals.household;
        outcome = await watched('household', () => publicSecurity.getHouseholdRegistration({ idempotencyKey }));
      }
      if (outcome.outcome === 'registered') return { ok: true, value: outcome, result: { citizenId: outcome.citizenId, regionCode: outcome.regionCode } };
      if (outcome.outcome === 'refused') return { ok: false, reason: outcome.reason };
      throw new CancelledFailure('case cancelled'); // cancelled while waiting: compensation takes it from here
    }, (result) => ({ outcome: 'registered' as const, citizenId: String(result['citizenId']), regionCode: String(result['regionCode']) }));
    if (!household) return skipAfter('household', 'medicalInsurance', 'socialSecurityCard');
    decide('household registered');

    const enrolment = await runService('medicalInsurance', async ({ idempotencyKey }) => {
      const r = await watched('medicalInsurance', () => medicalSecurity.enrolMedicalInsurance({
        idempotencyKey,
        caseId: input.caseId,
        childCitizenId: household.citizenId,
        childName: application.newborn.name ?? '',
        birthAt: application.newborn.birthAt,
        birthOrder: application.newborn.birthOrder,
        enrolledOn: shanghaiDateOfMs(Date.now()),
      }));
      return { ok: true, value: r, result: { enrolmentNumber: r.enrolmentNumber, enrolledOn: r.enrolledOn, premium: r.premium, waived: r.waived } };
    }, (result) => ({ enrolmentNumber: String(result['enrolmentNumber']) }));
    if (!enrolment) return skipAfter('medicalInsurance', 'socialSecurityCard');
    decide('medical insurance enrolled');

    await runService('socialSecurityCard', async ({ idempotencyKey, resumed }) => {
      const { delivery } = application;
      let status: SocialSecurityCardStatus;
      let seen = agencySignals.socialSecurityCard;
      if (typeof resumed?.result?.['applicationNumber'] === 'string') {
        // after a continue-as-new: read the card's state first (it may have been posted meanwhile)
        status = await watched('socialSecurityCard', () => humanResources.getSocialSecurityCardStatus({ idempotencyKey }));
      } else {
        status = await watched('socialSecurityCard', () => humanResources.applySocialSecurityCard({
          idempotencyKey,
          caseId: input.caseId,
          childCitizenId: household.citizenId,
          childName: application.newborn.name ?? '',
          enrolmentNumber: enrolment.enrolmentNumber,
          delivery: { method: delivery.method, address: delivery.address ?? null, recipient: delivery.recipient },
        }));
        // The card is made and posted days later; meanwhile the application number is already shown.
        record({ action: 'service.submitted', service: 'socialSecurityCard', outcome: 'pending', reason: '制卡中', data: { result: { applicationNumber: status.applicationNumber } } });
      }
      for (let round = 0; status.state === 'in_production' && !stopping(); round++) {
        await awaitAgency('socialSecurityCard', round, seen);
        if (stopping()) break;
        seen = agencySignals.socialSecurityCard;
        status = await watched('socialSecurityCard', () => humanResources.getSocialSecurityCardStatus({ idempotencyKey }));
      }
      if (status.state === 'posted') {
        return { ok: true, value: true, result: { applicationNumber: status.applicationNumber, cardNumber: status.cardNumber, trackingNumber: status.trackingNumber } };
      }
      if (status.state === 'stopped') return { ok: false, reason: '制卡已被机构终止' };
      throw new CancelledFailure('case cancelled');
    }, () => true);
  }

  // --- compensation: what each agency is asked, and what it answered ---

  function describeDocument(document: string | null): string {
    // The citizen ID is the child's: the audit names it by its last four characters only.
    return (document ?? '').replace(/\b(\d{6})\d{8}(\d{3}[\dX])\b/g, (_m, _region: string, tail: string) => `尾号${tail}`);
  }

  async function compensate(request: CancelInput): Promise<CancelOutcome> {
    const steps: CancelOutcome['steps'] = [];
    const state = derived();
    for (const key of COMPENSATION_ORDER) {
      const s = state.services[key];
      if (!requested(key) || s.status === 'skipped' || s.status === 'refused' || s.status === 'cancelled') continue;
      const agency = AGENCY_OF[key];
      const label = AGENCY_LABELS[agency];
      const idempotencyKey = attemptKey(key, Math.max(1, s.attempts));
      const req = { agency, idempotencyKey, caseId: input.caseId, reason: request.reason };
      if (s.status === 'pending') {
        record({ action: 'service.cancelled', service: key, actor: request.actor, reason: `尚未提交${label}，不再办理` });
        steps.push({ service: key, action: 'not_submitted', agencyAnswer: null });
        continue;
      }
      let issued: string | null = null;
      if (s.status !== 'completed') {
        let answer: WithdrawalAnswer;
        try {
          answer = await compensation.withdrawApplication(req);
        } catch (err) {
          const why = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
          record({ action: 'service.compensation', service: key, outcome: 'failed', reason: `已请求${label}撤回申请，未获答复（${why.slice(0, 200)}），需人工跟进`, data: { step: 'withdraw', agency } });
          record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
          steps.push({ service: key, action: 'failed', agencyAnswer: null });
          continue;
        }
        if (answer.outcome !== 'already_done') {
          const said = answer.outcome === 'withdrawn' ? '已撤回' : '未收到该申请，已关闭此申请编号';
          record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `已请求${label}撤回申请，机构答复：${said}（${answer.message}）`, data: { step: 'withdraw', agency, answer } });
          record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
          steps.push({ service: key, action: 'withdrawn', agencyAnswer: answer.message });
          continue;
        }
        issued = answer.document;
        record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `已请求${label}撤回申请，机构答复：已办结（${describeDocument(answer.document)}），无法撤回`, data: { step: 'withdraw', agency, answer: { ...answer, document: describeDocument(answer.document) } } });
      }
      // Issued and not reversible: the agency is told the case was cancelled, and the audit names the document.
      try {
        const notice = await compensation.notifyCaseCancelled(req);
        const document = describeDocument(notice.document ?? issued) || `「${serviceLabel(key)}」`;
        record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `${document}已签发，不可撤回；已通知${label}本办件已撤销，机构回执 ${notice.reference}`, data: { step: 'notify', agency, reference: notice.reference } });
        steps.push({ service: key, action: 'notified', agencyAnswer: notice.reference });
      } catch (err) {
        const why = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        record({ action: 'service.compensation', service: key, outcome: 'failed', reason: `「${serviceLabel(key)}」已签发；通知${label}办件撤销未获答复（${why.slice(0, 200)}），需人工跟进`, data: { step: 'notify', agency } });
        steps.push({ service: key, action: 'failed', agencyAnswer: null });
      }
    }
    record({ action: 'case.cancelled', actor: request.actor, reason: request.reason });
    return { status: 'cancelled', steps };
  }

  // --- the case ---
  if (!resume) {
    record({ action: 'case.accepted', actor: input.acceptedBy, data: { newbornNameMissing: !application.newborn.name } });
    decide('case accepted', true);
    for (const key of ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'] as const) {
      if (!requested(key)) record({ action: 'service.skipped', service: key, reason: '未申请此项' });
    }
  }

  // Everything that waits on agencies or people runs in one cancellable scope: a cancellation (update,
  // signal or Temporal cancel) ends it at once, even while an activity is being retried.
  work = new CancellationScope();
  const tracks = await work.run(async (): Promise<Array<PromiseSettledResult<void>>> => {
    try {
      if (!resume) await notify('case_accepted', 'accepted', acceptanceSmsParams(input));
    } catch (err) {
      return [{ status: 'rejected', reason: err }];
    }
    return Promise.allSettled([
      requested('vaccination') ? vaccinationTrack() : Promise.resolve(),
      registrationTrack(),
      ...deadlineReminders(),
    ]);
  });
  const unexpected = tracks.find((t) => t.status === 'rejected' && !isCancellation(t.reason) && !(t.reason instanceof Suspended));
  if (unexpected?.status === 'rejected') throw unexpected.reason; // a bug: the workflow task retries, the case waits
  if (!cancelRequest && tracks.some((t) => t.status === 'rejected' && isCancellation(t.reason))) {
    // Nobody asked through the case: the run itself was cancelled in Temporal.
    startCancelling({ reason: '系统取消了本办件的运行（Temporal 取消请求）', actor: SYSTEM });
  }

  return CancellationScope.nonCancellable(async () => {
    if (!cancelRequest && tracks.some((t) => t.status === 'rejected' && t.reason instanceof Suspended)) {
      // Past the history bound: carry the state, the audit and the pending work into a new run.
      await condition(() => allHandlersFinished() || cancelRequest !== null);
      if (!cancelRequest) {
        journal.flush();
        return continueAsNew<typeof birthCaseWorkflow>({
          ...input,
          application,
          resume: {
            events,
            application,
            agencyEventIds: agencyEventIds.slice(-MAX_REMEMBERED),
            appliedCorrections: [...appliedCorrections.entries()].slice(-MAX_REMEMBERED),
            runs: (resume?.runs ?? 0) + 1,
          },
        });
      }
    }
    if (cancelRequest) {
      cancelOutcome = await compensate(cancelRequest);
      finished = true;
      await condition(allHandlersFinished);
      journal.flush();
      return derived();
    }
    finished = true;
    const final = derived();
    record({ action: 'case.finished', outcome: final.status === 'completed' ? 'ok' : 'failed', reason: final.status });
    await notify('case_completed', 'finished', { status: final.status });
    await condition(allHandlersFinished);
    journal.flush();
    return derived();
  });
}

function counters(): Record<ServiceKey, number> {
  return { birthCertificate: 0, vaccination: 0, household: 0, medicalInsurance: 0, socialSecurityCard: 0 };
}

/** Keeps the latest MAX_REMEMBERED entries of an id list or map. */
function remember<V>(target: string[] | Map<string, V>, id: string, value?: V): void {
  if (Array.isArray(target)) {
    target.push(id);
    if (target.length > MAX_REMEMBERED) target.splice(0, target.length - MAX_REMEMBERED);
  } else {
    target.set(id, value as V);
    if (target.size > MAX_REMEMBERED) target.delete(target.keys().next().value as string);
  }
}
