// What the worker registers (createAgencyActivities) and what the API uses (createReviewDesk).
// Workflow code must not import this file by value: it pulls in fetch and the activity context.
import type { AgencyClientConfig } from './agency-http';
import type { AgencyActivities } from './agency.types';
import type { ExchangeActivities } from './exchange.types';
import type { FamilyRegistrationActivities } from './family-registration.types';
import { createCompensationAdapter } from './compensation.adapter';
import { createExchangeAdapter } from './exchange.adapter';
import { createHealthCommissionAdapter } from './health-commission.adapter';
import { createHumanResourcesAdapter } from './human-resources.adapter';
import { createMedicalSecurityAdapter } from './medical-security.adapter';
import { createPublicSecurityAdapter } from './public-security.adapter';
import { createSmsAdapter } from './sms.adapter';
import { createVaccinationAdapter } from './vaccination.adapter';

export function createAgencyActivities(config: AgencyClientConfig & { trackingKey?: string }): AgencyActivities & FamilyRegistrationActivities & ExchangeActivities {
  return {
    ...createHealthCommissionAdapter(config),
    ...createVaccinationAdapter(config),
    ...createPublicSecurityAdapter(config),
    ...createMedicalSecurityAdapter(config),
    ...createHumanResourcesAdapter(config),
    ...createSmsAdapter(config),
    ...createCompensationAdapter(config),
    ...createExchangeAdapter(config),
  };
}

export { AgencyUnavailableError, DEFAULT_AGENCY_TIMEOUT_MS, type AgencyClientConfig } from './agency-http';
export { agencyActivityOptions } from './agency-options';
export { createReviewDesk, ReviewDeskError, type PendingReview, type ReviewDecisionResult, type ReviewDesk, type ReviewDeskErrorCode } from './review-desk';
export * from './agency.types';
export * from './family-registration.types';
