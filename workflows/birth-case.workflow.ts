// The birth "one-thing" case: one workflow per newborn carries the five services across the agencies.
// birthCertificate → household → medicalInsurance → socialSecurityCard, with vaccination alongside.
// Deterministic and small: every side effect is an activity; the state is the event log (domain/case-log.ts,
// reduced by domain/case-state.ts), and the journal (birth-case/journal.ts) is the one way every entry goes.
// This file is the story; what a run holds, its handlers, waits, tracks and compensation are in birth-case/.
//
// Since patch `case-v2` (issue 9) no case dies: an agency answer nobody planned for leaves the service
// `needs_attention` until a clerk retries or closes it; cancellation is an update that withdraws what is
// pending at each agency and reports to the agencies what was issued; corrections wake only the service
// whose notice they answer; an unanswered review or correction notice escalates; a case waiting on an
// agency re-reads it ever less often and continues as new past a set history size. Cases started before
// the patch run on in legacy-v1.ts.
import { allHandlersFinished, CancellationScope, condition, continueAsNew, isCancellation, patched } from '@temporalio/workflow';
import { SYSTEM } from '../domain/case-state';
import type { DerivedCase } from '../domain/case-state';
import type { PolicyRules } from '../domain/policy';
import { acceptanceSmsParams } from './birth-case.contract';
import type { BirthCaseInput } from './birth-case.contract';
import { CasePublisher } from './case-publication';
import { legacyBirthCase } from './legacy-v1';
import { CaseRun, MAX_REMEMBERED, Suspended, type CaseFlags } from './birth-case/case-run';
import { compensate } from './birth-case/compensation';
import { setCaseHandlers } from './birth-case/handlers';
import { createJournal } from './birth-case/journal';
import { deadlineReminders } from './birth-case/reminders';
import { registrationTrack, vaccinationTrack } from './birth-case/tracks';
import { notify, watchAgencyCalls } from './birth-case/waits';

export type { EventInput, Journal } from './birth-case/journal';

/** The patch every case started since issue 9 carries; see README, "Versioning". */
export const CASE_V2_PATCH = 'case-v2';
/**
 * Cases started since this patch keep a leaner history: they publish once per workflow task
 * (CasePublisher.flush), not at every journal entry, and upsert only the search attributes that changed.
 */
export const LEAN_HISTORY_PATCH = 'lean-history';

/**
 * Cases started since this patch decide by the policy readings of issue 22 (POLICY_READINGS): Civil Code
 * art. 203 for deadlines that end on a rest day, the family summary in full, twins as one family.
 */
export const POLICY_READINGS_PATCH = 'policy-readings';
export const POLICY_READINGS: PolicyRules = { restDays: true, fullSummary: true, familyChildren: true };

/**
 * Cases started since this patch have the 生育登记 (issue 18) in their bundle: their acceptance names the
 * bundle (`case.accepted` data.bundle), and the registration chain begins with it. Cases started before
 * never see it: no bundle on their acceptance, so the reducer and the views leave it out.
 */
export const FAMILY_REGISTRATION_PATCH = 'family-registration';

/**
 * Cases started since this patch handle each item where it belongs (issue 19, 异地通办): a household outside
 * Jinan, insurance at home, a child born elsewhere go through the exchange (birth-case/cross-region.ts), and
 * every service's entries say its channel. Cases started before handle everything here, as they did.
 */
export const CROSS_REGION_PATCH = 'cross-region';

/**
 * Cases started since this patch (issue 21) are read from the read model, which the workflow keeps through
 * a sink (no history event): they no longer upsert their memo and search attributes (the memo and
 * attributes the API set at start stay as they were), and one timer watches all of their agency calls for
 * an agency that stays silent, instead of one timer per call. Their history carries what the orchestration
 * needs. Cases started before keep publishing as they did. Until patch quiet-watch it was the one patch a
 * new case asked for: it implies every earlier one (one marker in the history instead of six).
 */
export const READ_MODEL_PATCH = 'read-model';

/**
 * Cases started since this patch (issue 21) keep the one watch's timer while their agency calls follow one
 * another: it is cancelled only when nothing is in flight and a track pauses (waits.ts quietWatch). Under
 * patch read-model-watch it was started and cancelled around every gap between calls. It is the one patch
 * a new case asks for: it implies read-model, read-model-watch and every earlier one.
 */
export const QUIET_WATCH_PATCH = 'quiet-watch';

export async function birthCaseWorkflow(input: BirthCaseInput): Promise<DerivedCase> {
  // Asked first, newest first: in a case started before a patch it answers false and records nothing.
  const quietWatch = input.resume ? input.resume.quietWatch === true : patched(QUIET_WATCH_PATCH);
  const readModel = quietWatch || (input.resume ? input.resume.readModel === true : patched(READ_MODEL_PATCH));
  if (readModel) {
    const resumed = input.resume?.events ?? [];
    return runCase(input, createJournal(resumed, new CasePublisher(input, resumed.length, true), true), caseFlags(input, true, quietWatch));
  }
  if (!input.resume && !patched(CASE_V2_PATCH)) {
    // Added after cases were running: the memo and search attributes that serve reads without a worker.
    const publisher = patched('case-publication') ? new CasePublisher(input) : null;
    return legacyBirthCase(input, createJournal([], publisher));
  }
  // Every case-v2 run publishes (the memo carries over a continue-as-new; the new run rewrites what changed).
  const resumed = input.resume?.events ?? [];
  const lean = patched(LEAN_HISTORY_PATCH);
  return runCase(input, createJournal(resumed, new CasePublisher(input, lean ? resumed.length : 0), lean), caseFlags(input, false, false));
}

/**
 * A continued case keeps what it started with; a new case under patch read-model has every earlier patch;
 * one before it asks each patch, in the order it always did.
 */
function caseFlags(input: BirthCaseInput, readModel: boolean, quietWatch: boolean): CaseFlags {
  const { resume } = input;
  if (resume) return { rules: resume.policyRules, familyRegistration: resume.familyRegistration === true, crossRegion: resume.crossRegion === true, readModel, quietWatch };
  if (readModel) return { rules: POLICY_READINGS, familyRegistration: true, crossRegion: true, readModel, quietWatch };
  const rules = patched(POLICY_READINGS_PATCH) ? POLICY_READINGS : undefined;
  const familyRegistration = patched(FAMILY_REGISTRATION_PATCH);
  return { rules, familyRegistration, crossRegion: patched(CROSS_REGION_PATCH), readModel, quietWatch };
}

type Tracks = Array<PromiseSettledResult<void>>;

/** The case: accepted, its tracks run until done, cancelled or suspended, then finished accordingly. */
async function runCase(input: BirthCaseInput, journal: ReturnType<typeof createJournal>, flags: CaseFlags): Promise<DerivedCase> {
  const run = new CaseRun(input, journal, flags);
  setCaseHandlers(run);
  if (!input.resume) accept(run);
  const tracks = await runTracks(run);
  const unexpected = tracks.find((t) => t.status === 'rejected' && !isCancellation(t.reason) && !(t.reason instanceof Suspended));
  if (unexpected?.status === 'rejected') throw unexpected.reason; // a bug: the workflow task retries, the case waits
  if (!run.cancelRequest && tracks.some((t) => t.status === 'rejected' && isCancellation(t.reason))) {
    // Nobody asked through the case: the run itself was cancelled in Temporal.
    run.startCancelling({ reason: '系统取消了本办件的运行（Temporal 取消请求）', actor: SYSTEM });
  }
  return CancellationScope.nonCancellable(() => finish(run, tracks));
}

/** Acceptance: the entry, the first benefit decision, and the services not asked for. */
function accept(run: CaseRun): void {
  const bundle = run.familyRegistration ? { bundle: [...run.bundle] } : {};
  run.record({ action: 'case.accepted', actor: run.input.acceptedBy, data: { newbornNameMissing: !run.application.newborn.name, ...bundle } });
  run.decide('case accepted', true);
  for (const key of run.bundle) {
    if (!run.requested(key)) run.record({ action: 'service.skipped', service: key, reason: '未申请此项' });
  }
}

/**
 * Everything that waits on agencies or people runs in one cancellable scope: a cancellation (update,
 * signal or Temporal cancel) ends it at once, even while an activity is being retried.
 */
function runTracks(run: CaseRun): Promise<Tracks> {
  run.work = new CancellationScope();
  return run.work.run(async (): Promise<Tracks> => {
    try {
      if (!run.input.resume) await notify(run, 'case_accepted', 'accepted', acceptanceSmsParams(run.input));
    } catch (err) {
      return [{ status: 'rejected', reason: err }];
    }
    const tracks = Promise.allSettled([
      run.requested('vaccination') ? vaccinationTrack(run) : Promise.resolve(),
      registrationTrack(run),
      ...deadlineReminders(run),
    ]);
    return run.readModel ? watchedUntilSettled(run, tracks) : tracks;
  });
}

/** The tracks, with the one watch over their agency calls (patch read-model) running until they settle. */
async function watchedUntilSettled(run: CaseRun, tracks: Promise<Tracks>): Promise<Tracks> {
  let settled = false;
  const [done, watch] = await Promise.all([tracks.finally(() => { settled = true; }), Promise.allSettled([watchAgencyCalls(run, () => settled)])]);
  return [...done, ...watch];
}

/** Continue as new past the history bound, compensate a cancellation, or close the case. */
async function finish(run: CaseRun, tracks: Tracks): Promise<DerivedCase> {
  if (!run.cancelRequest && tracks.some((t) => t.status === 'rejected' && t.reason instanceof Suspended)) {
    await condition(() => allHandlersFinished() || run.cancelRequest !== null);
    if (!run.cancelRequest) return continueAsNewFrom(run);
  }
  if (run.cancelRequest) {
    run.cancelOutcome = await compensate(run, run.cancelRequest);
    run.finished = true;
    await condition(allHandlersFinished);
    run.journal.flush();
    return run.derived();
  }
  run.finished = true;
  const final = run.derived();
  run.record({ action: 'case.finished', outcome: final.status === 'completed' ? 'ok' : 'failed', reason: final.status });
  await notify(run, 'case_completed', 'finished', { status: final.status });
  await condition(allHandlersFinished);
  run.journal.flush();
  return run.derived();
}

/** Past the history bound: carry the state, the audit and the pending work into a new run. */
function continueAsNewFrom(run: CaseRun): Promise<never> {
  run.journal.flush();
  return continueAsNew<typeof birthCaseWorkflow>({
    ...run.input,
    application: run.application,
    resume: {
      events: run.events,
      application: run.application,
      agencyEventIds: run.agencyEventIds.slice(-MAX_REMEMBERED),
      appliedCorrections: [...run.appliedCorrections.entries()].slice(-MAX_REMEMBERED),
      runs: (run.input.resume?.runs ?? 0) + 1,
      ...(run.policyRules ? { policyRules: run.policyRules } : {}),
      ...(run.familyRegistration ? { familyRegistration: true } : {}),
      ...(run.crossRegion ? { crossRegion: true } : {}),
      ...(run.readModel ? { readModel: true } : {}),
      ...(run.quietWatch ? { quietWatch: true } : {}),
    },
  });
}
