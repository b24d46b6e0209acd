// The API's one way to the family registrations in Temporal (生育登记, issue 18). A registration's
// workflow id derives from the mother's ID number through a keyed hash (api/case-identity.ts), so it is
// found again from her ID without the ID being kept anywhere readable. Every call rides on the request's
// one Temporal deadline (api/app.ts); the birth case side (api/cases.routes.ts) uses `get`/`openFor` too.
import { isGrpcServiceError, QueryNotRegisteredError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Actor } from '../domain/case-log';
import { DEFAULT_REGISTRATION_SETTINGS, type RegistrationSettings } from '../domain/family-registration';
import { BIRTH_CASE_TASK_QUEUE } from '../workflows/birth-case.contract';
import {
  amendRegistration, awaitRegistrationVerdict, FAMILY_REGISTRATION_WORKFLOW_TYPE, familyRegistrationWorkflowId, getRegistrationState,
  registrationConflictsOf, withdrawRegistration,
} from '../workflows/family-registration.contract';
import type {
  FamilyRegistrationInput, FamilyRegistrationRequest, RegistrationConflict, RegistrationOutcome, RegistrationState, RegistrationVerdict,
} from '../workflows/family-registration.contract';
import { CASE_ID_PATTERN, registrationIdFor } from './case-identity';
import { ApiError } from './errors';

export interface RegistrationRepository {
  /** The registration id (and so the workflow id) of a mother's registrations. */
  idFor(motherIdNumber: string): string;
  /** The registration as it stands (any status); null when there is none, or it was never registered. */
  get(registrationId: string): Promise<RegistrationState | null>;
  /** The mother's open (registered) registration, or null. */
  openFor(motherIdNumber: string): Promise<RegistrationState | null>;
  /**
   * Registers: the health commission's verdict, once it has answered (503 when not within the request's
   * deadline: the registration goes on and is read later). 409 CONFLICT when one is open already.
   */
  start(request: FamilyRegistrationRequest, actor: Actor): Promise<RegistrationVerdict>;
  /** Amends an open registration; the commission's conflicts are 409 CONFLICT with them as `issues`. */
  amend(registrationId: string, request: FamilyRegistrationRequest, actor: Actor): Promise<RegistrationState>;
  withdraw(registrationId: string, reason: string, actor: Actor): Promise<RegistrationState>;
}

export interface RegistrationRepositoryDeps {
  client: Client;
  /** CASE_ID_SECRET: the key of the registration ids */
  idSecret: string;
  settings?: Partial<RegistrationSettings>;
}

const GRPC_FAILED_PRECONDITION = 9;
/** A gRPC FAILED_PRECONDITION in the cause chain: no worker has run the workflow yet. */
function notReady(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = typeof e === 'object' && 'cause' in e ? e.cause : undefined, depth++) {
    if (isGrpcServiceError(e) && e.code === GRPC_FAILED_PRECONDITION) return true;
  }
  return false;
}

/** The commission's conflicts as the API's 409, each a path, a code and a message the parents can act on. */
export function conflictError(conflicts: RegistrationConflict[]): ApiError {
  return new ApiError('CONFLICT', '卫生健康委核对登记信息未通过，请按提示核对', { issues: conflicts.map(({ path, code, message }) => ({ path, code, message })) });
}

export const closedError = (): ApiError => new ApiError('CONFLICT', '生育登记已结束，不能再更改或撤回');

export const alreadyOpen = (): ApiError => new ApiError('CONFLICT', '母亲已有一项尚未办结的生育登记，请在“我的生育登记”中查看、修改或撤回');

/** An update's refusal: closed, the commission's conflicts, else what the workflow said (the default mapping). */
function updateError(err: unknown): unknown {
  // the run has ended (withdrawn, born, expired): Temporal no longer takes updates for it
  if (err instanceof WorkflowNotFoundError) return closedError();
  const conflicts = err instanceof WorkflowUpdateFailedError ? registrationConflictsOf(err.cause) : null;
  return conflicts && conflicts.length > 0 ? conflictError(conflicts) : err;
}

export function createRegistrationRepository({ client, idSecret, settings = {} }: RegistrationRepositoryDeps): RegistrationRepository {
  const handleOf = (registrationId: string): WorkflowHandle => client.workflow.getHandle(familyRegistrationWorkflowId(registrationId));
  const fullSettings: RegistrationSettings = { ...DEFAULT_REGISTRATION_SETTINGS, ...settings };

  const get = async (registrationId: string): Promise<RegistrationState | null> => {
    if (!CASE_ID_PATTERN.test(registrationId)) return null;
    const handle = handleOf(registrationId);
    try {
      return await handle.query(getRegistrationState);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      // Temporal too slow, or no worker to answer (yet): the caller may retry (503).
      if (!(err instanceof QueryNotRegisteredError)) throw notReady(err) ? new ApiError('UNAVAILABLE', '生育登记暂时无法读取，请稍后重试') : err;
      // The workflow refuses the query (a failed query reads as this) until the commission has answered:
      // still at it, or refused (closed).
      const running = await handle.describe().then((d) => d.status.name === 'RUNNING', () => false);
      if (running) throw new ApiError('UNAVAILABLE', '生育登记正在办理中，请稍后查看');
      return null;
    }
  };

  return {
    idFor: (motherIdNumber) => registrationIdFor(motherIdNumber, idSecret),
    get,
    async openFor(motherIdNumber) {
      const state = await get(registrationIdFor(motherIdNumber, idSecret));
      return state?.status === 'registered' ? state : null;
    },
    async start(request, actor) {
      const registrationId = registrationIdFor(request.mother.idNumber, idSecret);
      const input: FamilyRegistrationInput = { registrationId, request, actor, settings: fullSettings };
      const handle = await client.workflow.start(FAMILY_REGISTRATION_WORKFLOW_TYPE, {
        taskQueue: BIRTH_CASE_TASK_QUEUE, workflowId: familyRegistrationWorkflowId(registrationId), args: [input],
        // a mother may register again once her last registration is closed, never twice at once
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE, workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      }).catch((err: unknown) => {
        throw err instanceof WorkflowExecutionAlreadyStartedError ? alreadyOpen() : err;
      });
      return verdictOf(handle);
    },
    amend: (registrationId, request, actor) =>
      handleOf(registrationId).executeUpdate(amendRegistration, { args: [{ request, actor }] }).catch((err: unknown) => { throw updateError(err); }),
    withdraw: (registrationId, reason, actor) =>
      handleOf(registrationId).executeUpdate(withdrawRegistration, { args: [{ reason, actor }] }).catch((err: unknown) => { throw updateError(err); }),
  };
}

/**
 * The verdict update; a refused registration may have ended its run before the update reached it (the
 * conflicts are then its result).
 */
async function verdictOf(handle: WorkflowHandle): Promise<RegistrationVerdict> {
  try {
    return await handle.executeUpdate(awaitRegistrationVerdict);
  } catch (err) {
    const closed = await handle.describe().then((d) => d.status.name === 'COMPLETED', () => false);
    if (!closed) throw err;
    const outcome = (await handle.result()) as RegistrationOutcome;
    if (outcome.status !== 'refused') throw err;
    return { registered: false, conflicts: outcome.conflicts };
  }
}
