// A workflow that only sleeps: the smallest proof that the time-skipping test server
// skips timers. Imports nothing but @temporalio/workflow so it bundles on its own.
import { sleep } from '@temporalio/workflow';

export interface SleepyResult {
  /** Workflow time (ms since epoch) when the workflow started. */
  startedAt: number;
  /** Workflow time (ms since epoch) when the timer fired. */
  wokeAt: number;
}

export async function sleepyWorkflow(days: number): Promise<SleepyResult> {
  // Date.now() inside a workflow is the workflow's (server-driven) time.
  const startedAt = Date.now();
  await sleep(days * 24 * 60 * 60 * 1000);
  return { startedAt, wokeAt: Date.now() };
}
