// Everything outside code needs to talk to the family-registration workflow (生育登记, issue 18): ids,
// messages and what the workflow answers. One workflow per registration, on the birth case's task queue;
// it waits (months) for the birth and ends as born (a birth case linked it), withdrawn or expired.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RegistrationStatusKey } from '../domain/catalog';
import type { Actor } from '../domain/case-state';
import type { RegistrationSettings } from '../domain/family-registration';

export const FAMILY_REGISTRATION_WORKFLOW_TYPE = 'familyRegistrationWorkflow';
const WORKFLOW_ID_PREFIX = 'family-registration-';

/** `registrationId` is api/case-identity.ts registrationIdFor(mother's ID number). */
export const familyRegistrationWorkflowId = (registrationId: string): string => `${WORKFLOW_ID_PREFIX}${registrationId}`;
export const registrationIdFromWorkflowId = (workflowId: string): string | null =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : null;

/** A parent as a registration names them (the same checks as a case's parents: domain/family-registration.ts). */
export interface RegistrationParent { name: string; idNumber: string; phone: string; hukouRegionCode: string }

/** What the parents declare (生育登记). The birth order is never declared: it comes from the health commission's record. */
export interface FamilyRegistrationRequest {
  mother: RegistrationParent;
  father: RegistrationParent | null;
  /** married on a date, or unmarried (allowed, and recorded as such) */
  marriage: { married: true; marriedOn: string } | { married: false };
  /** the children already born to this mother, as the parents declare them */
  childrenBefore: number;
  /** the expected delivery month, YYYY-MM */
  expectedMonth: string;
  /** the hospital chosen for the delivery */
  hospitalId: string;
  householdOf: 'mother' | 'father';
}

/** One of the catalog's REGISTRATION_STATUSES. */
export type RegistrationStatus = RegistrationStatusKey;

export interface RegistrationAuditEntry {
  at: string;
  action: 'registration.registered' | 'registration.amended' | 'registration.withdrawn' | 'registration.case_linked' | 'registration.reminded' | 'registration.expired';
  actor: Actor;
  /** what changed (field paths only, never values) or why */
  fields?: string[];
  reason?: string;
  caseId?: string;
}

/** The query's answer. */
export interface RegistrationState {
  registrationId: string;
  /** 生育服务登记号, given by the health commission */
  registrationNumber: string;
  status: RegistrationStatus;
  request: FamilyRegistrationRequest;
  /** the children the health commission has on record for the mother, before this pregnancy */
  childrenOnRecord: number;
  registeredAt: string;
  /** the registration lapses at this instant unless a birth case links it first */
  expiresAt: string;
  linkedCases: Array<{ caseId: string; at: string }>;
  audit: RegistrationAuditEntry[];
}

/** The health commission did not register (or amend): what it found, in words the parents can act on. */
export interface RegistrationConflict { code: 'CHILDREN_MISMATCH' | 'REGISTRATION_OPEN' | 'PERSON_UNKNOWN'; path: string; message: string }

export interface AmendInput { request: FamilyRegistrationRequest; actor: Actor }
export interface WithdrawInput { reason: string; actor: Actor }
/** Sent by the birth case (an external signal) when it accepts a birth under this registration. */
export interface CaseLinkedInput { caseId: string; birthAt: string; at: string }

export const getRegistrationState = defineQuery<RegistrationState>('getRegistrationState');
/** Refused (ApplicationFailure type `RegistrationConflict`, details: RegistrationConflict[]) when the health commission disagrees. */
export const amendRegistration = defineUpdate<RegistrationState, [AmendInput]>('amendRegistration');
export const withdrawRegistration = defineUpdate<RegistrationState, [WithdrawInput]>('withdrawRegistration');
export const registrationCaseLinked = defineSignal<[CaseLinkedInput]>('registrationCaseLinked');

// ---- Added with the workflow (H2) ----------------------------------------------------------------

/** The workflow's input: the registration id, what the parents declared, who asked, the clock's settings. */
export interface FamilyRegistrationInput {
  registrationId: string;
  request: FamilyRegistrationRequest;
  actor: Actor;
  settings: RegistrationSettings;
}

/** The health commission's verdict on the registration: registered (its state), or the conflicts it found. */
export type RegistrationVerdict =
  | { registered: true; state: RegistrationState }
  | { registered: false; conflicts: RegistrationConflict[] };

/** What a run of the workflow comes to: `refused` when the commission did not register at all. */
export interface RegistrationOutcome {
  registrationId: string;
  status: RegistrationStatus | 'refused';
  registrationNumber: string | null;
  conflicts: RegistrationConflict[];
}

/**
 * Answers once the health commission has answered the registration (the API's way to give the parents the
 * verdict at once): the state when registered, else the conflicts. Taken at any time; the run ends only
 * after every such update is answered.
 */
export const awaitRegistrationVerdict = defineUpdate<RegistrationVerdict>('awaitRegistrationVerdict');

/** The query's refusal (ApplicationFailure type) while the health commission has not answered yet. */
export const REGISTRATION_NOT_READY = 'RegistrationNotReady';

/**
 * ApplicationFailure `type` of a registration the health commission will not make (or amend): non-retryable,
 * `details` = the conflicts (RegistrationConflict[], each with a message the parents can act on).
 */
export const RegistrationConflictType = 'RegistrationConflict' as const;

const CONFLICT_CODES: ReadonlySet<string> = new Set(['CHILDREN_MISMATCH', 'REGISTRATION_OPEN', 'PERSON_UNKNOWN']);

/** The conflicts a failure carries (an ActivityFailure's cause, or the ApplicationFailure itself), or null. */
export function registrationConflictsOf(err: unknown): RegistrationConflict[] | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = typeof e === 'object' && 'cause' in e ? e.cause : undefined, depth++) {
    if (typeof e !== 'object' || (e as { type?: unknown }).type !== RegistrationConflictType) continue;
    const details = (e as { details?: unknown }).details;
    if (!Array.isArray(details)) return [];
    return details.flatMap((d): RegistrationConflict[] => {
      const c = d as Partial<RegistrationConflict> | null;
      return c && typeof c.code === 'string' && CONFLICT_CODES.has(c.code) && typeof c.path === 'string' && typeof c.message === 'string'
        ? [{ code: c.code as RegistrationConflict['code'], path: c.path, message: c.message }] : [];
    });
  }
  return null;
}
