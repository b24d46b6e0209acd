// What the case answers from outside: its state (query), corrections, the newborn's name, agency events,
// a person's resolution of a service that needs attention, and cancellation (update, old signal).
import { condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { isServiceKey, serviceLabel } from '../../domain/catalog';
import { isCaseClosed } from '../../domain/case-state';
import {
  agencyEvent, cancelCase, correctCase, getCaseState, requestCancellation, resolveService, supplyNewbornName,
} from '../birth-case.contract';
import type { AgencyEventInput, BirthCaseState, CancelInput, CancelOutcome, CorrectionInput, CorrectionOutcome, NewbornNameInput, ResolveInput } from '../birth-case.contract';
import { caseStateOf } from '../case-publication';
import { applyCorrection, correctionRefusals, servicesAnswered } from '../corrections';
import { remember, rememberOutcome, type CaseRun } from './case-run';

export function setCaseHandlers(run: CaseRun): void {
  setHandler(getCaseState, (): BirthCaseState => caseStateOf(run.input, run.application, run.events, run.derived()));
  setHandler(correctCase, (c: CorrectionInput) => applyCorrectionUpdate(run, c), { validator: (c: CorrectionInput) => validateCorrection(run, c) });
  setHandler(supplyNewbornName, (n: NewbornNameInput) => nameNewborn(run, n), { validator: (n: NewbornNameInput) => validateNewbornName(run, n) });
  setHandler(agencyEvent, (e: AgencyEventInput) => takeAgencyEvent(run, e));
  setHandler(resolveService, (r: ResolveInput) => takeResolution(run, r), { validator: (r: ResolveInput) => validateResolution(run, r) });
  setCancellationHandlers(run);
}

function applyCorrectionUpdate(run: CaseRun, c: CorrectionInput): CorrectionOutcome {
  const updateId = currentUpdateInfo()?.id;
  const earlier = updateId ? run.appliedCorrections.get(updateId) : undefined;
  if (earlier) return earlier; // a retried request (same idempotency key): applied once
  const paths = Object.keys(c.changes);
  const answers = servicesAnswered(paths, run.derived());
  run.application = applyCorrection(run.application, c.changes);
  for (const key of answers) run.reopened[key] += 1;
  run.record({ action: 'case.corrected', actor: c.actor, reason: c.note ?? null, data: { paths, answers } });
  run.decide('case corrected');
  const outcome: CorrectionOutcome = { applied: paths, resubmits: answers };
  if (updateId) rememberOutcome(run.appliedCorrections, updateId, outcome);
  return outcome;
}

function validateCorrection(run: CaseRun, c: CorrectionInput): void {
  const updateId = currentUpdateInfo()?.id;
  if (updateId && run.appliedCorrections.has(updateId)) return;
  const problems = correctionRefusals(c.changes, run.derived(), run.stopping(), run.application, run.correctionClock());
  if (problems.length > 0) throw new Error(problems.join('；'));
}

function nameNewborn(run: CaseRun, { name, actor }: NewbornNameInput): void {
  run.application = applyCorrection(run.application, { 'newborn.name': name });
  run.record({ action: 'newborn.named', actor });
}

function validateNewbornName(run: CaseRun, { name }: NewbornNameInput): void {
  if (run.stopping() || isCaseClosed(run.derived().status)) throw new Error('办件已结束或已撤销');
  if (run.application.newborn.name) throw new Error('新生儿姓名已登记，如需更改请联系医院登记员');
  if (!name) throw new Error('姓名不能为空');
  const problems = correctionRefusals({ 'newborn.name': name }, run.derived(), false, run.application, run.correctionClock());
  if (problems.length > 0) throw new Error(problems.join('；'));
}

function takeAgencyEvent(run: CaseRun, { service, type, eventId, actor }: AgencyEventInput): void {
  if (run.agencyEventIds.includes(eventId)) return; // a redelivered callback, or the same decision by another path
  remember(run.agencyEventIds, eventId);
  run.agencySignals[service] += 1;
  run.record({ action: type, service, actor, reason: `agency event ${eventId}` });
}

function takeResolution(run: CaseRun, r: ResolveInput): { service: ResolveInput['service']; action: ResolveInput['action'] } {
  run.resolutions[r.service].push(r);
  run.record({ action: 'service.resolved', service: r.service, actor: r.actor, reason: r.note, data: { resolution: r.action } });
  return { service: r.service, action: r.action };
}

function validateResolution(run: CaseRun, r: ResolveInput): void {
  if (run.stopping() || isCaseClosed(run.derived().status)) throw new Error('办件已结束或已撤销');
  if (!isServiceKey(r.service)) throw new Error('没有这项服务');
  if (run.serviceState(r.service).status !== 'needs_attention') throw new Error(`「${serviceLabel(r.service)}」当前不需要人工处理`);
  if (run.resolutions[r.service].length > run.handledResolutions[r.service]) throw new Error('已有一项处理正在进行');
}

/**
 * Cancellation: an update (answered with what each agency was asked and said), the old signal, or a
 * Temporal cancel of the run; all three end in the same compensation.
 */
function setCancellationHandlers(run: CaseRun): void {
  setHandler(
    requestCancellation,
    async (c: CancelInput): Promise<CancelOutcome> => {
      run.startCancelling(c);
      await condition(() => run.cancelOutcome !== null);
      return run.cancelOutcome ?? { status: 'cancelling', steps: [] };
    },
    {
      validator: (_c: CancelInput) => {
        const why = run.cannotCancel();
        if (why) throw new Error(why);
      },
    },
  );
  setHandler(cancelCase, (c: CancelInput) => {
    if (!run.cannotCancel()) run.startCancelling(c);
  });
}
