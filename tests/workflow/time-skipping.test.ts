// The time-skipping test server runs from Maven Central's io.temporal:temporal-test-server
// (scripts/time-skipping), so the SDK never downloads a binary.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping';
import type { sleepyWorkflow } from '../../scripts/time-skipping/sleepy.workflow';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('time-skipping test server (Java, from Maven Central)', () => {
  let env: TestWorkflowEnvironment | undefined;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    // A cold run resolves ~60 MB of jars from Maven Central; warm runs take < 1 s.
    const wrapper = ensureTimeSkippingServer();
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../scripts/time-skipping/sleepy.workflow'),
    });
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: wrapper } },
    });
  }, 300_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 30 days in seconds of wall-clock time', async () => {
    if (!env) throw new Error('environment not started');
    const { client, nativeConnection } = env;
    const taskQueue = `time-skipping-${randomUUID()}`;
    const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: nativeConnection, taskQueue, workflowBundle });

    const envStart = await env.currentTimeMs();
    const wallStart = Date.now();
    const result = await worker.runUntil(
      client.workflow.execute<typeof sleepyWorkflow>('sleepyWorkflow', {
        args: [30],
        taskQueue,
        workflowId: `sleepy-${randomUUID()}`,
      }),
    );
    const wallMs = Date.now() - wallStart;
    const envAdvancedMs = (await env.currentTimeMs()) - envStart;

    expect(result.wokeAt - result.startedAt).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(envAdvancedMs).toBeGreaterThanOrEqual(30 * DAY_MS);
    // 30 days of workflow time; generous bound for a 2-core noisy machine.
    expect(wallMs).toBeLessThan(30_000);
  });
});
