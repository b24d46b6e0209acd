// The API's one way to the cases, built once per app (api/app.ts) and handed to the routes.
// Reads come from the memo the workflow keeps current in Temporal (one describe call; no worker, no
// replay), and only for cases whose memo cannot serve (started before the memo existed, or a journal
// longer than the memo keeps) from the workflow's query. Given a read model (issue 21; READ_MODEL),
// a case is read from the project's database first, and from Temporal only when the read model has no
// row for it or cannot answer, or holds only the first row the API wrote as it filed the case; a read
// before a write (`fresh`) always asks Temporal, where the write is decided. In front of all of it, the
// short-lived read cache (api/case-read-cache.ts). Writes go to the workflow, and drop the case from the
// cache whatever they answer. Lists come from the read model, a keyset page at a time (the case's search
// attributes are no longer kept current); without one, a list is 503.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import { serviceAgency } from '../domain/catalog';
import type { CaseStatus } from '../domain/catalog';
import { reduceCase } from '../domain/case-state';
import { BIRTH_CASE_TASK_QUEUE, BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, getCaseState } from '../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState } from '../workflows/birth-case.contract';
import { caseSearchAttributes, caseStateFromMemo, initialCaseMemo, initialCaseState } from '../workflows/case-publication';
import type { AccessLog, AccessView } from '../infra/access-log';
import type { ReadModel, ReadModelCursor } from '../infra/read-model';
import type { Request } from 'express';
import { readRecorder } from './access';
import type { StaffClaims } from './auth';
import { CASE_ID_PATTERN } from './case-identity';
import { scopeOf } from './case-scope';
import type { CaseReadCache } from './case-read-cache';
import type { CaseListQuery } from './cases.schemas';
import { ApiError, notFound } from './errors';
import { badPageToken, openPageToken, sealPageToken } from './page-token';

/** Where a read was served from (the API's metrics count them). */
export type CaseSource = 'readModel' | 'memo' | 'query' | 'cache';

export interface ReadOptions {
  /** skip the cache (a write is about to be decided on this state); the fresh state still fills it */
  fresh?: boolean;
}

export interface CaseSummary {
  caseId: string;
  status: CaseStatus | null;
  hospitalId: string | null;
  bornAt: string | null;
  createdAt: string | null;
}

export interface CaseRepository {
  /** The case as the workflow last published it. Throws WorkflowNotFoundError for an unknown case. */
  read(caseId: string, options?: ReadOptions): Promise<BirthCaseState>;
  /**
   * A case the caller may see: clerks only their hospital's, hall clerks only their hall's, officers only a case their agency has (or
   * had) a review for (others get 404: existence must not leak).
   * The check runs on every call, whether the state comes from the cache or from Temporal. Before a write,
   * load with `{ fresh: true }`: the write is decided on the case as Temporal has it now.
   */
  load(caseId: string, staff?: StaffClaims, options?: ReadOptions): Promise<BirthCaseState>;
  /** Starts a case, refusing a second one for the same newborn (WorkflowExecutionAlreadyStartedError). */
  start(input: BirthCaseInput): Promise<void>;
  /** Runs a write (update, signal) on the case's workflow; the case's next read goes to Temporal. */
  write<T>(caseId: string, act: (handle: WorkflowHandle) => Promise<T>): Promise<T>;
  /** This process changed the case (or asked it to change): its next read goes to Temporal. */
  invalidate(caseId: string): void;
  /** Whether Temporal knows the case at all, running or closed. */
  exists(caseId: string): Promise<boolean>;
  /** A page of cases matching the filter (of one hospital when `hospitalId` is given), newest first. */
  list(filter: CaseListQuery, hospitalId: string | null): Promise<{ cases: CaseSummary[]; nextPageToken: string | null }>;
  /**
   * Records that the signed-in staff member read these cases in this view (the access log, never
   * Temporal). Call it before answering: when the record cannot be stored it throws 503 UNAVAILABLE.
   */
  recordRead(req: Request, caseIds: string | readonly string[], view: AccessView): Promise<void>;
  /** The access log (the admin's routes and the parents' page read it). */
  readonly accessLog: AccessLog;
}

export interface CaseRepositoryDeps {
  client: Client;
  /** seals the list's page tokens (CASE_ID_SECRET) */
  pageTokenKey: string;
  /** the per-process read cache; none: every read goes to Temporal */
  cache?: CaseReadCache;
  /** told where each read was served from */
  onRead?: (source: CaseSource) => void;
  /** where staff reads are recorded; none: every recorded read is refused (503), fail closed */
  accessLog?: AccessLog;
  /**
   * the read model (issue 21): reads first, lists only, and (with `publish`) a new case's first row; none:
   * every read goes to Temporal, and lists answer 503
   */
  readModel?: Pick<ReadModel, 'get' | 'list'> & Partial<Pick<ReadModel, 'publish'>>;
  /** told when the read model could not answer (the read then goes to Temporal) */
  onReadModelError?: (caseId: string, err: unknown) => void;
  /** told when a new case's first row could not be written (the case is started; its first publication writes it) */
  onFirstRowError?: (caseId: string, err: unknown) => void;
}

/** How long filing waits for a new case's first row in the read model before it answers anyway. */
const FIRST_ROW_WAIT_MS = 1_000;

/** Started, task scheduled, started, completed: a history longer than this has had its first workflow task. */
const FIRST_TASK_DONE_EVENTS = 3;

/** The access log of a repository built without one: every call fails, so every staff read answers 503. */
const NO_ACCESS_LOG = new Proxy({} as AccessLog, {
  // not a thenable: `then` stays undefined, every method refuses
  get: (_target, key) => (key === 'then' ? undefined : () => Promise.reject(new ApiError('UNAVAILABLE', '访问记录库未配置'))),
});

export function createCaseRepository(deps: CaseRepositoryDeps): CaseRepository {
  const { client, pageTokenKey, cache, onRead, accessLog = NO_ACCESS_LOG, readModel, onReadModelError } = deps;
  const reads = readRecorder(accessLog);
  const handleOf = (caseId: string): WorkflowHandle => client.workflow.getHandle(birthCaseWorkflowId(caseId));
  const describeCase = (caseId: string): Promise<BirthCaseState> => caseFromTemporal(handleOf(caseId), onRead);
  /** The read model's row, else Temporal's answer. */
  const loadCase = async (caseId: string, fresh: boolean): Promise<BirthCaseState> => {
    if (readModel && !fresh) {
      const row = await readModel.get(caseId).catch((err: unknown) => { onReadModelError?.(caseId, err); return null; });
      // The API's first row (seq 0) is current only until the worker's first task, whose publication may be
      // on its way: Temporal says which; when it cannot, the case as filed.
      if (row?.seq === 0) {
        const filed = row.state;
        return caseFromTemporal(handleOf(caseId), onRead, filed).catch(() => { onRead?.('readModel'); return filed; });
      }
      if (row) {
        onRead?.('readModel');
        return row.state;
      }
    }
    return describeCase(caseId);
  };

  const read = async (caseId: string, options: ReadOptions = {}): Promise<BirthCaseState> => {
    const fresh = options.fresh === true;
    if (!cache) return loadCase(caseId, fresh);
    if (fresh) cache.invalidate(caseId);
    let loaded = false;
    const state = await cache.get(caseId, () => { loaded = true; return loadCase(caseId, fresh); });
    if (!loaded) onRead?.('cache');
    return state;
  };
  const invalidate = (caseId: string): void => cache?.invalidate(caseId);

  return {
    read,
    invalidate,
    accessLog,
    recordRead: reads.record,
    async load(caseId, staff, options) {
      if (!CASE_ID_PATTERN.test(caseId)) throw notFound();
      const state = await read(caseId, options);
      // A hospital's clerk its hospital's cases, a hall's clerk its hall's (api/case-scope.ts).
      if ((staff?.role === 'clerk' || staff?.role === 'hallClerk') && state.hospitalId !== scopeOf(staff)) throw notFound();
      if (staff?.role === 'officer' && !hasReviewOf(state, staff.agency)) throw notFound();
      return state;
    },
    async start(input) {
      // Readable and listable before any worker has run the case: from its first row in the read model,
      // written here; without a read model to write to, from a memo. Not both: Temporal keeps a memo in the
      // case's mutable state, which it rewrites at every change of the case — on PostgreSQL the memo took the
      // row past the TOAST threshold, and every change left a 3 KB copy until autovacuum (bench/RESULTS.md).
      const firstRow = readModel?.publish?.bind(readModel);
      await client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, {
        taskQueue: BIRTH_CASE_TASK_QUEUE,
        workflowId: birthCaseWorkflowId(input.caseId),
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        ...(firstRow ? {} : { memo: initialCaseMemo(input) }),
        typedSearchAttributes: caseSearchAttributes(input.hospitalId, input.application, reduceCase([])).filter((a): a is SearchAttributePair => a.value !== null),
      });
      // seq 0: any publication of the workflow's (seq ≥ 1) supersedes it, whichever is written first. Filing
      // waits for it at most FIRST_ROW_WAIT_MS (a SQLite read model another process holds): the case is filed.
      if (firstRow) {
        const written = firstRow(initialCaseState(input), 0).then(() => undefined, (err: unknown) => deps.onFirstRowError?.(input.caseId, err));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([written, new Promise<void>((resolve) => { timer = setTimeout(resolve, FIRST_ROW_WAIT_MS); })]);
        clearTimeout(timer);
      }
    },
    write: (caseId, act) => act(handleOf(caseId)).finally(() => invalidate(caseId)),
    exists: (caseId) => handleOf(caseId).describe().then(() => true, () => false),
    async list(filter, hospitalId) {
      if (!readModel) throw new ApiError('UNAVAILABLE', '办件列表暂时无法查询，请稍后重试');
      const bound = listBinding(filter, hospitalId);
      const after = filter.pageToken ? openCursor(filter.pageToken, bound, pageTokenKey) : undefined;
      const { status, bornFrom, bornTo, waitingOn, overdue, pageSize } = filter;
      const page = await readModel.list({ status, bornFrom, bornTo, waitingOn, overdue, pageSize, ...(after ? { after } : {}) }, hospitalId);
      return { cases: page.cases, nextPageToken: page.next ? sealPageToken(Buffer.from(JSON.stringify(page.next)), bound, pageTokenKey) : null };
    },
  };
}

/**
 * What a page token is bound to: the list's filters and the caller's hospital (not the page size). A token
 * handed out for another filter or another hospital fails its seal: 400.
 */
function listBinding(filter: CaseListQuery, hospitalId: string | null): string {
  const { status, bornFrom, bornTo, waitingOn, overdue } = filter;
  return `read-model-list:${JSON.stringify({ hospitalId, status: status ?? null, bornFrom: bornFrom ?? null, bornTo: bornTo ?? null, waitingOn: waitingOn ?? null, overdue: overdue ?? null })}`;
}

/** A sealed token's cursor: the last row of the page before (Shanghai ISO creation time, case id). */
const Cursor = z.strictObject({ createdAt: z.string().max(64), caseId: z.string().max(64) });

function openCursor(token: string, bound: string, key: string): ReadModelCursor {
  const raw = openPageToken(token, bound, key);
  try {
    return Cursor.parse(JSON.parse(raw.toString('utf8')));
  } catch {
    // sealed with our key for this list, yet not a cursor: refused like any other bad token
    throw badPageToken();
  }
}

/** Whether the agency has a review of this case, open or decided (a service of its was sent to manual review). */
export function hasReviewOf(state: BirthCaseState, agency: string): boolean {
  if (Object.values(state.services).some((s) => s.review?.agency === agency)) return true;
  return state.events.some((e) => e.action === 'service.under_review' && e.service !== null && e.service !== undefined && serviceAgency(e.service) === agency);
}

const GRPC_FAILED_PRECONDITION = 9;
/** A gRPC FAILED_PRECONDITION anywhere in the cause chain (the client wraps what the server said). */
function notReady(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = typeof e === 'object' && 'cause' in e ? e.cause : undefined, depth++) {
    if (isGrpcServiceError(e) && e.code === GRPC_FAILED_PRECONDITION) return true;
  }
  return false;
}

/**
 * The case from its memo, or from the workflow's query when the memo cannot serve (also what rebuilds the
 * read model). `firstRow`: the case as the API wrote it to the read model at the start (seq 0), for a case
 * with no memo — the answer while no worker has done the case's first task.
 */
export async function caseFromTemporal(handle: WorkflowHandle, onRead?: (source: CaseSource) => void, firstRow?: BirthCaseState): Promise<BirthCaseState> {
  const description = await handle.describe();
  const firstTaskDone = description.historyLength > FIRST_TASK_DONE_EVENTS;
  const fromMemo = caseStateFromMemo(description.memo);
  // Only the API's initial memo, yet the first workflow task is done: a worker without the publication
  // (a rolling deploy) runs this case, so its memo will not move — ask the workflow instead.
  const stale = fromMemo !== null && fromMemo.events.length === 0 && firstTaskDone;
  if (fromMemo && !stale) {
    onRead?.('memo');
    return fromMemo;
  }
  if (!fromMemo && firstRow && !firstTaskDone) {
    onRead?.('readModel');
    return firstRow;
  }
  onRead?.('query');
  try {
    return await handle.query(getCaseState);
  } catch (err) {
    // The case exists (described above) but cannot answer now: no worker has run it yet, or none is there
    // (Temporal says "not ready" or lets the deadline pass, depending on timing). The caller may retry.
    if (notReady(err)) throw new ApiError('UNAVAILABLE', '办件暂时无法读取，请稍后重试');
    throw err;
  }
}
