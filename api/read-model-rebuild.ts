// Rebuilds the read model from the workflows (issue 21): every birth case Temporal knows, running or
// closed, read as the API reads it from Temporal (memo, else the workflow's query) and published with its
// journal's length as the sequence number. A row the workers have already carried further is left as it
// is (the read model keeps the higher sequence), so a rebuild can run while cases are moving, as often as
// wanted. A row at the same sequence whose plain columns are of an older projection (written before the
// dashboard's columns, migration 0002) has them refreshed, its stored state kept. Run by
// `npm run read-model -- rebuild` (scripts/read-model.ts).
import type { Client } from '@temporalio/client';
import type { ReadModel } from '../infra/read-model';
import { BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, caseIdFromWorkflowId } from '../workflows/birth-case.contract';
import { caseFromTemporal } from './case-repository';

export interface RebuildReport {
  /** birth cases listed */
  cases: number;
  /** rows written or carried forward */
  applied: number;
  /** rows at this point whose plain columns (the list's and the dashboard's) were rewritten: an older projection */
  refreshed: number;
  /** rows the read model already had at this point or further */
  current: number;
  /** cases that could not be read (no worker for a case whose memo cannot serve) or written; their ids */
  failed: string[];
}

export async function rebuildReadModel(client: Client, readModel: Pick<ReadModel, 'publish'>, options: { pageSize?: number } = {}): Promise<RebuildReport> {
  const report: RebuildReport = { cases: 0, applied: 0, refreshed: 0, current: 0, failed: [] };
  const query = `WorkflowType = '${BIRTH_CASE_WORKFLOW_TYPE}'`;
  for await (const wf of client.workflow.list({ query, pageSize: options.pageSize ?? 500 })) {
    const caseId = caseIdFromWorkflowId(wf.workflowId);
    if (!caseId) continue;
    report.cases += 1;
    try {
      const state = await caseFromTemporal(client.workflow.getHandle(birthCaseWorkflowId(caseId)));
      const outcome = await readModel.publish(state, state.events.length, { refresh: true });
      report[outcome === 'stale' ? 'current' : outcome] += 1;
    } catch {
      report.failed.push(caseId);
    }
  }
  return report;
}
