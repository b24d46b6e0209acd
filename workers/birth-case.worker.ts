// The worker for birth cases: the workflow bundle plus the agency adapters.
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import type { WorkerOptions } from '@temporalio/worker';
import { createAgencyActivities } from '../activities';
import type { Config } from '../infra/config';
import { dataConverter, temporalConnectionOptions } from '../infra/temporal';
import { BIRTH_CASE_TASK_QUEUE } from '../workflows/birth-case.contract';
import { agencyTelemetry } from './agency-telemetry';

export interface BirthCaseWorkerOptions {
  connection: NativeConnection;
  config: Config;
  /** a prebuilt bundle (tests bundle once per file); else the workflows are bundled at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  /** where each agency call is logged (with its case id); silent when not given */
  logger?: pino.Logger;
}

export async function createBirthCaseWorker({ connection, config, workflowBundle, taskQueue = BIRTH_CASE_TASK_QUEUE, logger = pino({ level: 'silent' }) }: BirthCaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createAgencyActivities({ baseUrl: config.mockAgenciesUrl, timeoutMs: config.AGENCY_TIMEOUT_MS, token: config.AGENCY_API_TOKEN, trackingKey: config.CASE_ID_SECRET }),
    dataConverter: dataConverter(config),
    // Per-agency latency, failures and retries on the SDK's meter (exported with the SDK's own metrics).
    interceptors: { activity: [agencyTelemetry(Runtime.instance().metricMeter, logger)] },
    ...workerTuning(config),
  });
}

/** The tuning knobs: the sticky cache always bounded (default 500), the others as set in the environment (bench/RESULTS.md says which values the figures justify). */
export function workerTuning(config: Config): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions'> {
  return {
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined ? { maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS } : {}),
    ...(config.WORKER_MAX_CONCURRENT_ACTIVITIES !== undefined ? { maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES } : {}),
  };
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config));
}
