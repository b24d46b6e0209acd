// Everything outside code needs to talk to the family-registration workflow (生育登记, issue 18): ids,
// messages and what the workflow answers. One workflow per registration, on the birth case's task queue;
// it waits (months) for the birth and ends as born (a birth case linked it), withdrawn or expired.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RegistrationStatusKey } from '../domain/catalog';
import type { Actor } from '../domain/case-state';

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
