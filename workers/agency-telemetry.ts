// Per-agency figures of the worker: every agency call's latency, outcome and retries, recorded on the
// SDK's own metric meter (so they leave through the same Prometheus endpoint as the SDK's metrics), and a
// pino line per call with the case id. Labels are agency, activity and outcome only: never a case id
// (unbounded) nor anything personal.
import type { Context as ActivityContext } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MetricMeter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type pino from 'pino';
import type { AgencyActivities, AgencyName } from '../activities/agency.types';
import { AgencyFailureType, AgencyProtocolFailureType } from '../activities/agency.types';
import { caseIdFromWorkflowId } from '../workflows/birth-case.contract';

/** Which agency each activity calls (the compensation activities name theirs in their input). */
export const ACTIVITY_AGENCY: Readonly<Record<Exclude<keyof AgencyActivities, 'withdrawApplication' | 'notifyCaseCancelled'>, AgencyName>> = {
  issueBirthCertificate: 'healthCommission',
  createVaccinationRecord: 'vaccination',
  registerHousehold: 'publicSecurity',
  getHouseholdRegistration: 'publicSecurity',
  enrolMedicalInsurance: 'medicalSecurity',
  applySocialSecurityCard: 'humanResources',
  getSocialSecurityCardStatus: 'humanResources',
  sendSms: 'sms',
};

export const AgencyMetricNames = {
  calls: 'birth_case_agency_calls',
  latency: 'birth_case_agency_call_latency',
  failures: 'birth_case_agency_failures',
  retries: 'birth_case_agency_retries',
} as const;

/** ok; the agency's business answers (refused, correction); failures (unavailable: retried; protocol_error, error: not). */
export type CallOutcome = 'ok' | 'refused' | 'correction' | 'unavailable' | 'protocol_error' | 'error';

export function callOutcome(err: unknown): CallOutcome {
  if (err instanceof ApplicationFailure) {
    if (err.type === AgencyFailureType.Refused) return 'refused';
    if (err.type === AgencyFailureType.CorrectionRequired) return 'correction';
    if (err.type === AgencyProtocolFailureType) return 'protocol_error';
  }
  if (err instanceof Error && err.name === 'AgencyUnavailableError') return 'unavailable';
  return 'error';
}

const FAILURES: ReadonlySet<CallOutcome> = new Set(['unavailable', 'protocol_error', 'error']);

export function agencyTelemetry(meter: MetricMeter, logger: pino.Logger): ActivityInterceptorsFactory {
  const calls = meter.createCounter(AgencyMetricNames.calls, '1', 'Agency calls by agency, activity and outcome');
  const latency = meter.createHistogram(AgencyMetricNames.latency, 'float', 'ms', 'Agency call latency by agency, activity and outcome');
  const failures = meter.createCounter(AgencyMetricNames.failures, '1', 'Agency calls that failed (unavailable, protocol error, other error)');
  const retries = meter.createCounter(AgencyMetricNames.retries, '1', 'Agency calls that were a retry (attempt > 1)');
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, attempt, workflowExecution } = ctx.info;
        const named = (input.args[0] as { agency?: unknown } | undefined)?.agency;
        const agency = (ACTIVITY_AGENCY as Record<string, AgencyName | undefined>)[activityType] ?? (typeof named === 'string' ? named : 'unknown');
        const tags = { agency, activity: activityType };
        const caseId = workflowExecution ? caseIdFromWorkflowId(workflowExecution.workflowId) : null;
        if (attempt > 1) retries.add(1, tags);
        const started = process.hrtime.bigint();
        let outcome: CallOutcome = 'ok';
        try {
          return await next(input);
        } catch (err) {
          outcome = callOutcome(err);
          throw err;
        } finally {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          calls.add(1, { ...tags, outcome });
          latency.record(ms, { ...tags, outcome });
          if (FAILURES.has(outcome)) failures.add(1, { ...tags, outcome });
          logger[FAILURES.has(outcome) ? 'warn' : 'info']({ caseId, workflowId: workflowExecution?.workflowId, agency, activity: activityType, attempt, outcome, ms }, 'agency call');
        }
      },
    },
  });
}
