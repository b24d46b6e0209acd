// The cluster mode end to end (scripts/cluster.mjs, issue 21): PostgreSQL, the Temporal server built from Go
// modules on it, two workers and two APIs, all real processes on a fresh data folder. A case posted to one API
// completes and both APIs answer it; with one of two workers killed mid-case, every case still completes, each
// agency holding exactly one record per case and service.
// Collected only with CLUSTER_SUITE=true (jest.config.js): `CLUSTER_SUITE=true npx jest tests/cluster`.
// Needs Go (or the built server in .cache/temporal-server) and Debian's PostgreSQL, as `npm run cluster` does.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fetchDevToken } from '../../infra/oidc/dev-token';
import { devUserId } from '../../infra/oidc/dev-users';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';

const projectRoot = resolve(__dirname, '../..');
const BUSINESS_RECORDS = [
  'healthCommission/birthCertificate=1', 'humanResources/socialSecurityCard=1', 'medicalSecurity/medicalInsurance=1',
  'publicSecurity/household=1', 'vaccination/vaccination=1',
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const dataDir = mkdtempSync(join(tmpdir(), 'birth-one-thing-cluster-'));
// PostgreSQL runs as its own user (as root): it must reach its data folder inside this one.
chmodSync(dataDir, 0o755);
const secrets = {
  JWT_SECRET: randomBytes(24).toString('hex'),
  AGENCY_CALLBACK_SECRET: randomBytes(16).toString('hex'),
  CASE_ID_SECRET: randomBytes(16).toString('hex'),
  AGENCY_API_TOKEN: randomBytes(16).toString('hex'),
  PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};
let cluster: ChildProcess;
let exited: Promise<void>;
const output: string[] = [];
const pids = new Map<string, number>();
let apis: [string, string] = ['', ''];
let agenciesUrl = '';
let clerk = '';

beforeAll(async () => {
  // The server's ports sit at fixed offsets from the frontend's (up to +767): a base from a quiet range.
  const temporalPort = 20_000 + Math.floor(Math.random() * 8_000);
  const apiPort = await freePort();
  const ports = { CLUSTER_PG_PORT: await freePort(), CLUSTER_TEMPORAL_PORT: temporalPort, PORT: apiPort, MOCK_AGENCIES_PORT: await freePort(), OIDC_PORT: await freePort() };
  apis = [`http://127.0.0.1:${apiPort}`, `http://127.0.0.1:${apiPort + 1}`];
  agenciesUrl = `http://127.0.0.1:${ports.MOCK_AGENCIES_PORT}`;
  cluster = spawn(process.execPath, [join(projectRoot, 'scripts/cluster.mjs'), '--no-web'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GOPATH: process.env.GOPATH ?? '', GOMODCACHE: process.env.GOMODCACHE ?? '',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...secrets,
      CLUSTER_DATA_DIR: dataDir,
      CLUSTER_HISTORY_SHARDS: process.env.CLUSTER_HISTORY_SHARDS ?? '4',
      ALLOW_DEV_SECRETS: 'true',
      WORKER_METRICS_PORT: '0',
      API_METRICS_PORT: '0',
      // Card production (5 agency days) takes 2.5 s: long enough to kill a worker while cases are open.
      MOCK_TIME_SCALE_SECONDS_PER_DAY: '0.5',
      AGENCY_POLL_SECONDS: '5',
      AGENCY_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((r) => cluster.once('exit', () => r()));
  const up = new Promise<void>((resolveUp, rejectUp) => {
    const read = (chunk: Buffer): void => {
      for (const line of String(chunk).split('\n')) {
        if (!line) continue;
        output.push(line.slice(0, 400));
        if (output.length > 80) output.splice(0, output.length - 80);
        const [, name, pid] = /^\[cluster\] (\S+) started \(pid (\d+)\)/.exec(line) ?? [];
        if (name && pid) pids.set(name, Number(pid));
        if (line.includes('cluster is up')) resolveUp();
      }
    };
    cluster.stdout?.on('data', read);
    cluster.stderr?.on('data', read);
    void exited.then(() => rejectUp(new Error(`the cluster exited before it was up:\n${output.join('\n')}`)));
  });
  await up;
  // A token as the token tool gets one: from the cluster's development identity provider.
  clerk = (await fetchDevToken({ issuer: `http://127.0.0.1:${ports.OIDC_PORT}`, username: devUserId({ role: 'clerk', hospitalId: 'H0001' }) as string })).accessToken;
}, 600_000);

afterAll(async () => {
  if (cluster && cluster.exitCode === null) {
    cluster.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 90_000).unref())]);
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

async function call(api: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${clerk}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function agencies(path: string): Promise<any> {
  const res = await fetch(`${agenciesUrl}${path}`, { headers: { authorization: `Bearer ${secrets.AGENCY_API_TOKEN}` }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function startCases(n: number, api: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await call(api, 'POST', '/api/cases', application());
    if (res.status !== 201) throw new Error(`case not accepted: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.caseId);
  }
  return ids;
}

/** Every case completed, read through every API; each agency holds one record per case and service. */
async function expectCompleted(ids: string[]): Promise<void> {
  await eventually(async () => {
    for (const api of apis) {
      for (const id of ids) {
        const res = await call(api, 'GET', `/api/cases/${id}`);
        if (res.status !== 200 || res.body.status !== 'completed') throw new Error(`${api} ${id}: ${res.status} ${res.body?.status ?? res.body?.error?.code}`);
      }
    }
  }, { timeoutMs: 240_000, intervalMs: 1_000 });
  for (const caseId of ids) {
    const { records } = await agencies(`/admin/records?caseId=${caseId}`);
    const business = (records as Array<{ agency: string; service: string; count: number }>).filter((r) => r.agency !== 'sms');
    expect(business.map((r) => `${r.agency}/${r.service}=${r.count}`).sort()).toEqual(BUSINESS_RECORDS);
  }
}

test('when a case is posted to one API of the cluster, then it completes and both APIs answer it', async () => {
  const caseIds = await startCases(1, apis[0]);
  await expectCompleted(caseIds);
  const [first, second] = await Promise.all([call(apis[0], 'GET', `/api/cases/${caseIds.join()}`), call(apis[1], 'GET', `/api/cases/${caseIds.join()}`)]);
  expect(first.body.status).toBe('completed');
  expect(second.body.services).toEqual(first.body.services);
}, 300_000);

test('when one of two workers is killed mid-case, then every case still completes, once', async () => {
  const ids = await startCases(4, apis[1]);
  // Mid-case: each case has reached an agency, none has finished.
  await eventually(async () => {
    const { records } = await agencies('/admin/records');
    const ours = new Set(ids);
    const n = (records as Array<{ caseId: string; count: number }>).filter((r) => ours.has(r.caseId)).reduce((s, r) => s + r.count, 0);
    if (n < ids.length) throw new Error(`only ${n} agency records so far`);
  }, { timeoutMs: 120_000, intervalMs: 200 });
  const worker = pids.get('worker-1');
  expect(worker).toBeDefined();
  process.kill(worker!, 'SIGKILL');
  await expectCompleted(ids);
  expect(output.some((line) => line.includes('worker-1 exited (SIGKILL)'))).toBe(true);
}, 360_000);
