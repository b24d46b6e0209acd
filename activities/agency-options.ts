// Each agency's activity options, declared once. PURE: the workflow imports this by value, so it may
// import only types from @temporalio/common and the pure contract in agency.types.ts.
// Business outcomes (refusal, correction) and protocol errors are never retried; transport trouble is
// retried with capped backoff and no attempt limit, because agencies come back (SMS alone gives up after 10 tries).
// Each activity is one HTTP request: startToCloseTimeout (15 s) stays above the adapters' per-request timeout
// (AGENCY_TIMEOUT_MS, default 10 s, at most 12 s), and a request that waits heartbeats every 3 s
// (agency-http.ts) under a 10 s heartbeatTimeout: when a worker dies, its calls are retried elsewhere within
// seconds instead of after the whole timeout, and a cancelled case's in-flight request is aborted.
import type { ActivityOptions, Duration } from '@temporalio/common';
import { AgencyFailureType, AgencyProtocolFailureType, type AgencyName } from './agency.types';

const HEARTBEAT_TIMEOUT: Duration = '10 seconds';
const NON_RETRYABLE_ERROR_TYPES = [AgencyFailureType.Refused, AgencyFailureType.CorrectionRequired, AgencyProtocolFailureType];

function agencyOptions(startToCloseTimeout: Duration, initialInterval: Duration, maximumInterval: Duration, maximumAttempts?: number): ActivityOptions {
  return {
    startToCloseTimeout,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: {
      initialInterval, backoffCoefficient: 2, maximumInterval, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
      ...(maximumAttempts ? { maximumAttempts } : {}),
    },
  };
}

export const agencyActivityOptions: Record<AgencyName, ActivityOptions> = {
  healthCommission: agencyOptions('15 seconds', '1 second', '1 minute'),
  vaccination: agencyOptions('15 seconds', '1 second', '1 minute'),
  publicSecurity: agencyOptions('15 seconds', '1 second', '2 minutes'),
  medicalSecurity: agencyOptions('15 seconds', '1 second', '1 minute'),
  humanResources: agencyOptions('15 seconds', '1 second', '2 minutes'),
  // A message is worth a few minutes of retries, not a stalled case: after that the case records it as failed.
  sms: agencyOptions('15 seconds', '1 second', '30 seconds', 10),
  // Issue 19: the exchange to other places; like the agencies, retried until it comes back.
  exchange: agencyOptions('15 seconds', '1 second', '2 minutes'),
};

/**
 * Compensation calls (withdraw, report a cancelled case): retried for about a quarter of an hour, then the
 * case records that the agency did not answer (never that it was told).
 */
export const compensationActivityOptions: ActivityOptions = agencyOptions('15 seconds', '1 second', '2 minutes', 12);
