// Everything outside code needs to talk to the birth-case workflow: task queue, ids, messages, payloads.
// The API, the worker and the tests import these; nobody retypes a string.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Sinks } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
import type { Actor, CaseEvent, DerivedCase } from '../domain/case-state';
import type { EarlierServiceKey } from '../domain/catalog';
import type { PolicyRules } from '../domain/policy';

export const BIRTH_CASE_TASK_QUEUE = 'birth-case';
export const BIRTH_CASE_WORKFLOW_TYPE = 'birthCaseWorkflow';
const WORKFLOW_ID_PREFIX = 'birth-case-';

export const birthCaseWorkflowId = (caseId: string): string => `${WORKFLOW_ID_PREFIX}${caseId}`;
export const caseIdFromWorkflowId = (workflowId: string): string | null =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : null;

/**
 * Search attributes the workflow keeps current (workflows/case-publication.ts); `npm start` and the tests
 * register every one of these. Listing and counting read them through Temporal's visibility.
 */
export const CaseSearchAttributes = {
  hospitalId: defineSearchAttributeKey('BirthCaseHospitalId', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('BirthCaseStatus', SearchAttributeType.KEYWORD),
  bornOn: defineSearchAttributeKey('BirthCaseBornOn', SearchAttributeType.DATETIME),
  /** whom the case waits on now, any of WAITING_ON (a case may wait on an officer and an agency at once); empty once closed */
  waitingOn: defineSearchAttributeKey('BirthCaseWaitingOn', SearchAttributeType.KEYWORD_LIST),
  /** true while some service is escalated: a review past its due time, a correction deadline a day away, an agency unreachable (set by record() from the reducer's `overdue`) */
  overdue: defineSearchAttributeKey('BirthCaseOverdue', SearchAttributeType.BOOL),
  /** one of WAIVER_OUTCOMES: the medical-insurance premium waiver (二孩三孩医保个人缴费补助) */
  waiverOutcome: defineSearchAttributeKey('BirthCaseWaiverOutcome', SearchAttributeType.KEYWORD),
  /** the failed condition's code (or NOT_ENROLLED) when the waiver was lost; unset otherwise */
  waiverLostReason: defineSearchAttributeKey('BirthCaseWaiverLostReason', SearchAttributeType.KEYWORD),
  /** one of SUBSIDY_DECISIONS: the childcare subsidy (育儿补贴) */
  childcareSubsidy: defineSearchAttributeKey('BirthCaseChildcareSubsidy', SearchAttributeType.KEYWORD),
} as const;

/** Whom a case waits on (the catalog's list). */
export { WAITING_ON_KEYS as WAITING_ON, type WaitingOn } from '../domain/catalog';
/** granted: waived; pending: eligible so far, enrolment to come; lost: could have had it, did not; not_applicable: never could (e.g. a first child) */
export const WAIVER_OUTCOMES = ['granted', 'pending', 'lost', 'not_applicable'] as const;
export type WaiverOutcome = (typeof WAIVER_OUTCOMES)[number];
export const SUBSIDY_DECISIONS = ['granted', 'pending', 'refused'] as const;
export type SubsidyDecision = (typeof SUBSIDY_DECISIONS)[number];

/** Service-level settings fixed at the start of a case (scaled in dev and tests). */
export interface CaseSettings {
  /** 补正 deadline after a correction notice */
  correctionDueSeconds: number;
  /** how often to ask an agency for a pending decision or card if no callback arrived */
  agencyPollSeconds: number;
  /** days before a deadline (household registration due; premium-waiver window ending) to remind parents */
  reminderLeadDays?: number;
  // --- issue 9; optional so that inputs of cases started before stay valid ---
  /** the bundle's age limit, as at acceptance (corrections are checked by the same rules as a new case) */
  maxChildAgeDays?: number;
  /** an agency that has not answered for this long is shown as unreachable and escalated (retries go on); default 6 h */
  agencyUnreachableSeconds?: number;
  /** the re-read interval doubles from agencyPollSeconds up to this; default 24 × agencyPollSeconds */
  agencyPollMaxSeconds?: number;
  /** a review's due time when the agency gives none; default 3 days */
  reviewDueSeconds?: number;
  /** a second escalation this long after the first; default: the review's own due period again */
  secondEscalationSeconds?: number;
  /** a correction notice unanswered this long before its deadline is escalated; default 1 day */
  correctionEscalationLeadSeconds?: number;
  /** past this many history events the case continues as new (state, audit and pending work carried); default 2,000 */
  maxHistoryEvents?: number;
}

/** What a case carries into its next run when it continues as new (see README, "Bounded history"). */
export interface ResumeState {
  events: CaseEvent[];
  application: CaseCreateRequest;
  /** agency event ids already counted (the latest ones), so a redelivered callback still counts once */
  agencyEventIds: string[];
  /** correction update ids already applied, with their outcome (the latest ones) */
  appliedCorrections: Array<[string, CorrectionOutcome]>;
  /** how many runs came before this one */
  runs: number;
  /** the policy readings the case started with (absent: the readings before issue 22) */
  policyRules?: PolicyRules;
  /** true: the case was accepted with the 生育登记 in its bundle (patch family-registration); absent: without it */
  familyRegistration?: boolean;
  /** true: the case handles items where they belong, through the exchange (patch cross-region); absent: all here */
  crossRegion?: boolean;
  /** true: the case publishes to the read model only, and one timer watches its agency calls (patch read-model) */
  readModel?: boolean;
  /** true: the one watch's timer is kept between agency calls (patch quiet-watch; implies readModel) */
  quietWatch?: boolean;
}

/**
 * The parents' online 生育登记 the case starts from (issue 18): the API found it open and the mother's,
 * and derived the birth order from it. Ids and numbers only, no personal data.
 */
export interface LinkedRegistration {
  /** api/case-identity.ts registrationIdFor(mother's ID number); the registration workflow's id follows from it */
  registrationId: string;
  /** 生育服务登记号 */
  registrationNumber: string;
  /** the children on the health commission's record for the mother before this delivery */
  childrenOnRecord: number;
}

/** Household registration is due within this many months of birth (national practice; see rules.md). */
export const HOUSEHOLD_REGISTRATION_DUE_MONTHS = 1;
export const DEFAULT_REMINDER_LEAD_DAYS = 7;

export interface BirthCaseInput {
  caseId: string;
  hospitalId: string;
  acceptedBy: Actor;
  application: CaseCreateRequest;
  /** keyed hash of the parents' tracking secret, to check a code against */
  trackingSecretHash: string;
  /** with CASE_ID_SECRET, derives the tracking code, which the SMS activity sends once (infra/tracking-code.ts) */
  trackingNonce?: string;
  /** cases started before the nonce carried the code itself; read only to replay them */
  trackingCode?: string;
  settings: CaseSettings;
  /** the parents' online 生育登记 this case links (since patch family-registration; absent: none, the case registers the family) */
  registration?: LinkedRegistration;
  /** set when the case continues as new: it picks up where the last run stopped */
  resume?: ResumeState;
}

/** The query result: the derived state plus what the case holds now (after corrections). */
export interface BirthCaseState extends DerivedCase {
  caseId: string;
  hospitalId: string;
  application: CaseCreateRequest;
  trackingSecretHash: string;
  events: CaseEvent[];
}

/**
 * What a case hands out of the workflow for its read model (issue 21; the worker's sink writes it to the
 * project's database, infra/read-model.ts). A sink adds nothing to the history and is not called on replay:
 * `seq` (the journal's length) orders the writes, so a late or repeated one never goes backwards.
 */
export interface CaseSinks extends Sinks {
  readModel: { publish(state: BirthCaseState, seq: number): void };
}

export interface CorrectionInput { changes: Record<string, string | number | boolean | null>; note?: string; actor: Actor }
export interface CorrectionOutcome {
  applied: string[];
  /** the services whose correction notice this answered: only these are resubmitted */
  resubmits?: ServiceKey[];
}
/** An agency says something changed (review decided, card posted); the workflow re-reads the agency. */
/** `service`: one of the services agencies announce events for (a review, a card); never the 生育登记, which has none. */
/** `forward.answered` (issue 19, patch cross-region): the other place answered a forward; the case reads it through the exchange. */
export interface AgencyEventInput { type: 'review.decided' | 'card.posted' | 'forward.answered'; service: EarlierServiceKey; eventId: string; actor: Actor }
export interface CancelInput { reason: string; actor: Actor }
export interface NewbornNameInput { name: string; actor: Actor }
/** What a cancellation came to: each compensation step with the agency's answer (the audit says the same). */
export interface CancelOutcome {
  status: 'cancelled' | 'cancelling';
  steps: Array<{ service: ServiceKey; action: 'withdrawn' | 'notified' | 'not_submitted' | 'failed'; agencyAnswer: string | null }>;
}
/**
 * A clerk or operator acts on a service that needs attention: `retry` sends the same request again (same
 * idempotency key), `resubmit` sends it as a new application (new key), `abandon` closes the service.
 */
export interface ResolveInput { service: ServiceKey; action: 'retry' | 'resubmit' | 'abandon'; note: string; actor: Actor }
export interface ResolveOutcome { service: ServiceKey; action: ResolveInput['action'] }

/** The one event id of a review decision, from the agency's review id: the officer route and the agency's callback both use it. */
export const reviewDecidedEventId = (reviewId: string): string => `review:${reviewId}`;

export const getCaseState = defineQuery<BirthCaseState>('getCaseState');
export const correctCase = defineUpdate<CorrectionOutcome, [CorrectionInput]>('correctCase');
export const supplyNewbornName = defineUpdate<void, [NewbornNameInput]>('supplyNewbornName');
export const agencyEvent = defineSignal<[AgencyEventInput]>('agencyEvent');
/** Kept for cases and callers from before `requestCancellation`; same effect, no answer. */
export const cancelCase = defineSignal<[CancelInput]>('cancelCase');
/** Cancels the case: refused with a reason when it cannot be; answers once compensation is done. */
export const requestCancellation = defineUpdate<CancelOutcome, [CancelInput]>('requestCancellation');
export const resolveService = defineUpdate<ResolveOutcome, [ResolveInput]>('resolveService');

/**
 * The acceptance SMS's parameters: the nonce, from which the SMS activity derives the tracking code, so
 * the code itself never enters the history (older cases carried the code in their input).
 */
export const acceptanceSmsParams = (input: Pick<BirthCaseInput, 'caseId' | 'trackingCode' | 'trackingNonce'>): Record<string, string> =>
  input.trackingCode ? { caseId: input.caseId, trackingCode: input.trackingCode } : { caseId: input.caseId, trackingNonce: input.trackingNonce ?? '' };
