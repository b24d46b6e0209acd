// Compensation of a cancelled case, from the card back to the certificate: what is pending at an agency is
// withdrawn there, what was issued is reported to its agency, what was never submitted is closed. Every
// step records what the agency was asked and what it answered (or that it did not).
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { AgencyActivities, CompensationRequest, WithdrawalAnswer } from '../../activities/agency.types';
import { compensationActivityOptions } from '../../activities/agency-options';
import { agencyLabel, COMPENSATION_ORDER, serviceAgency, serviceLabel, type ServiceKey } from '../../domain/catalog';
import { citizenIdsAsTails } from '../../domain/masking';
import type { CancelInput, CancelOutcome } from '../birth-case.contract';
import type { CaseRun } from './case-run';
import { withdrawPendingForward } from './cross-region';

const compensation = proxyActivities<Pick<AgencyActivities, 'withdrawApplication' | 'notifyCaseCancelled'>>(compensationActivityOptions);

type Step = CancelOutcome['steps'][number];

/** The issued document as the audit names it: the child's citizen ID by its last four characters only. */
const describeDocument = (document: string | null): string => citizenIdsAsTails(document ?? '');
const failureText = (err: unknown): string => (err instanceof ActivityFailure && err.cause ? err.cause.message : String(err)).slice(0, 200);

export async function compensate(run: CaseRun, request: CancelInput): Promise<CancelOutcome> {
  const steps: Step[] = [];
  const state = run.derived();
  for (const key of COMPENSATION_ORDER) {
    const s = state.services[key];
    if (!s || !run.requested(key) || s.status === 'skipped' || s.status === 'refused' || s.status === 'cancelled') continue;
    const req: CompensationRequest = { agency: serviceAgency(key), idempotencyKey: run.attemptKey(key, Math.max(1, s.attempts)), caseId: run.input.caseId, reason: request.reason };
    if (s.status === 'pending') {
      run.record({ action: 'service.cancelled', service: key, actor: request.actor, reason: `尚未提交${agencyLabel(req.agency)}，不再办理` });
      steps.push({ service: key, action: 'not_submitted', agencyAnswer: null });
      continue;
    }
    // Since patch cross-region: an item handled in another place is withdrawn there through the exchange.
    if (s.channel && s.channel !== 'local') {
      steps.push(await compensateElsewhere(run, key, req, request));
      continue;
    }
    let issued: string | null = null;
    if (s.status !== 'completed') {
      const withdrawal = await withdraw(run, key, req, request);
      if (withdrawal.step) {
        steps.push(withdrawal.step);
        continue;
      }
      issued = withdrawal.issued;
    }
    steps.push(await reportIssued(run, key, req, issued));
  }
  run.record({ action: 'case.cancelled', actor: request.actor, reason: request.reason });
  return { status: 'cancelled', steps };
}

/**
 * An item of another place (or an inbound check): pending → withdrawn through the exchange; done → it
 * stays as issued there (Jinan's agencies never issued it, so none is told).
 */
async function compensateElsewhere(run: CaseRun, key: ServiceKey, req: CompensationRequest, request: CancelInput): Promise<Step> {
  const s = run.serviceState(key);
  if (s.status === 'completed') {
    run.record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `「${serviceLabel(key)}」已由办理地办结，不可撤回；本办件撤销不影响其效力`, data: { step: 'notify', agency: 'exchange' } });
    return { service: key, action: 'notified', agencyAnswer: null };
  }
  const withdrawal = s.forward ? await withdrawPendingForward(run, key, req.idempotencyKey, request.reason) : { ok: true, answer: null };
  run.record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
  return { service: key, action: withdrawal.ok ? 'withdrawn' : 'failed', agencyAnswer: withdrawal.answer };
}

/** Asks the agency to withdraw a pending application: the step it came to, or the document already issued. */
async function withdraw(run: CaseRun, key: ServiceKey, req: CompensationRequest, request: CancelInput): Promise<{ step: Step; issued?: never } | { step: null; issued: string | null }> {
  const label = agencyLabel(req.agency);
  let answer: WithdrawalAnswer;
  try {
    answer = await compensation.withdrawApplication(req);
  } catch (err) {
    run.record({ action: 'service.compensation', service: key, outcome: 'failed', reason: `已请求${label}撤回申请，未获答复（${failureText(err)}），需人工跟进`, data: { step: 'withdraw', agency: req.agency } });
    run.record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
    return { step: { service: key, action: 'failed', agencyAnswer: null } };
  }
  if (answer.outcome !== 'already_done') {
    const said = answer.outcome === 'withdrawn' ? '已撤回' : '未收到该申请，已关闭此申请编号';
    run.record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `已请求${label}撤回申请，机构答复：${said}（${answer.message}）`, data: { step: 'withdraw', agency: req.agency, answer } });
    run.record({ action: 'service.cancelled', service: key, actor: request.actor, reason: request.reason });
    return { step: { service: key, action: 'withdrawn', agencyAnswer: answer.message } };
  }
  run.record({
    action: 'service.compensation', service: key, outcome: 'ok', reason: `已请求${label}撤回申请，机构答复：已办结（${describeDocument(answer.document)}），无法撤回`,
    data: { step: 'withdraw', agency: req.agency, answer: { ...answer, document: describeDocument(answer.document) } },
  });
  return { step: null, issued: answer.document };
}

/** Issued and not reversible: the agency is told the case was cancelled, and the audit names the document. */
async function reportIssued(run: CaseRun, key: ServiceKey, req: CompensationRequest, issued: string | null): Promise<Step> {
  const label = agencyLabel(req.agency);
  try {
    const notice = await compensation.notifyCaseCancelled(req);
    const document = describeDocument(notice.document ?? issued) || `「${serviceLabel(key)}」`;
    run.record({ action: 'service.compensation', service: key, outcome: 'ok', reason: `${document}已签发，不可撤回；已通知${label}本办件已撤销，机构回执 ${notice.reference}`, data: { step: 'notify', agency: req.agency, reference: notice.reference } });
    return { service: key, action: 'notified', agencyAnswer: notice.reference };
  } catch (err) {
    run.record({ action: 'service.compensation', service: key, outcome: 'failed', reason: `「${serviceLabel(key)}」已签发；通知${label}办件撤销未获答复（${failureText(err)}），需人工跟进`, data: { step: 'notify', agency: req.agency } });
    return { service: key, action: 'failed', agencyAnswer: null };
  }
}
