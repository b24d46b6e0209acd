// The whole system in one test process, with real parts: a Temporal dev server, the mock agencies over
// HTTP (their own SQLite file), the worker with the real adapters, and the API on a real port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import type { AppDeps } from '../../api/app';
import { signStaffToken } from '../../api/auth';
import type { StaffClaims } from '../../api/auth';
import type { Config } from '../../infra/config';
import { startMockAgencies } from '../../mock-agencies/server';
import { createBirthCaseWorker } from '../../workers/birth-case.worker';
import { bundleWorkflows, startDevServer, testConfig } from './temporal';

export interface Stack {
  apiUrl: string;
  agenciesUrl: string;
  config: Config;
  env: TestWorkflowEnvironment;
  token(claims: StaffClaims): Promise<string>;
  /** fetch against the API with JSON in and out */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startStack(opts: { parentLimits?: AppDeps['parentLimits']; secondsPerDay?: number; config?: Partial<Config> } = {}): Promise<Stack> {
  // A long poll interval: cards posted and reviews decided must arrive through the signed callbacks.
  const base = testConfig({ AGENCY_POLL_SECONDS: 3600, ...opts.config });
  const [env, bundle] = await Promise.all([startDevServer(base), bundleWorkflows()]);

  const http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const agencies = await startMockAgencies({
    port: 0,
    dbFile: join(base.DATA_DIR, 'mock-agencies.sqlite'),
    callbackUrl: `${apiUrl}/api/agency-callbacks`,
    callbackSecret: base.AGENCY_CALLBACK_SECRET,
    secondsPerDay: opts.secondsPerDay ?? 0.2,
  });
  const config: Config = { ...base, mockAgenciesUrl: agencies.url };

  const worker: Worker = await createBirthCaseWorker({ connection: env.nativeConnection, config, workflowBundle: bundle });
  const running = worker.run();
  const app = createApp({
    client: env.client, config, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: agencies.url }), parentLimits: opts.parentLimits,
  });
  http.on('request', app);

  return {
    apiUrl,
    agenciesUrl: agencies.url,
    config,
    env,
    token: (claims) => signStaffToken(claims, config.JWT_SECRET),
    async call(method, path, { token, body, headers = {} } = {}) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async stop() {
      await new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
      worker.shutdown();
      await running;
      await agencies.close();
      await env.teardown();
    },
  };
}
