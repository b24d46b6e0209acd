// The floor's worker process: the same connection, payload encryption and tuning settings as the
// birth-case worker (workers/birth-case.worker.ts), the floor workflow and its no-op activity, on its own task queue.
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../infra/config';
import { dataConverter } from '../../infra/temporal';
import { connectWorker, workerTuning } from '../../workers/birth-case.worker';
import { floorActivities } from './floor.activities';

export const FLOOR_TASK_QUEUE = 'bench-floor';

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await connectWorker(config);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: FLOOR_TASK_QUEUE,
    workflowsPath: require.resolve('./floor.workflow'),
    activities: floorActivities,
    dataConverter: dataConverter(config),
    ...workerTuning(config),
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`floor worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
