// The workflow suites' shared set-up: a real Temporal dev server for the test file, a worker running the
// birth-case workflow against scripted agencies, and the verbs every suite uses — start a case, read its
// state, wait until the state says something.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { workerDataConverter } from '../../workers/birth-case.worker';
import { BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, getCaseState } from '../../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState } from '../../workflows/birth-case.contract';
import { eventually } from './eventually';
import { FakeAgencies } from './fake-agencies';
import type { AgencyScript } from './fake-agencies';
import { bundleWorkflows, startDevServer, testConfig } from './temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

export const clerk = { role: 'clerk' as const, id: 'clerk-1' };

export interface WorkflowHarness {
  readonly agencies: FakeAgencies;
  /** the dev server's environment (set once the file's beforeAll has run) */
  readonly env: TestWorkflowEnvironment;
  startCase(app: CaseCreateRequest, script?: AgencyScript, settings?: Partial<BirthCaseInput['settings']>): Promise<{ caseId: string; handle: WorkflowHandle }>;
  stateOf(h: WorkflowHandle): Promise<BirthCaseState>;
  /** polls the case's state until `predicate` holds; the error names each service's status */
  until(h: WorkflowHandle, predicate: (s: BirthCaseState) => boolean, timeoutMs?: number): Promise<BirthCaseState>;
}

/** Registers the file's beforeAll/afterAll and returns the harness they fill. */
export function useWorkflowHarness(taskQueuePrefix: string): WorkflowHarness {
  const agencies = new FakeAgencies();
  const taskQueue = `${taskQueuePrefix}-${randomUUID()}`;
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    const config = testConfig();
    const [started, bundle] = await Promise.all([startDevServer(config), bundleWorkflows()]);
    env = started;
    worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS,
      connection: started.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: workerDataConverter(config),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const environment = (): TestWorkflowEnvironment => {
    if (!env) throw new Error('the workflow harness is used before its beforeAll ran');
    return env;
  };
  const stateOf = (h: WorkflowHandle): Promise<BirthCaseState> => h.query(getCaseState);

  return {
    agencies,
    get env() { return environment(); },
    async startCase(app, script = {}, settings = {}) {
      const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
      agencies.script(caseId, script);
      const input: BirthCaseInput = {
        caseId, hospitalId: 'H0001', acceptedBy: clerk, application: app, trackingSecretHash: 'x', trackingCode: `${caseId}-SECRET`,
        settings: { correctionDueSeconds: 600, agencyPollSeconds: 1, ...settings },
      };
      const handle = await environment().client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId: birthCaseWorkflowId(caseId), args: [input] });
      return { caseId, handle };
    },
    stateOf,
    until(h, predicate, timeoutMs = 30_000) {
      return eventually(async () => {
        const s = await stateOf(h);
        if (!predicate(s)) throw new Error(`not yet: ${s.status} ${JSON.stringify(Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, v.status])))}`);
        return s;
      }, { timeoutMs });
    },
  };
}
