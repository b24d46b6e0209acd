// Reading a case: from the memo the workflow keeps current (one describe call; no worker, no replay), and
// only for cases whose memo cannot serve (started before the memo existed, or a journal longer than the
// memo keeps) from the workflow's query. Writes stay on the workflow. In front of both, a short-lived
// per-process cache (api/case-read-cache.ts) when the API configures one: repeated and concurrent reads
// of a case share one describe; a write through this process invalidates the case.
import type { Client } from '@temporalio/client';
import { birthCaseWorkflowId, getCaseState } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { caseStateFromMemo } from '../workflows/case-publication';
import type { CaseReadCache } from './case-read-cache';

export type CaseSource = 'memo' | 'query' | 'cache';

/** Started, task scheduled, started, completed: a history longer than this has had its first workflow task. */
const FIRST_TASK_DONE_EVENTS = 3;

export interface ReadOptions {
  /** skip the cache (a write is about to be decided on this state); the fresh state still fills it */
  fresh?: boolean;
}

export interface CaseReader {
  /** The case as the workflow last published it. Throws WorkflowNotFoundError for an unknown case. */
  read(caseId: string, options?: ReadOptions): Promise<BirthCaseState>;
}

const readObservers = new WeakMap<Client, (source: CaseSource) => void>();
/** Tells `fn` the source of every case read through this client (the API's metrics). */
export function observeCaseReads(client: Client, fn: (source: CaseSource) => void): void {
  readObservers.set(client, fn);
}

const readCaches = new WeakMap<Client, CaseReadCache>();
/** Serves this client's case reads through `cache` (one per API process). */
export function cacheCaseReads(client: Client, cache: CaseReadCache): void {
  readCaches.set(client, cache);
}

/** This process changed the case (or asked it to change): its next read goes to Temporal. */
export function invalidateCaseRead(client: Client, caseId: string): void {
  readCaches.get(client)?.invalidate(caseId);
}

export function createCaseReader(client: Client, onRead = readObservers.get(client), cache = readCaches.get(client)): CaseReader {
  async function describeCase(caseId: string): Promise<BirthCaseState> {
    const handle = client.workflow.getHandle(birthCaseWorkflowId(caseId));
    const description = await handle.describe();
    const fromMemo = caseStateFromMemo(description.memo);
    // Only the API's initial memo, yet the first workflow task is done: a worker without the publication
    // (a rolling deploy) runs this case, so its memo will not move — ask the workflow instead.
    const stale = fromMemo !== null && fromMemo.events.length === 0 && description.historyLength > FIRST_TASK_DONE_EVENTS;
    if (fromMemo && !stale) {
      onRead?.('memo');
      return fromMemo;
    }
    onRead?.('query');
    return handle.query(getCaseState);
  }
  return {
    async read(caseId, options = {}) {
      if (!cache) return describeCase(caseId);
      if (options.fresh) cache.invalidate(caseId);
      let loaded = false;
      const state = await cache.get(caseId, () => { loaded = true; return describeCase(caseId); });
      if (!loaded) onRead?.('cache');
      return state;
    },
  };
}
