// The worker for birth cases: the workflow bundle plus the agency adapters.
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import type { WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createAgencyActivities } from '../activities';
import type { Config } from '../infra/config';
import { EncryptionCodec, loadPayloadKeys } from '../infra/payload-codec';
import { dataConverter, temporalConnectionOptions } from '../infra/temporal';
import { BIRTH_CASE_TASK_QUEUE } from '../workflows/birth-case.contract';
import { agencyTelemetry } from './agency-telemetry';
import { caseSinks, type ReadModelWriter } from './read-model-sink';

export interface BirthCaseWorkerOptions {
  connection: NativeConnection;
  config: Config;
  /** a prebuilt bundle (tests bundle once per file); else the workflows are bundled at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  /** where each agency call is logged (with its case id); silent when not given */
  logger?: pino.Logger;
  /** where the cases' publications are written (issue 21); none: the read model is not kept by this worker */
  readModel?: ReadModelWriter;
}

export async function createBirthCaseWorker({ connection, config, workflowBundle, taskQueue = BIRTH_CASE_TASK_QUEUE, logger = pino({ level: 'silent' }), readModel }: BirthCaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createAgencyActivities({ baseUrl: config.mockAgenciesUrl, timeoutMs: config.AGENCY_TIMEOUT_MS, token: config.AGENCY_API_TOKEN, trackingKey: config.CASE_ID_SECRET }),
    dataConverter: workerDataConverter(config),
    // Per-agency latency, failures and retries on the SDK's meter (exported with the SDK's own metrics).
    interceptors: { activity: [agencyTelemetry(Runtime.instance().metricMeter, logger)] },
    sinks: caseSinks(readModel ?? null, logger),
    ...workerTuning(config),
  });
}

/**
 * The worker's converter: the API's key ring and failure converter, but an inbound payload that is not
 * encrypted with a key of the ring is refused instead of passed through (REFUSED_PAYLOAD, which fails to
 * convert with "DataConverterError: not encrypted with the payload key"). Anyone who reaches Temporal
 * without the payload key (`temporal workflow update execute correctCase …`) cannot hand a case an input:
 * such an update is rejected before it is accepted, so the actor an update names is only ever what a
 * holder of the key (the API) wrote. (A forged signal lands in the history before any worker sees it; its
 * workflow task then fails until an operator terminates or resets the case — forging still fails.)
 */
export function workerDataConverter(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEY' | 'DATA_DIR' | 'ALLOW_DEV_SECRETS' | 'PAYLOAD_COMPRESSION'>): DataConverter {
  const keys = loadPayloadKeys({ base64: config.PAYLOAD_ENCRYPTION_KEY, dataDir: config.DATA_DIR, allowDevKey: config.ALLOW_DEV_SECRETS });
  return { ...dataConverter(config), payloadCodecs: [new EncryptionCodec(keys, { compress: config.PAYLOAD_COMPRESSION, refuseUnencrypted: 'reject-input' })] };
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
