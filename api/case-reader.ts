// Reading a case: from the memo the workflow keeps current (one describe call; no worker, no replay), and
// only for cases whose memo cannot serve (started before the memo existed, or a journal longer than the
// memo keeps) from the workflow's query. Writes stay on the workflow.
import type { Client } from '@temporalio/client';
import { birthCaseWorkflowId, getCaseState } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { caseStateFromMemo } from '../workflows/case-publication';

export type CaseSource = 'memo' | 'query';

/** Started, task scheduled, started, completed: a history longer than this has had its first workflow task. */
const FIRST_TASK_DONE_EVENTS = 3;

export interface CaseReader {
  /** The case as the workflow last published it. Throws WorkflowNotFoundError for an unknown case. */
  read(caseId: string): Promise<BirthCaseState>;
}

const readObservers = new WeakMap<Client, (source: CaseSource) => void>();
/** Tells `fn` the source of every case read through this client (the API's metrics). */
export function observeCaseReads(client: Client, fn: (source: CaseSource) => void): void {
  readObservers.set(client, fn);
}

export function createCaseReader(client: Client, onRead = readObservers.get(client)): CaseReader {
  return {
    async read(caseId) {
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
    },
  };
}
