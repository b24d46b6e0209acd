// The whole system as real, separate processes — the Temporal dev server (SQLite file), the mock agencies,
// any number of workers, the development identity provider and the API, each started from its own entry
// point (`node --import tsx …`) — so a test or the benchmark can kill -9 one of them and start it again on
// the same files and ports.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliSearchAttributes } from '../../scripts/search-attributes';
import { eventually } from './eventually';
import { providerToken, TEST_HOSPITALS } from './stack';
import type { DevStaff } from './stack';

const projectRoot = resolve(__dirname, '../..');

export type PartName = 'temporal' | 'agencies' | 'oidc' | 'api' | `worker-${string}`;

interface Part {
  name: PartName;
  child: ChildProcess;
  /** the last lines it wrote, shown when something fails */
  tail: string[];
  exited: Promise<void>;
}

export interface ProcessStackOptions {
  /** real seconds per agency day (card production is 5 days) */
  secondsPerDay?: number;
  agencyPollSeconds?: number;
  /** more environment for every part (worker tuning, timeouts) */
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((r) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); r(true); });
    socket.once('error', () => r(false));
  });

export class ProcessStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'birth-one-thing-procs-'));
  readonly temporalDb = join(this.dataDir, 'temporal.sqlite');
  readonly env: Record<string, string> & { JWT_SECRET: string; TEMPORAL_ADDRESS: string; AGENCY_API_TOKEN: string };
  readonly ports: { api: number; temporal: number; agencies: number; oidc: number };
  private readonly parts = new Map<PartName, Part>();
  private readonly temporalCli = execFileSync(process.execPath, [join(projectRoot, 'scripts/temporal-cli.mjs')], { encoding: 'utf8' }).trim();

  private constructor(ports: ProcessStack['ports'], opts: ProcessStackOptions) {
    this.ports = ports;
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ALLOW_DEV_SECRETS: 'true',
      // Own secrets, so nothing depends on development defaults, and one payload key for every process.
      JWT_SECRET: randomBytes(24).toString('hex'),
      AGENCY_CALLBACK_SECRET: randomBytes(16).toString('hex'),
      CASE_ID_SECRET: randomBytes(16).toString('hex'),
      AGENCY_API_TOKEN: randomBytes(16).toString('hex'),
      PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: this.dataDir,
      PORT: String(ports.api),
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      MOCK_AGENCIES_PORT: String(ports.agencies),
      MOCK_AGENCIES_URL: `http://127.0.0.1:${ports.agencies}`,
      AGENCY_CALLBACK_URL: `http://127.0.0.1:${ports.api}/api/agency-callbacks`,
      MOCK_TIME_SCALE_SECONDS_PER_DAY: String(opts.secondsPerDay ?? 0.2),
      AGENCY_POLL_SECONDS: String(opts.agencyPollSeconds ?? 5),
      // the development identity provider (keys generated under the data dir) and the API as its client
      OIDC_PORT: String(ports.oidc),
      OIDC_ISSUER: `http://127.0.0.1:${ports.oidc}`,
      OIDC_WEB_REDIRECT_URIS: `http://127.0.0.1:${ports.api}/api/session/callback`,
      OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: `http://127.0.0.1:${ports.api}/`,
      OIDC_DEV_HOSPITALS: TEST_HOSPITALS.join(','),
      AGENCY_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'warn',
      // No metrics endpoint: several workers (and other stacks) run on this machine at once.
      WORKER_METRICS_PORT: '0',
      ...opts.env,
    };
  }

  static async create(opts: ProcessStackOptions = {}): Promise<ProcessStack> {
    return new ProcessStack({ api: await freePort(), temporal: await freePort(), agencies: await freePort(), oidc: await freePort() }, opts);
  }

  get apiUrl(): string { return `http://127.0.0.1:${this.ports.api}`; }
  get agenciesUrl(): string { return `http://127.0.0.1:${this.ports.agencies}`; }

  /** The pid of a running part (to read its memory), or undefined. */
  pid(name: PartName): number | undefined { return this.parts.get(name)?.child.pid; }
  running(name: PartName): boolean { return this.parts.has(name); }

  private launch(name: PartName, command: string, args: string[], env: Record<string, string> = {}): Part {
    if (this.parts.has(name)) throw new Error(`${name} is already running`);
    const child = spawn(command, args, { cwd: projectRoot, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer): void => {
      for (const line of String(chunk).split('\n')) if (line) tail.push(line.slice(0, 500));
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // The caller's awaits keep it alive while it needs a part; a part never keeps the caller from exiting.
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    const exited = new Promise<void>((r) => child.once('exit', () => {
      if (this.parts.get(name)?.child === child) this.parts.delete(name);
      // Its pipes may outlive it (a grandchild holding them): nothing more is read from a dead process.
      child.stdout?.destroy();
      child.stderr?.destroy();
      r();
    }));
    const part = { name, child, tail, exited };
    this.parts.set(name, part);
    return part;
  }

  private async ready(part: Part, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
    await eventually(async () => {
      if (!this.parts.has(part.name)) throw new Error(`${part.name} exited while starting:\n${part.tail.join('\n')}`);
      if (!(await check().catch(() => false))) throw new Error(`${part.name} not ready in ${timeoutMs / 1000} s:\n${part.tail.join('\n')}`);
    }, { timeoutMs, intervalMs: 250 });
  }

  private tsx(name: PartName, entry: string, env: Record<string, string> = {}): Part {
    return this.launch(name, process.execPath, ['--import', 'tsx', entry], env);
  }

  async startTemporal(): Promise<void> {
    const part = this.launch('temporal', this.temporalCli, [
      'server', 'start-dev', '--headless', '--db-filename', this.temporalDb, '--ip', '127.0.0.1', '--port', String(this.ports.temporal),
      '--log-level', 'error', ...cliSearchAttributes().flatMap((sa) => ['--search-attribute', sa]),
    ]);
    await this.ready(part, async () => {
      if (!(await portOpen(this.ports.temporal))) return false;
      execFileSync(this.temporalCli, ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', this.env.TEMPORAL_ADDRESS], { stdio: 'ignore', timeout: 10_000 });
      return true;
    });
  }

  async startAgencies(extraEnv: Record<string, string> = {}): Promise<void> {
    const part = this.tsx('agencies', 'mock-agencies/main.ts', extraEnv);
    await this.ready(part, async () => (await fetch(`${this.agenciesUrl}/healthz`)).ok);
  }

  /** A worker process on the birth-case task queue (or another entry point, e.g. the benchmark's floor). */
  async startWorker(id: string, entry = 'workers/main.ts', extraEnv: Record<string, string> = {}): Promise<void> {
    // The worker says "worker ready" at info level once it polls.
    const part = this.tsx(`worker-${id}`, entry, { LOG_LEVEL: 'info', ...extraEnv });
    await this.ready(part, async () => part.tail.some((l) => l.includes('worker ready')));
  }

  /** The development identity provider (scripts/oidc-provider.ts); the API reads its keys from it. */
  async startOidc(): Promise<void> {
    const part = this.tsx('oidc', 'scripts/oidc-provider.ts', { OIDC_HOST: '127.0.0.1' });
    await this.ready(part, async () => part.tail.some((l) => l.includes('"msg":"oidc-provider ready"')));
  }

  async startApi(extraEnv: Record<string, string> = {}, entry = 'api/server.ts'): Promise<void> {
    const part = this.tsx('api', entry, extraEnv);
    await this.ready(part, async () => (await fetch(`${this.apiUrl}/readyz`)).ok);
  }

  async startAll(workers = 1): Promise<void> {
    await this.startTemporal();
    await Promise.all([this.startAgencies(), this.startOidc()]);
    await Promise.all([...Array.from({ length: workers }, (_, i) => this.startWorker(String(i + 1))), this.startApi()]);
  }

  /** Sends a signal (SIGKILL by default) and waits until the process is gone. */
  async kill(name: PartName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const part = this.parts.get(name);
    if (!part) throw new Error(`${name} is not running`);
    part.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([part.exited.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), 20_000); })]);
    clearTimeout(timer);
    if (!gone) {
      part.child.kill('SIGKILL');
      await part.exited;
    }
  }

  logs(name: PartName): string { return this.parts.get(name)?.tail.join('\n') ?? ''; }

  /** A provider-signed access token for the development user of this role and organisation (see stack.ts). */
  token(claims: DevStaff): Promise<string> { return providerToken(this.env.OIDC_ISSUER as string, claims); }

  async call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async agencies(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.agenciesUrl}${path}`, {
      method, headers: { authorization: `Bearer ${this.env.AGENCY_API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Stops everything, API first and the Temporal server last. */
  async stop(): Promise<void> {
    const order = [...this.parts.keys()].sort((a, b) => rank(a) - rank(b));
    for (const name of order) await this.kill(name, 'SIGTERM').catch(() => undefined);
  }
}

const rank = (name: PartName): number => (name === 'api' ? 0 : name.startsWith('worker') ? 1 : name === 'agencies' || name === 'oidc' ? 2 : 3);
