// What a registration answers from outside: its state (query), the verdict (update), an amendment and a
// withdrawal (updates, refused by their validators when the registration is not open or the body is
// invalid), and a birth case linking it (signal).
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { changedFields, familyRegistrationRequestSchema, registrationClock } from '../../domain/family-registration';
import { toShanghaiIso } from '../../domain/dates';
import { toValidationIssues } from '../../domain/case.schemas';
import {
  amendRegistration, awaitRegistrationVerdict, getRegistrationState, REGISTRATION_NOT_READY, registrationCaseLinked, RegistrationConflictType,
  registrationConflictsOf, withdrawRegistration,
} from '../family-registration.contract';
import type { AmendInput, CaseLinkedInput, RegistrationState, RegistrationVerdict, WithdrawInput } from '../family-registration.contract';
import { healthCommission, type RegistrationRun } from './run';

export function setRegistrationHandlers(run: RegistrationRun): void {
  setHandler(getRegistrationState, (): RegistrationState => {
    if (!run.state) throw ApplicationFailure.create({ type: REGISTRATION_NOT_READY, message: '生育登记正在办理中', nonRetryable: true });
    return run.state;
  });
  setHandler(awaitRegistrationVerdict, async (): Promise<RegistrationVerdict> => {
    await condition(() => run.verdict !== null);
    return run.verdict as RegistrationVerdict;
  });
  setHandler(amendRegistration, (a: AmendInput) => amend(run, a), { validator: (a: AmendInput) => validateAmendment(run, a) });
  setHandler(withdrawRegistration, (w: WithdrawInput) => withdraw(run, w), { validator: (_w: WithdrawInput) => refuseUnlessOpen(run) });
  setHandler(registrationCaseLinked, (link: CaseLinkedInput) => {
    const known = run.links.some((l) => l.caseId === link.caseId) || run.state?.linkedCases.some((l) => l.caseId === link.caseId);
    if (!known) run.links.push(link);
  });
}

/** Refusals are ApplicationFailures: thrown from a handler (not only a validator) they fail the update, never the run. */
const refusal = (message: string): ApplicationFailure => ApplicationFailure.create({ type: 'RegistrationRefused', message, nonRetryable: true });

function refuseUnlessOpen(run: RegistrationRun): void {
  if (!run.state) throw refusal('生育登记正在办理中，请稍后再试');
  if (!run.open() || run.links.length > 0) throw refusal('生育登记已结束，不能再更改或撤回');
}

/** Amendments one registration takes (each a few history events; a family needs a handful). */
export const MAX_AMENDMENTS = 20;

function validateAmendment(run: RegistrationRun, { request }: AmendInput): void {
  refuseUnlessOpen(run);
  // Validators run only when an update arrives, never on replay: a limit here changes no recorded history.
  if (run.version >= MAX_AMENDMENTS) throw refusal(`登记信息最多修改${MAX_AMENDMENTS}次；如需再改，请撤回后重新登记`);
  const parsed = familyRegistrationRequestSchema({ now: toShanghaiIso(Date.now()) }).safeParse(request);
  if (!parsed.success) throw refusal(toValidationIssues(parsed.error).map((i) => i.message).join('；'));
  if (parsed.data.mother.idNumber !== run.state?.request.mother.idNumber) throw refusal('母亲身份证号码不能更改；如填写有误，请撤回后重新登记');
  if (changedFields(run.state.request, parsed.data).length === 0) throw refusal('登记信息没有变化');
}

async function amend(run: RegistrationRun, { request, actor }: AmendInput): Promise<RegistrationState> {
  return run.exclusive(async () => {
    const state = run.state as RegistrationState;
    refuseUnlessOpen(run); // it may have closed while this update waited its turn
    const fields = changedFields(state.request, request);
    run.version += 1;
    try {
      const answer = await healthCommission.amendFamilyRegistration({ idempotencyKey: run.key(`amend:${run.version}`), registrationNumber: state.registrationNumber, request });
      state.childrenOnRecord = answer.childrenOnRecord;
    } catch (err) {
      const conflicts = registrationConflictsOf(err);
      if (!conflicts) throw err;
      throw ApplicationFailure.create({ type: RegistrationConflictType, message: conflicts.map((c) => c.message).join('；'), details: conflicts, nonRetryable: true });
    }
    state.request = request;
    state.expiresAt = toShanghaiIso(registrationClock(request.expectedMonth, run.input.settings).expiresAtMs);
    run.record({ action: 'registration.amended', actor, fields });
    return state;
  });
}

async function withdraw(run: RegistrationRun, { reason, actor }: WithdrawInput): Promise<RegistrationState> {
  return run.exclusive(async () => {
    const state = run.state as RegistrationState;
    refuseUnlessOpen(run);
    await healthCommission.withdrawFamilyRegistration({ idempotencyKey: run.key('withdraw'), registrationNumber: state.registrationNumber, outcome: 'withdrawn', reason });
    state.status = 'withdrawn';
    run.record({ action: 'registration.withdrawn', actor, reason });
    return state;
  });
}
