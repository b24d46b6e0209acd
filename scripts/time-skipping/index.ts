// Time-skipping tests without the SDK downloading a server: Temporal's Java test
// server comes from Maven Central (see pom.xml, ensure.sh and the test-server wrapper).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';

const ENSURE_SCRIPT = path.join(__dirname, 'ensure.sh');

/**
 * Resolves the Java test server (idempotent; the first run downloads ~60 MB from
 * Maven Central, later runs return in well under a second) and returns the path of
 * the executable wrapper to hand to the SDK as an 'existing-path' server.
 * Throws with ensure.sh's own message (e.g. java or mvn missing) when it fails.
 */
export function ensureTimeSkippingServer(): string {
  const res = spawnSync('bash', [ENSURE_SCRIPT], { encoding: 'utf8', timeout: 10 * 60_000 });
  if (res.error) {
    throw new Error(`time-skipping: could not run ${ENSURE_SCRIPT}: ${res.error.message}`);
  }
  if (res.status !== 0) {
    throw new Error(`time-skipping: ${ENSURE_SCRIPT} exited with ${res.status ?? res.signal}:\n${res.stderr}`);
  }
  const lines = res.stdout.trim().split('\n');
  const wrapper = lines[lines.length - 1];
  if (!wrapper) {
    throw new Error(`time-skipping: ${ENSURE_SCRIPT} printed no wrapper path:\n${res.stderr}`);
  }
  return wrapper;
}

/** A time-skipping TestWorkflowEnvironment backed by the Maven-resolved Java test server. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const wrapper = ensureTimeSkippingServer();
  return await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: wrapper } },
  });
}
