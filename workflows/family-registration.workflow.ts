// The family registration (生育登记, issue 18): one workflow per registration, keyed by the mother's ID
// through a keyed hash (one open registration per mother; she may register again once it is closed).
// It asks the health commission to register; a conflict ends the run at once with the conflicts. Else the
// registration waits, for months: amendments and a withdrawal (updates, handlers.ts), a birth case linking
// it (signal → closed as born at the commission), or its lapse — the parents are reminded by SMS
// `reminderLeadDays` before, and at the end the commission is told it expired. Every change is in `audit`.
// Deterministic: every side effect is an activity; times are the workflow's clock.
import { allHandlersFinished, condition, isCancellation } from '@temporalio/workflow';
import { registrationClock } from '../domain/family-registration';
import { shanghaiDateOfMs, toShanghaiIso } from '../domain/dates';
import { SYSTEM } from '../domain/case-log';
import { registrationConflictsOf } from './family-registration.contract';
import type { FamilyRegistrationInput, RegistrationOutcome, RegistrationState, RegistrationVerdict } from './family-registration.contract';
import { setRegistrationHandlers } from './family-registration/handlers';
import { healthCommission, RegistrationRun, smsGateway } from './family-registration/run';

export async function familyRegistrationWorkflow(input: FamilyRegistrationInput): Promise<RegistrationOutcome> {
  const run = new RegistrationRun(input);
  setRegistrationHandlers(run);
  run.verdict = await register(run);
  if (run.verdict.registered) await untilClosed(run);
  await condition(allHandlersFinished);
  const { state } = run;
  return {
    registrationId: input.registrationId,
    status: state ? state.status : 'refused',
    registrationNumber: state?.registrationNumber ?? null,
    conflicts: run.verdict.registered ? [] : run.verdict.conflicts,
  };
}

/** The health commission's verdict: registered (the state starts), or the conflicts it found. */
async function register(run: RegistrationRun): Promise<RegistrationVerdict> {
  const { registrationId, request, actor, settings } = run.input;
  try {
    const answer = await healthCommission.registerFamily({ idempotencyKey: run.key('register'), registrationId, request });
    const now = toShanghaiIso(Date.now());
    run.state = {
      registrationId, registrationNumber: answer.registrationNumber, status: 'registered', request, childrenOnRecord: answer.childrenOnRecord,
      registeredAt: now, expiresAt: toShanghaiIso(registrationClock(request.expectedMonth, settings).expiresAtMs), linkedCases: [], audit: [],
    };
    run.record({ action: 'registration.registered', actor });
    return { registered: true, state: run.state };
  } catch (err) {
    const conflicts = registrationConflictsOf(err);
    if (conflicts === null) throw err;
    return { registered: false, conflicts };
  }
}

/** Waits for a linked birth, a withdrawal (the update closes it) or the lapse, reminding once before it. */
async function untilClosed(run: RegistrationRun): Promise<void> {
  const state = run.state as RegistrationState;
  while (state.status === 'registered') {
    const { expiresAtMs, remindAtMs } = registrationClock(state.request.expectedMonth, run.input.settings);
    state.expiresAt = toShanghaiIso(expiresAtMs);
    const version = run.version;
    const reminded = state.audit.some((e) => e.action === 'registration.reminded' && e.reason === state.expiresAt);
    const wakeAt = !reminded && Date.now() < remindAtMs ? remindAtMs : expiresAtMs;
    const woken = await condition(
      () => run.links.length > 0 || state.status !== 'registered' || run.version !== version,
      Math.max(1, wakeAt - Date.now()),
    );
    if (state.status !== 'registered' || run.version !== version) continue;
    if (run.links.length > 0) await run.exclusive(() => closeAsBorn(run, state));
    else if (!woken && wakeAt === remindAtMs) await remind(run, state, expiresAtMs);
    else if (!woken) await run.exclusive(() => expire(run, state));
  }
}

async function closeAsBorn(run: RegistrationRun, state: RegistrationState): Promise<void> {
  if (state.status !== 'registered') return;
  const link = run.links[0];
  if (!link) return;
  await healthCommission.closeFamilyRegistration({ idempotencyKey: run.key('born'), registrationNumber: state.registrationNumber, caseId: link.caseId, birthAt: link.birthAt });
  for (const l of run.links.splice(0)) {
    state.linkedCases.push({ caseId: l.caseId, at: l.at });
    run.record({ action: 'registration.case_linked', actor: SYSTEM, caseId: l.caseId });
  }
  state.status = 'born';
}

/** The reminder SMS to the mother; a message that fails is recorded, never a reason to stop. */
async function remind(run: RegistrationRun, state: RegistrationState, expiresAtMs: number): Promise<void> {
  const dueOn = shanghaiDateOfMs(expiresAtMs);
  let sent = true;
  try {
    await smsGateway.sendSms({
      idempotencyKey: run.key(`sms:reminder:${dueOn}`), caseId: state.registrationId, phone: state.request.mother.phone,
      template: 'deadline_approaching', params: { item: '生育登记', dueOn },
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    sent = false;
  }
  // `reason` names the lapse this reminder was for: an amendment that moves it reminds again.
  run.record({ action: 'registration.reminded', actor: SYSTEM, reason: state.expiresAt, ...(sent ? {} : { fields: ['sms.failed'] }) });
}

async function expire(run: RegistrationRun, state: RegistrationState): Promise<void> {
  if (state.status !== 'registered' || run.links.length > 0) return;
  await healthCommission.withdrawFamilyRegistration({
    idempotencyKey: run.key('expired'), registrationNumber: state.registrationNumber, outcome: 'expired', reason: '预产期后未办理出生登记，生育登记已过期',
  });
  state.status = 'expired';
  run.record({ action: 'registration.expired', actor: SYSTEM, reason: '预产期后未办理出生登记，生育登记已过期' });
}
