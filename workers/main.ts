// Worker process entry: `tsx workers/main.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { connectWorker, createBirthCaseWorker } from './birth-case.worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  const connection = await connectWorker(config);
  const worker = await createBirthCaseWorker({ connection, config });
  logger.info({ taskQueue: worker.options.taskQueue, temporal: config.TEMPORAL_ADDRESS }, 'worker ready');
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
