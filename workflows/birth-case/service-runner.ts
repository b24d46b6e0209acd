// One service from submission to its end: the agency's answer, a correction notice and its deadline, a
// failure nobody planned for that waits for a person, and what it means for the services after it.
import { ActivityFailure, ApplicationFailure, CancelledFailure, isCancellation } from '@temporalio/workflow';
import { AgencyFailureType, CorrectionDetailsSchema, RefusalDetailsSchema } from '../../activities/agency.types';
import { agencyLabel, serviceAgency, serviceLabel, type ServiceKey } from '../../domain/catalog';
import { isTerminal, type ServiceState } from '../../domain/case-state';
import type { ServiceResultData } from '../../domain/case-log';
import { toShanghaiIso } from '../../domain/dates';
import type { ResolveInput } from '../birth-case.contract';
import { Suspended, type CaseRun } from './case-run';
import { escalateIfDue, notify, waitFor } from './waits';

const DAY_S = 86_400;

/** What a submission to an agency came to, once any review or correction loop is over. */
export type Outcome<T> = { ok: true; value: T; result: ServiceResultData } | { ok: false; reason: string };
export interface Submission { idempotencyKey: string; attempt: number; resumed: ServiceState | null }
type Phase = 'submit' | 'resume' | 'correction' | 'attention';

const phaseOf = (s: ServiceState): Phase =>
  s.status === 'pending' ? 'submit' : s.status === 'needs_correction' ? 'correction' : s.status === 'needs_attention' ? 'attention' : 'resume';

/**
 * Runs one service until it is done, refused or closed. A correction notice waits for a correction that
 * answers it (until the notice's deadline, escalating a day before), then resubmits under a new key.
 * A failure nobody planned for leaves the service `needs_attention` until a person retries or closes it.
 * Resumes from the event log after a continue-as-new.
 */
export async function runService<T>(run: CaseRun, key: ServiceKey, submit: (s: Submission) => Promise<Outcome<T>>, valueOf: (result: ServiceResultData) => T): Promise<T | null> {
  if (!run.requested(key)) return null; // recorded as skipped at acceptance
  const initial = run.serviceState(key);
  if (initial.status === 'completed') return valueOf(initial.result ?? {});
  if (isTerminal(initial.status)) return null;
  let attempt = Math.max(1, initial.attempts);
  let phase = phaseOf(initial);
  for (;;) {
    if (run.stopping()) return null;
    if (phase === 'correction') {
      if (!(await awaitCorrection(run, key, attempt))) {
        run.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: '补正期限已过，申请退件' });
        return null;
      }
      attempt += 1;
      phase = 'submit';
      continue;
    }
    if (phase === 'attention') {
      const resolution = await awaitResolution(run, key);
      if (resolution.action === 'abandon') {
        run.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason: `经人工处理终止办理：${resolution.note}`, actor: resolution.actor });
        return null;
      }
      if (resolution.action === 'resubmit') attempt += 1;
      phase = 'submit';
      continue;
    }
    // The submission is awaited here, not in a helper: an extra async layer would shift when the next
    // service's commands are issued relative to the other tracks', and recorded histories would not replay.
    const resumed = phase === 'resume' ? run.serviceState(key) : null;
    // Since patch cross-region the entries say where the service is handled (data.channel).
    const channel = run.channelOf(key);
    if (!resumed) run.record({ action: 'service.submitted', service: key, attempt, outcome: 'pending', ...(channel ? { data: { channel } } : {}) });
    try {
      const outcome = await submit({ idempotencyKey: run.attemptKey(key, attempt), attempt, resumed });
      if (!outcome.ok) return refused(run, key, attempt, outcome.reason);
      run.record({ action: 'service.completed', service: key, attempt, data: { result: outcome.result, ...(channel ? { channel } : {}) } });
      await notify(run, 'service_completed', key, { service: serviceLabel(key) });
      return outcome.value;
    } catch (err) {
      if (isCancellation(err) || err instanceof Suspended) throw err;
      const next = failedSubmission(run, key, attempt, err);
      if (!next) return null;
      phase = next;
    }
  }
}

function refused(run: CaseRun, key: ServiceKey, attempt: number, reason: string): null {
  run.record({ action: 'service.refused', service: key, attempt, outcome: 'rejected', reason });
  return null;
}

/** An agency's refusal ends the service; a correction notice waits for the clerk; anything else waits for a person. */
function failedSubmission(run: CaseRun, key: ServiceKey, attempt: number, err: unknown): 'correction' | 'attention' | null {
  // An agency's answer is an activity's failure; a submitter may also read one and raise its own (the 生育登记's conflicts).
  const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err instanceof ApplicationFailure ? err : null;
  if (failure?.type === AgencyFailureType.Refused) {
    const details = RefusalDetailsSchema.safeParse(failure.details?.[0]);
    return refused(run, key, attempt, details.data?.reason ?? '机构不予受理');
  }
  if (failure?.type === AgencyFailureType.CorrectionRequired) {
    const details = CorrectionDetailsSchema.safeParse(failure.details?.[0]).data;
    const dueAt = details?.dueAt ?? toShanghaiIso(Date.now() + run.settings.correctionDueSeconds * 1000);
    run.record({ action: 'service.needs_correction', service: key, attempt, outcome: 'failed', reason: '补正告知', data: { items: details?.items ?? [], dueAt } });
    return 'correction';
  }
  // Anything else (a protocol error, a malformed answer, a bug): the case lives on and says so; the clerk
  // sees it on the case (nothing is sent to the parents for an internal fault).
  const cause = failure ?? (err instanceof ActivityFailure ? err.cause : err);
  const message = cause instanceof Error ? cause.message : String(cause);
  // An item handled elsewhere (patch cross-region) is answered through the exchange: it names the exchange.
  const channel = run.channelOf(key);
  const agency = channel !== null && channel !== 'local' ? 'exchange' : serviceAgency(key);
  run.record({
    action: 'service.needs_attention', service: key, attempt, outcome: 'failed',
    reason: `${agencyLabel(agency)}答复异常，需人工处理：${message.slice(0, 300)}`,
    data: { failureType: failure?.type ?? (cause instanceof Error ? cause.name : null) },
  });
  return 'attention';
}

/** Waits for a person's resolution of a service that needs attention. */
async function awaitResolution(run: CaseRun, key: ServiceKey): Promise<ResolveInput> {
  await waitFor(run, () => run.resolutions[key].length > run.handledResolutions[key] || run.stopping(), Infinity);
  if (run.stopping()) throw new CancelledFailure('case cancelled'); // the cancel scope normally throws first
  run.handledResolutions[key] += 1;
  return run.resolutions[key][run.handledResolutions[key] - 1]!;
}

/** True when a correction answered the notice before its deadline; escalates a day before it. */
async function awaitCorrection(run: CaseRun, key: ServiceKey, attempt: number): Promise<boolean> {
  const seen = run.reopened[key];
  const dueAt = run.serviceState(key).correction?.dueAt ?? toShanghaiIso(Date.now() + run.settings.correctionDueSeconds * 1000);
  const dueMs = Date.parse(dueAt);
  if (!run.events.some((e) => e.action === 'notification.sent' && e.data?.step === `${key}:correction:${attempt}`)) {
    await notify(run, 'action_required', `${key}:correction:${attempt}`, { service: serviceLabel(key) });
  }
  const leadMs = (run.settings.correctionEscalationLeadSeconds ?? DAY_S) * 1000;
  const escalation = { dueAtMs: dueMs - leadMs, secondAfterMs: Infinity, message: () => `「${serviceLabel(key)}」补正告知将于 ${dueAt} 到期，仍未补正，请尽快处理` };
  for (;;) {
    const escalateAt = escalateIfDue(run, key, 'correction_due', escalation);
    const answered = await waitFor(run, () => run.reopened[key] > seen || run.stopping(), Math.min(dueMs, escalateAt));
    if (answered) return !run.stopping();
    if (Date.now() >= dueMs) return false;
  }
}

/** A service whose prerequisite ended without a result cannot be done: say so for each one after it. */
export function skipAfter(run: CaseRun, dependency: ServiceKey, ...dependents: ServiceKey[]): void {
  if (run.stopping()) return;
  for (const key of dependents) {
    if (run.requested(key) && !isTerminal(run.serviceState(key).status)) {
      run.record({ action: 'service.skipped', service: key, reason: `前置事项「${serviceLabel(dependency)}」未办结，无法办理` });
    }
  }
}
