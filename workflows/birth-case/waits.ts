// How a case waits: on an agency call (shown and escalated when the agency stays silent), on an agency
// that owes an answer (re-read at a growing interval, woken by its callback), on a due time (escalated at
// two levels), and on anything at all while the history grows towards continue-as-new. And how it tells
// the parents (one SMS per step, across runs).
import { CancellationScope, condition, isCancellation, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { AgencyActivities, SmsTemplate } from '../../activities/agency.types';
import { agencyActivityOptions } from '../../activities/agency-options';
import { agencyLabel, serviceAgency, serviceLabel, type AgencyName, type ServiceKey } from '../../domain/catalog';
import type { EscalationKind } from '../../domain/case-log';
import { toShanghaiIso } from '../../domain/dates';
import { Suspended, type AgencyCall, type CaseRun } from './case-run';

const smsGateway = proxyActivities<Pick<AgencyActivities, 'sendSms'>>(agencyActivityOptions.sms);

/** Sends an SMS once per step (across runs); a failed message is recorded, never a reason to stop the case. */
export async function notify(run: CaseRun, template: SmsTemplate, step: string, params: Record<string, string>): Promise<void> {
  if (run.events.some((e) => e.action === 'notification.sent' && e.outcome === 'ok' && e.data?.step === step)) return;
  try {
    await smsGateway.sendSms({ idempotencyKey: `${run.workflowId}:sms:${step}`, caseId: run.input.caseId, phone: run.application.mother.phone, template, params });
    run.record({ action: 'notification.sent', reason: template, data: { step } });
  } catch (err) {
    if (isCancellation(err)) throw err;
    run.record({ action: 'notification.sent', outcome: 'failed', reason: template, data: { step } });
  }
}

function agencyUnreachable(run: CaseRun, key: ServiceKey, agency: AgencyName): void {
  const label = agencyLabel(agency);
  run.record({ action: 'service.agency_unreachable', service: key, outcome: 'pending', reason: `${label}暂时无法连接，系统持续重试中`, data: { agency } });
  run.record({
    action: 'case.escalated', service: key, outcome: 'pending', reason: `「${serviceLabel(key)}」：${label}长时间无应答，已上报督办`,
    data: { kind: 'agency_unreachable', level: 1, dueAt: null },
  });
}

/** Patch read-model-watch: the one watch's timer is cancelled when no agency call is left in flight. */
export const READ_MODEL_WATCH_PATCH = 'read-model-watch';

const unreachableMsOf = (run: CaseRun): number => (run.settings.agencyUnreachableSeconds ?? 6 * 3600) * 1000;

/**
 * Awaits an agency call. If it has not answered within the configured time (the activity keeps
 * retrying), the service is shown as waiting on that agency (the service's own, or the exchange that
 * carries it elsewhere) and the case is escalated once. Since patch read-model the case's one watch
 * (watchAgencyCalls) does the looking; before it, a timer per call.
 */
export async function watched<T>(run: CaseRun, key: ServiceKey, call: () => Promise<T>, agency: AgencyName = serviceAgency(key)): Promise<T> {
  if (run.readModel) return underWatch(run, { key, agency, sinceMs: Date.now(), reported: false }, call);
  const unreachableMs = unreachableMsOf(run);
  let settled = false;
  const running = call();
  void running.then(() => { settled = true; }, () => { settled = true; });
  if (!(await condition(() => settled, unreachableMs))) agencyUnreachable(run, key, agency);
  return running;
}

async function underWatch<T>(run: CaseRun, agencyCall: AgencyCall, call: () => Promise<T>): Promise<T> {
  run.agencyCalls.add(agencyCall);
  try {
    return await call();
  } finally {
    run.agencyCalls.delete(agencyCall);
  }
}

/** The calls not yet escalated, oldest first. */
const unreported = (run: CaseRun): AgencyCall[] => [...run.agencyCalls].filter((c) => !c.reported).sort((a, b) => a.sinceMs - b.sinceMs);

/**
 * The one watch over a case's agency calls (patch read-model), until `done`: a timer set for when the oldest
 * unanswered call will have waited the agency-unreachable time, kept while calls follow one another (a
 * case whose agencies answer at once starts one timer), and cancelled when none is left in flight (a case
 * waiting days between calls is never woken by it). When it fires, every call that has waited that long is
 * escalated once, and the watch is set for the next.
 */
export async function watchAgencyCalls(run: CaseRun, done: () => boolean): Promise<void> {
  if (run.quietWatch) return quietWatch(run, done);
  const limitMs = unreachableMsOf(run);
  // The first cases of patch read-model kept the timer when no call was left (woken every few hours while waiting days).
  const cancelWhenIdle = patched(READ_MODEL_WATCH_PATCH);
  while (!done()) {
    const oldest = unreported(run)[0];
    if (!oldest) {
      await condition(() => done() || unreported(run).length > 0);
      continue;
    }
    const dueMs = oldest.sinceMs + limitMs;
    if (Date.now() < dueMs) {
      await condition(() => done() || (cancelWhenIdle && unreported(run).length === 0), dueMs - Date.now());
      continue;
    }
    escalateOverdue(run, limitMs);
  }
}

/** Escalates, once each, the calls that have waited `limitMs` or longer. */
function escalateOverdue(run: CaseRun, limitMs: number): void {
  for (const c of unreported(run).filter((u) => Date.now() >= u.sinceMs + limitMs)) {
    c.reported = true;
    agencyUnreachable(run, c.key, c.agency);
  }
}

/**
 * The one watch since patch quiet-watch: one timer at a time, set when a call is in flight and none is,
 * for when the oldest unreported call will have waited the agency-unreachable time. Calls that end and
 * begin meanwhile leave it alone (a later call is due later), so a case whose agencies answer at once sets
 * it once. It is cancelled only when no call is in flight and a track pauses (on a timer or a person: the
 * wait may be long, and a cancel costs less than a wake-up). When it fires, the calls overdue are
 * escalated and it is set again for the oldest left. When the tracks settle, a set timer is left to lapse:
 * a timer pending when the run closes costs nothing.
 */
async function quietWatch(run: CaseRun, done: () => boolean): Promise<void> {
  const limitMs = unreachableMsOf(run);
  const idle = (): boolean => run.paused > 0 && unreported(run).length === 0;
  let timer: CancellationScope | null = null;
  let rang = false;
  while (!done()) {
    await condition(() => done() || rang || (timer ? idle() : unreported(run).length > 0));
    if (done()) return;
    if (timer && idle()) {
      timer.cancel();
      timer = null;
      continue;
    }
    rang = false;
    escalateOverdue(run, limitMs);
    const oldest = unreported(run)[0];
    if (oldest && !timer) timer = startTimer(oldest.sinceMs + limitMs, () => { rang = true; timer = null; });
  }
}

/** A timer in a scope of its own (cancelled with it, or with the case's work); `onFire` when it fires. */
function startTimer(atMs: number, onFire: () => void): CancellationScope {
  const scope = new CancellationScope();
  void scope.run(() => sleep(Math.max(1, atMs - Date.now()))).then(onFire, () => undefined);
  return scope;
}

/** The highest level of `kind` escalated for `key` since its status last changed. */
function escalationLevel(run: CaseRun, key: ServiceKey, kind: EscalationKind): number {
  let level = 0;
  for (const e of run.events) {
    if (e.service !== key) continue;
    if (e.action === 'case.escalated' && e.data.kind === kind) level = Math.max(level, e.data.level);
    else if (e.action.startsWith('service.') && e.action !== 'service.agency_unreachable' && e.action !== 'service.compensation') level = 0;
  }
  return level;
}

export interface Escalation { dueAtMs: number; secondAfterMs: number; message: (level: number) => string }

/** Escalates `key` (level 1, then 2) when its due time passes; returns the next time to look again. */
export function escalateIfDue(run: CaseRun, key: ServiceKey, kind: Exclude<EscalationKind, 'agency_unreachable'>, esc: Escalation): number {
  const level = escalationLevel(run, key, kind);
  const due = [esc.dueAtMs, esc.dueAtMs + esc.secondAfterMs];
  if (level < 2 && Date.now() >= due[level]!) {
    run.record({
      action: 'case.escalated', service: key, outcome: 'pending', reason: esc.message(level + 1),
      data: { kind, level: level + 1, dueAt: toShanghaiIso(due[level]!) },
    });
    return escalateIfDue(run, key, kind, esc);
  }
  return level < 2 ? due[level]! : Infinity;
}

/**
 * Waits until `done`, a suspension for continue-as-new, or `untilMs`; throws Suspended in the second case.
 * A track's wait counts as a pause (`run.paused`, for the watch); a deadline reminder's does not.
 */
export async function waitFor(run: CaseRun, done: () => boolean, untilMs: number, pause = true): Promise<boolean> {
  if (run.shouldContinueAsNew()) throw new Suspended();
  const timeout = untilMs === Infinity ? undefined : Math.max(1, untilMs - Date.now());
  if (pause) run.paused++;
  let ok: boolean;
  try {
    ok = await (timeout === undefined
      ? condition(() => done() || run.shouldContinueAsNew()).then(() => true)
      : condition(() => done() || run.shouldContinueAsNew(), timeout));
  } finally {
    if (pause) run.paused--;
  }
  if (ok && !done() && run.shouldContinueAsNew()) throw new Suspended();
  return ok && done();
}

/**
 * Waits on an agency that owes an answer (a review, a card): a callback wakes the case at once; else it
 * re-reads the agency at a growing interval (poll, 2×, 4× … up to the maximum). `seen` is the count of
 * callbacks taken before the agency was last read, so one that arrived since is not missed. Escalates
 * when the review's due time passes. Returns when it is time to read the agency.
 */
export async function awaitAgency(
  run: CaseRun, key: ServiceKey, round: number, seen: number, escalation?: Escalation, kind: 'review_overdue' | 'forward_overdue' = 'review_overdue',
): Promise<void> {
  const { settings } = run;
  const baseMs = settings.agencyPollSeconds * 1000;
  const maxMs = (settings.agencyPollMaxSeconds ?? settings.agencyPollSeconds * 24) * 1000;
  const readAt = Date.now() + Math.min(maxMs, baseMs * 2 ** Math.min(round, 30));
  for (;;) {
    const escalateAt = escalation ? escalateIfDue(run, key, kind, escalation) : Infinity;
    const woken = await waitFor(run, () => run.agencySignals[key] > seen || run.stopping(), Math.min(readAt, escalateAt));
    if (woken || Date.now() >= readAt) return;
  }
}
