// Worker process entry: `tsx workers/main.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
// Logs are pino JSON, the SDK's own (and the workflow and activity loggers') included; metrics — the
// SDK's and the per-agency figures — are served in Prometheus format on WORKER_METRICS_PORT (/metrics).
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { LogEntry } from '@temporalio/worker';
import type pino from 'pino';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { openReadModel } from '../infra/read-model-process';
import { connectWorker, createBirthCaseWorker } from './birth-case.worker';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

function installRuntime(logger: pino.Logger, metricsAddress: string | null): void {
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry: LogEntry) => sdk[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message)),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } } : {}),
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  const metricsAddress = config.WORKER_METRICS_PORT > 0 ? `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}` : null;
  installRuntime(logger, metricsAddress);
  const connection = await connectWorker(config);
  // The read model on the project's database (issue 21): written at every publication of a case.
  const readModel = openReadModel(config, logger);
  const worker = await createBirthCaseWorker({ connection, config, logger, readModel });
  logger.info({ taskQueue: worker.options.taskQueue, temporal: config.TEMPORAL_ADDRESS, metrics: metricsAddress ? `http://${metricsAddress}/metrics` : null }, 'worker ready');
  try {
    await worker.run();
  } finally {
    await connection.close();
    await readModel.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
