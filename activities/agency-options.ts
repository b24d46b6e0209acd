// Each agency's activity options, declared once. PURE: the workflow imports this by value, so it may
// import only types from @temporalio/common and the pure contract in agency.types.ts.
// Business outcomes (refusal, correction) and protocol errors are never retried; transport trouble is
// retried with capped backoff and no attempt limit, because agencies come back (SMS alone gives up after 10 tries).
// startToCloseTimeout stays above the adapters' per-request timeout (DEFAULT_AGENCY_TIMEOUT_MS, 10 s).
import type { ActivityOptions, Duration } from '@temporalio/common';
import { AgencyFailureType, AgencyProtocolFailureType, type AgencyName } from './agency.types';

const NON_RETRYABLE_ERROR_TYPES = [AgencyFailureType.Refused, AgencyFailureType.CorrectionRequired, AgencyProtocolFailureType];

function agencyOptions(startToCloseTimeout: Duration, initialInterval: Duration, maximumInterval: Duration, maximumAttempts?: number): ActivityOptions {
  return {
    startToCloseTimeout,
    retry: {
      initialInterval, backoffCoefficient: 2, maximumInterval, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
      ...(maximumAttempts ? { maximumAttempts } : {}),
    },
  };
}

export const agencyActivityOptions: Record<AgencyName, ActivityOptions> = {
  healthCommission: agencyOptions('30 seconds', '1 second', '1 minute'),
  vaccination: agencyOptions('30 seconds', '1 second', '1 minute'),
  publicSecurity: agencyOptions('30 seconds', '1 second', '2 minutes'),
  medicalSecurity: agencyOptions('30 seconds', '1 second', '1 minute'),
  humanResources: agencyOptions('30 seconds', '1 second', '2 minutes'),
  // A message is worth a few minutes of retries, not a stalled case: after that the case records it as failed.
  sms: agencyOptions('20 seconds', '1 second', '30 seconds', 10),
};

/**
 * Compensation calls (withdraw, report a cancelled case): retried for about a quarter of an hour, then the
 * case records that the agency did not answer (never that it was told).
 */
export const compensationActivityOptions: ActivityOptions = agencyOptions('30 seconds', '1 second', '2 minutes', 12);
