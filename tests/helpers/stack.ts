// The whole system in one test process, with real parts: a Temporal dev server, the mock agencies over
// HTTP (their own SQLite file), the worker with the real adapters, the API on a real port, and the
// development identity provider as its own process (the API's bearer tokens and staff sign-in).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import type { AppDeps } from '../../api/app';
import type { StaffClaims } from '../../api/auth';
import type { Config } from '../../infra/config';
import { fetchDevToken } from '../../infra/oidc/dev-token';
import { devUserId } from '../../infra/oidc/dev-users';
import { startMockAgencies } from '../../mock-agencies/server';
import { createBirthCaseWorker } from '../../workers/birth-case.worker';
import { openReadModel } from '../../infra/read-model-process';
import { eventually } from './eventually';
import { startOidcProvider } from './oidc-provider-process';
import type { OidcProviderProcess } from './oidc-provider-process';
import { bundleWorkflows, startDevServer, testConfig } from './temporal';

/** The hospitals whose clerks the test provider knows (`clerk.<id>`). */
export const TEST_HOSPITALS = ['H0001', 'H0002', 'H0003', 'H0777'] as const;

/** A staff member's role and organisation; a `sub` is accepted and ignored (the provider's user id is the subject). */
export type DevStaff = (StaffClaims extends infer C ? (C extends StaffClaims ? Omit<C, 'sub'> : never) : never) & { sub?: string };

/** A provider-signed access token for the development user with these claims' role and organisation. */
export async function providerToken(issuer: string, claims: DevStaff): Promise<string> {
  const username = devUserId(claims as Parameters<typeof devUserId>[0]);
  if (!username) throw new Error(`no development user for ${JSON.stringify(claims)}`);
  return (await fetchDevToken({ issuer, username })).accessToken;
}

export interface Stack {
  apiUrl: string;
  agenciesUrl: string;
  /** headers for the mock agencies' admin routes */
  agenciesAdmin: Record<string, string>;
  config: Config;
  env: TestWorkflowEnvironment;
  /** the worker as its own process (with `workerProcess`): its pid, for SIGSTOP/SIGCONT, and its metrics URL */
  workerProcess?: { pid: number; metricsUrl: string; output(): string };
  /** the development identity provider the API trusts */
  oidc: OidcProviderProcess;
  /**
   * A provider-signed access token (the dev-user grant) for the development user of this role and
   * organisation: `sub` is that user's id (`clerk.H0001`, `officer.publicSecurity`, `admin`), whatever
   * `claims.sub` says. Hospitals: TEST_HOSPITALS.
   */
  token(claims: DevStaff): Promise<string>;
  /** fetch against the API with JSON in and out */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** polls the clerk's case view until `predicate` holds; the error names each service's status */
  caseUntil(token: string, caseId: string, predicate: (c: any) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export async function startStack(opts: { parentLimits?: AppDeps['parentLimits']; parentSignIn?: AppDeps['parentSignIn']; secondsPerDay?: number; config?: Partial<Config>; workerProcess?: boolean } = {}): Promise<Stack> {
  // A long poll interval: cards posted and reviews decided must arrive through the signed callbacks.
  const base = testConfig({ AGENCY_POLL_SECONDS: 3600, ...opts.config });
  const [env, bundle] = await Promise.all([startDevServer(base), bundleWorkflows()]);

  const http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const oidc = await startOidcProvider({
    OIDC_WEB_REDIRECT_URIS: `${apiUrl}/api/session/callback`, OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: `${apiUrl}/`,
    OIDC_DEV_HOSPITALS: TEST_HOSPITALS.join(','), OIDC_API_AUDIENCE: base.JWT_AUDIENCE,
  });

  const agencies = await startMockAgencies({
    port: 0,
    dbFile: join(base.DATA_DIR, 'mock-agencies.sqlite'),
    callbackUrl: `${apiUrl}/api/agency-callbacks`,
    callbackSecret: base.AGENCY_CALLBACK_SECRET,
    adminToken: base.AGENCY_API_TOKEN,
    secondsPerDay: opts.secondsPerDay ?? 0.2,
  });
  const config: Config = {
    ...base, mockAgenciesUrl: agencies.url,
    OIDC_ISSUER: oidc.issuer, OIDC_REDIRECT_URI: `${apiUrl}/api/session/callback`, OIDC_POST_LOGOUT_REDIRECT_URI: `${apiUrl}/`,
  };

  // The worker keeps the read model on the stack's database and the API reads it, each with its own connection (as two processes).
  const workerReadModel = openReadModel(config);
  const apiReadModel = openReadModel(config, undefined, process.env, { decodedCases: config.CASE_READ_CACHE_MAX });
  let worker: Worker | null = null;
  let running: Promise<void> = Promise.resolve();
  let child: { process: ChildProcess; pid: number; metricsUrl: string; output(): string } | null = null;
  if (opts.workerProcess) {
    child = await spawnWorker(env.address, config);
  } else {
    worker = await createBirthCaseWorker({ connection: env.nativeConnection, config, workflowBundle: bundle, readModel: workerReadModel });
    running = worker.run();
  }
  const app = createApp({
    client: env.client, config, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: agencies.url, token: config.AGENCY_API_TOKEN }), parentLimits: opts.parentLimits, readModel: apiReadModel,
    ...(opts.parentSignIn ? { parentSignIn: opts.parentSignIn } : {}),
  });
  http.on('request', app);

  const stack: Stack = {
    apiUrl,
    agenciesUrl: agencies.url,
    agenciesAdmin: { authorization: `Bearer ${config.AGENCY_API_TOKEN}` },
    config,
    env,
    ...(child ? { workerProcess: { pid: child.pid, metricsUrl: child.metricsUrl, output: child.output } } : {}),
    oidc,
    token: (claims) => providerToken(oidc.issuer, claims),
    async call(method, path, { token, body, headers = {} } = {}) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async caseUntil(token, caseId, predicate, timeoutMs = 60_000) {
      return eventually(async () => {
        const { status, body } = await stack.call('GET', `/api/cases/${caseId}`, { token });
        if (status !== 200 || !predicate(body)) throw new Error(`case ${caseId}: ${status} ${body?.status} ${JSON.stringify(body?.services ?? body)}`);
        return body;
      }, { timeoutMs, intervalMs: 100 });
    },
    async stop() {
      await new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
      worker?.shutdown();
      await running;
      if (child) await stopWorkerProcess(child.process);
      await Promise.all([workerReadModel.close(), apiReadModel.close()]);
      await agencies.close();
      await oidc.stop();
      await env.teardown();
    },
  };
  return stack;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** `npm start`'s worker entry as its own process, on the test's server, key and agencies; resolves once it polls. */
async function spawnWorker(temporalAddress: string, config: Config): Promise<{ process: ChildProcess; pid: number; metricsUrl: string; output(): string }> {
  const metricsPort = await freePort();
  const root = resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'workers/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE, DATA_DIR: config.DATA_DIR,
      MOCK_AGENCIES_URL: config.mockAgenciesUrl, AGENCY_POLL_SECONDS: String(config.AGENCY_POLL_SECONDS),
      WORKER_METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info',
      // the test's secrets, so the worker derives the same tracking codes and presents the same agency token
      ALLOW_DEV_SECRETS: 'true', JWT_SECRET: config.JWT_SECRET, CASE_ID_SECRET: config.CASE_ID_SECRET,
      AGENCY_CALLBACK_SECRET: config.AGENCY_CALLBACK_SECRET, AGENCY_API_TOKEN: config.AGENCY_API_TOKEN,
      ...(config.PAYLOAD_ENCRYPTION_KEY ? { PAYLOAD_ENCRYPTION_KEY: config.PAYLOAD_ENCRYPTION_KEY } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => { output = (output + String(d)).slice(-200_000); });
  child.stderr?.on('data', (d) => { output = (output + String(d)).slice(-200_000); });
  const deadline = Date.now() + 120_000;
  while (!output.includes('"worker ready"')) {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker not ready in 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, pid: child.pid as number, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, output: () => output };
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGCONT'); // a stopped worker cannot drain
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
