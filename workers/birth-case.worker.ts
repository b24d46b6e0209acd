// The worker for birth cases: the workflow bundle plus the agency adapters.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkerOptions } from '@temporalio/worker';
import { createAgencyActivities } from '../activities';
import type { Config } from '../infra/config';
import { dataConverter } from '../infra/temporal';
import { BIRTH_CASE_TASK_QUEUE } from '../workflows/birth-case.contract';

export interface BirthCaseWorkerOptions {
  connection: NativeConnection;
  config: Config;
  /** a prebuilt bundle (tests bundle once per file); else the workflows are bundled at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
}

export async function createBirthCaseWorker({ connection, config, workflowBundle, taskQueue = BIRTH_CASE_TASK_QUEUE }: BirthCaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createAgencyActivities({ baseUrl: config.mockAgenciesUrl, timeoutMs: config.AGENCY_TIMEOUT_MS }),
    dataConverter: dataConverter(config),
  });
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
}
