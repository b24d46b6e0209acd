// The contract between the birth-case workflow and the agency adapters. Workflow code imports this
// file as types only. Every request carries an idempotency key derived from the workflow id and the
// step (`${workflowId}:household`, `${workflowId}:household:r2` after a correction), never from time.
import { z } from 'zod';
import { SERVICES } from '../domain/catalog';
import type { AgencyName, ServiceAgency } from '../domain/catalog';

export type Sex = 'M' | 'F';

export interface PersonRef {
  name: string;
  idNumber: string;
  hukouRegionCode: string;
}

export interface BirthCertificateRequest {
  idempotencyKey: string;
  caseId: string;
  hospitalId: string;
  newborn: { name: string; sex: Sex; birthAt: string; birthWeightGrams: number };
  mother: PersonRef;
  father: PersonRef | null;
}
export interface BirthCertificateResult { certificateNumber: string }

export interface VaccinationRequest {
  idempotencyKey: string;
  caseId: string;
  hospitalId: string;
  newborn: { name: string | null; sex: Sex; birthAt: string };
  mother: PersonRef;
  /** birth doses given in hospital */
  dosesGiven: Array<'HepB-1' | 'BCG'>;
}
export interface VaccinationResult {
  certificateNumber: string;
  nextDoses: Array<{ vaccine: string; dueOn: string }>;
}

export interface HouseholdRequest {
  idempotencyKey: string;
  caseId: string;
  birthCertificateNumber: string;
  newborn: { name: string; sex: Sex; birthAt: string };
  mother: PersonRef;
  father: PersonRef | null;
  married: boolean;
  householdOf: 'mother' | 'father';
}
/** Registered at once, or routed to an officer's manual review (decided later, see getHouseholdRegistration). */
export type HouseholdOutcome =
  | { outcome: 'registered'; citizenId: string; regionCode: string }
  | { outcome: 'under_review'; reviewId: string; reason: string; /** the agency's service-level due time for the decision */ slaDueAt?: string }
  | { outcome: 'refused'; reason: string };

export interface MedicalInsuranceRequest {
  idempotencyKey: string;
  caseId: string;
  childCitizenId: string;
  childName: string;
  birthAt: string;
  birthOrder: number;
  /** YYYY-MM-DD, Asia/Shanghai */
  enrolledOn: string;
}
export interface MedicalInsuranceResult {
  enrolmentNumber: string;
  enrolledOn: string;
  /** yuan, the yearly individual premium; null when the agency has not published that year's figure */
  premium: number | null;
  /** With `premium: null`: the year whose figure is not yet published, and the agency's sentence. */
  premiumNotPublished?: { year: number; message: string };
  waived: boolean;
}

export interface SocialSecurityCardRequest {
  idempotencyKey: string;
  caseId: string;
  childCitizenId: string;
  childName: string;
  enrolmentNumber: string;
  delivery: { method: 'ems' | 'pickup'; address: string | null; recipient: 'mother' | 'father' };
}
export type SocialSecurityCardStatus =
  | { state: 'in_production'; applicationNumber: string }
  | { state: 'posted'; applicationNumber: string; cardNumber: string; trackingNumber: string }
  /** production stopped by a withdrawal before the card was posted */
  | { state: 'stopped'; applicationNumber: string };

export interface SmsRequest {
  idempotencyKey: string;
  caseId: string;
  phone: string;
  template: SmsTemplate;
  params: Record<string, string>;
}
export type SmsTemplate =
  | 'case_accepted'
  | 'action_required'
  | 'service_completed'
  | 'case_completed'
  | 'deadline_approaching'
  /** a parent's sign-in code (issue 18; sent by the API, never by a workflow) */
  | 'sign_in_code';

/**
 * ApplicationFailure `type`s the adapters raise. Business outcomes are non-retryable; transport trouble
 * (5xx, timeouts, refused or dropped connections) is thrown as a plain retryable error.
 */
export const AgencyFailureType = {
  /** 不予受理: final refusal. details[0]: { agency, reason } */
  Refused: 'AgencyRefused',
  /** 补正告知: every wrong item at once. details[0]: { agency, items: [{path, message}], dueAt } */
  CorrectionRequired: 'AgencyCorrectionRequired',
} as const;

export interface CorrectionItem { path: string; message: string }
export interface CorrectionDetails { agency: string; items: CorrectionItem[]; dueAt: string | null }
/** The details of a correction notice as the workflow reads them off the failure (each part checked). */
export const CorrectionDetailsSchema = z.object({
  items: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  dueAt: z.string().nullable().optional(),
});
export interface RefusalDetails { agency: string; reason: string }
/** A refusal's details as the workflow reads them off the failure. */
export const RefusalDetailsSchema = z.object({ reason: z.string() });

/** What the worker registers; the workflow proxies these with each agency's retry policy. */
export interface AgencyActivities {
  issueBirthCertificate(req: BirthCertificateRequest): Promise<BirthCertificateResult>;
  createVaccinationRecord(req: VaccinationRequest): Promise<VaccinationResult>;
  registerHousehold(req: HouseholdRequest): Promise<HouseholdOutcome>;
  /** Re-reads a registration by its idempotency key: after a review decision, the ID issued. */
  getHouseholdRegistration(req: { idempotencyKey: string }): Promise<HouseholdOutcome>;
  enrolMedicalInsurance(req: MedicalInsuranceRequest): Promise<MedicalInsuranceResult>;
  applySocialSecurityCard(req: SocialSecurityCardRequest): Promise<SocialSecurityCardStatus>;
  getSocialSecurityCardStatus(req: { idempotencyKey: string }): Promise<SocialSecurityCardStatus>;
  sendSms(req: SmsRequest): Promise<{ messageId: string }>;
  /** Compensation: withdraws what the request with this key started (a review, a card in production). */
  withdrawApplication(req: CompensationRequest): Promise<WithdrawalAnswer>;
  /** Compensation: tells the agency that a case whose document it issued was cancelled. */
  notifyCaseCancelled(req: CompensationRequest): Promise<CancellationNoticeAnswer>;
}

/** The agencies that take compensation requests: those that carry a service (every one but the SMS gateway). */
export type CompensatingAgency = ServiceAgency;
export interface CompensationRequest {
  agency: CompensatingAgency;
  /** the idempotency key of the submission to withdraw or report on */
  idempotencyKey: string;
  caseId: string;
  reason: string;
}
/**
 * What the agency did with a withdrawal: `withdrawn` (the application stops: a review leaves the officer
 * queue, a card not yet posted is stopped), `already_done` (issued or posted before the withdrawal:
 * `document` names it), `not_received` (no application with this key; the key is closed so a late
 * submission is refused).
 */
export interface WithdrawalAnswer { outcome: 'withdrawn' | 'already_done' | 'not_received'; document: string | null; message: string }
export interface CancellationNoticeAnswer { acknowledged: true; reference: string; document: string | null }

// --- Added for the adapters and the mock agencies (issue 4) ---

// The six agencies (fault settings, callbacks, activity options, record counts): the catalog's.
export { AGENCY_NAMES, AgencyNameSchema, type AgencyName } from '../domain/catalog';

/** Each agency's path prefix at the gateway; the mock agencies serve the same paths. */
export const AGENCY_PATHS: Readonly<Record<AgencyName, string>> = {
  healthCommission: 'health-commission',
  vaccination: 'vaccination',
  publicSecurity: 'public-security',
  medicalSecurity: 'medical-security',
  humanResources: 'human-resources',
  sms: 'sms',
  exchange: 'exchange',
};

/**
 * The one desk of officers' manual reviews: household registration, decided at that service's agency
 * (the review desk, the officers' routes, the development sign-in and the review callback read it).
 */
export const REVIEW_DESK = { service: 'household', agency: SERVICES.household.agency } as const;

/**
 * Not a business outcome: the request or the answer broke the agency protocol (HTTP 400, 404, an
 * idempotency key reused with another payload (409), an answer of the wrong shape). A bug on one side;
 * retrying does not help, so adapters throw it non-retryable. details[0]: { agency, operation, status, code }
 */
export const AgencyProtocolFailureType = 'AgencyProtocolError' as const;
export interface ProtocolFailureDetails { agency: AgencyName; operation: string; status: number | null; code: string | null }
