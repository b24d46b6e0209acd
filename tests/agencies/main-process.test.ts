// The mock as its own process (`npx tsx mock-agencies/main.ts`): env parsed at boot, a ready line,
// kill -9 loses nothing, SIGTERM stops it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAgencyActivities } from '../../activities';
import { DEV_SECRETS } from '../../infra/config';
import { birthCertificateRequest, expectRetryable, failureOf, freePort, smsRequest, uniqueId } from './support';

const ROOT = resolve(__dirname, '../..');

interface Running { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function run(env: Record<string, string>): Running {
  // node with tsx's loader (not the tsx CLI, which would run the server as a grandchild out of SIGKILL's reach)
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock-agencies/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function ready(p: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!p.output().includes('mock agencies ready')) {
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`mock did not become ready:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('when the process is killed with -9 and started again, then its records and answers are all there; SIGTERM stops it cleanly', async () => {
  const port = await freePort();
  const env = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'mock-main-')),
    MOCK_AGENCIES_PORT: String(port),
    ALLOW_DEV_SECRETS: 'true',
    MOCK_FAULTS: JSON.stringify({ sms: { outageSeconds: 3600 } }),
    LOG_LEVEL: 'info',
  };
  const agencies = createAgencyActivities({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  const caseId = uniqueId('main');
  const req = birthCertificateRequest(caseId);

  const first = run(env);
  let second: Running | undefined;
  try {
    await ready(first);
    expect(first.output()).toMatch(new RegExp(`"url":"http://127.0.0.1:${port}"`));
    const issued = await agencies.issueBirthCertificate(req);
    expectRetryable(await failureOf(agencies.sendSms(smsRequest(caseId)))); // MOCK_FAULTS applied at boot
    first.child.kill('SIGKILL');
    await first.exited;

    second = run(env);
    await ready(second);
    expect(await agencies.issueBirthCertificate(req)).toEqual(issued);
    const counts = (await (await fetch(`http://127.0.0.1:${port}/admin/records?caseId=${caseId}`, { headers: { authorization: `Bearer ${DEV_SECRETS.AGENCY_API_TOKEN}` } })).json()) as { total: number };
    expect(counts.total).toBe(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('mock agencies stopped');
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
  }
});

test('when the environment is invalid, then the process exits 1 at boot and names the setting', async () => {
  const p = run({ MOCK_FAULTS: '{not json', DATA_DIR: mkdtempSync(join(tmpdir(), 'mock-main-')) });
  expect(await p.exited).toBe(1);
  expect(p.output()).toContain('MOCK_FAULTS');
});

test('when no callback secret is set outside the development stack, then the process exits 1 at boot and names it', async () => {
  const p = run({ ALLOW_DEV_SECRETS: 'false', AGENCY_CALLBACK_SECRET: '', MOCK_AGENCIES_PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'mock-main-')) });
  expect(await p.exited).toBe(1);
  expect(p.output()).toContain('AGENCY_CALLBACK_SECRET');
});
