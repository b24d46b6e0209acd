// 市公安局 public security: household (birth) registration and the child's citizen ID.
// registerHousehold answers `registered`, or `under_review` (unmarried parents, father absent, household
// parent's hukou outside Jinan): an officer decides later, a `review.decided` callback follows, and
// getHouseholdRegistration then answers `registered` or `refused` (the review's rejection is a result,
// not a failure). Replaying registerHousehold with the same key repeats its first answer.
// Failures: AgencyCorrectionRequired (names, parents' IDs malformed or unknown to the register, certificate
// number malformed, household parent not given) · AgencyRefused (household parent's record cancelled;
// the certificate already used) · AgencyProtocolError (get: no registration with that key) ·
// AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, keyPath, type AgencyClientConfig } from './agency-http';
import type { HouseholdOutcome, HouseholdRequest } from './agency.types';

export interface PublicSecurityAdapter {
  registerHousehold(req: HouseholdRequest): Promise<HouseholdOutcome>;
  getHouseholdRegistration(req: { idempotencyKey: string }): Promise<HouseholdOutcome>;
}

export const HouseholdOutcomeSchema: z.ZodType<HouseholdOutcome> = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('registered'), citizenId: z.string().regex(/^\d{17}[\dX]$/), regionCode: z.string().regex(/^\d{6}$/) }),
  z.object({ outcome: z.literal('under_review'), reviewId: z.string().min(1), reason: z.string(), slaDueAt: z.iso.datetime({ offset: true }).optional() }),
  z.object({ outcome: z.literal('refused'), reason: z.string() }),
]);

export function createPublicSecurityAdapter(config: AgencyClientConfig): PublicSecurityAdapter {
  const client = agencyClient('publicSecurity', config);
  return {
    registerHousehold: (req) =>
      client.call(
        { operation: 'registerHousehold', method: 'POST', path: 'public-security/household-registrations', idempotencyKey: req.idempotencyKey, body: req },
        HouseholdOutcomeSchema,
      ),
    getHouseholdRegistration: ({ idempotencyKey }) =>
      client.call(
        { operation: 'getHouseholdRegistration', method: 'GET', path: keyPath('public-security/household-registrations', idempotencyKey), idempotencyKey },
        HouseholdOutcomeSchema,
      ),
  };
}
