// `npm run bench`: the orchestrator against its floor, side by side in one run on the real stack (a Temporal
// backend, mock agencies over HTTP, worker and API as separate processes). Prints ratios, the machine and
// the settings, and the targets as a markdown table (bench/tables.ts); writes the figures to
// bench/results/<time>-<backend>.json (or BENCH_RESULTS_FILE). Sizes (defaults = the issue's):
//   BENCH_CASES=500  BENCH_READ_SECONDS=10  BENCH_READ_CONNECTIONS=50  BENCH_WAITING=1000,10000
//   BENCH_BACKLOG=1000  BENCH_OUTAGE_SECONDS=30  BENCH_DISTINCT_CASES=1000  BENCH_READ_MODEL_CASES=100000
//   BENCH_PARTS=orchestration,reads,reads-distinct,stopped-worker,waiting,backlog,read-model-scale
// BENCH_BACKEND (issue 21): `embedded` (default) — the Temporal CLI's dev server on a fresh SQLite file, the
// project's database (access records, sessions, the read model) on SQLite; `cluster` — PostgreSQL and the
// Temporal server built from Go modules as `npm run cluster` runs them (bench/cluster-backend.mjs: fresh data
// folder, free ports, CLUSTER_HISTORY_SHARDS, default 4), DATABASE_URL its project database. The same one
// worker, floor worker and API either way. `npm run bench -- --backend cluster` or BENCH_BACKENDS=embedded,cluster
// (scripts/bench.mjs) runs this once per backend.
// read-model-scale: BENCH_READ_MODEL_CASES synthetic finished cases loaded into a read model on the backend's
// database (a database of its own: SQLite file, or PostgreSQL database read_model_scale), then its lists and
// dashboard timed (bench/read-model-scale.ts); run last.
// stopped-worker: with the worker stopped (SIGSTOP), how long the clerk's read, the parents' tracking and the
// audit take, and how soon after SIGCONT a change made meanwhile shows (the target: under a second each;
// moved here from tests/e2e/reads.e2e.test.ts, which keeps only that they answer).
// Worker tuning passes through: WORKER_MAX_CACHED_WORKFLOWS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
// WORKER_MAX_CONCURRENT_ACTIVITIES (see bench/RESULTS.md).
// BENCH_API_PROFILE=<dir>: the API runs under the V8 sampling profiler and writes api-<phase>.cpuprofile
// there, one per read phase (open it in Chrome DevTools, or summarise it by part of the request path:
// `npx tsx bench/profile-summary.ts <file> --groups`); BENCH_PROFILE_DIR (below) profiles every process
// over the whole run instead — use one or the other.
// BENCH_API_NODE_OPTIONS: the API process's NODE_OPTIONS (e.g. --max-semi-space-size=32).
// BENCH_KEEP_DATA=true: the stack's data folder is kept (removed at the end otherwise).
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../infra/config';
import { openMigratedDatabase } from '../infra/database';
import type { DatabaseOptions } from '../infra/database';
import { EncryptionCodec } from '../infra/payload-codec';
import { createReadModel, readModelSchema } from '../infra/read-model';
import { createClient } from '../infra/temporal';
import { cliSearchAttributes } from '../scripts/search-attributes';
import { application } from '../tests/helpers/fixtures';
import { ProcessStack } from '../tests/helpers/processes';
import { birthCaseWorkflowId } from '../workflows/birth-case.contract';
import { startClusterBackend } from './cluster-backend.mjs';
import { FLOOR_TASK_QUEUE } from './floor/worker';
import { measureReadModel, seedFinishedCases } from './read-model-scale';
import { markdownTables } from './tables';
import type { BenchResults } from './tables';

const env = process.env;
const num = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);
const SIZES = {
  cases: num('BENCH_CASES', 500),
  readSeconds: num('BENCH_READ_SECONDS', 10),
  readConnections: num('BENCH_READ_CONNECTIONS', 50),
  distinctCases: num('BENCH_DISTINCT_CASES', 1000),
  waiting: (env.BENCH_WAITING ?? '1000,10000').split(',').map(Number),
  backlog: num('BENCH_BACKLOG', 1000),
  outageSeconds: num('BENCH_OUTAGE_SECONDS', 30),
  readModelCases: num('BENCH_READ_MODEL_CASES', 100_000),
};
const PARTS = new Set((env.BENCH_PARTS ?? 'orchestration,reads,reads-distinct,stopped-worker,waiting,backlog,read-model-scale').split(','));
const BACKEND = ((name: string): 'embedded' | 'cluster' => {
  if (name !== 'embedded' && name !== 'cluster') throw new Error(`BENCH_BACKEND must be embedded or cluster, not ${name}`);
  return name;
})(env.BENCH_BACKEND ?? 'embedded');
const TUNING = Object.fromEntries(Object.entries(env).filter(([k, v]) => (k.startsWith('WORKER_') || k.startsWith('CASE_READ_')) && v !== undefined)) as Record<string, string>;
const AGENCIES = ['healthCommission', 'vaccination', 'publicSecurity', 'medicalSecurity', 'humanResources', 'sms'];

/**
 * The API's own extra environment: it profiles itself, one profile per read phase (bench/api-with-floor.ts),
 * when BENCH_API_PROFILE names a directory; BENCH_API_NODE_OPTIONS (V8 flags, say) are added to its
 * NODE_OPTIONS (after the stack's, so BENCH_PROFILE_DIR's preload stays).
 */
const apiEnv = (stackNodeOptions: string | undefined): Record<string, string> => ({
  METRICS_TOKEN: API_METRICS_TOKEN,
  ...(env.BENCH_API_PROFILE ? { BENCH_API_PROFILE: resolve(env.BENCH_API_PROFILE) } : {}),
  ...(env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: [stackNodeOptions, env.BENCH_API_NODE_OPTIONS].filter(Boolean).join(' ') } : {}),
});

const log = (m: string): void => { process.stdout.write(`[bench] ${m}\n`); };

/** The API's /metrics token (this run's own): the bench reads where the case reads were served from. */
const API_METRICS_TOKEN = randomBytes(32).toString('base64url');

/** The API's case reads so far, by source (`birth_case_api_case_reads_total`: cache, readModel, memo, query). */
async function caseReadsBySource(apiUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`, { headers: { authorization: `Bearer ${API_METRICS_TOKEN}` } })).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^birth_case_api_case_reads_total\{source="([a-zA-Z]+)"\} (\d+)/gm)) counts[m[1] as string] = Number(m[2]);
  return counts;
}
const minus = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
/** Bytes per case each table grew by between two readings, the tables that grew only, largest first. */
function tableGrowth(before: Record<string, number>, after: Record<string, number>, cases: number): Record<string, number> {
  const grown = Object.entries(after).map(([table, bytes]): [string, number] => [table, Math.round((bytes - (before[table] ?? 0)) / cases)]);
  return Object.fromEntries(grown.filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]));
}
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Distinct, valid applications: births 3 min apart, alternating sex (the mock issues ≤ 499 IDs per region, day and sex). */
let born = 0;
function benchApplication(opts: { named: boolean }): ReturnType<typeof application> {
  born += 1;
  const birthAt = new Date(Date.now() - 2 * 86_400_000 - born * 180_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const base = application({ newborn: { birthAt, sex: born % 2 ? 'F' : 'M' } });
  return { ...base, newborn: { ...base.newborn, ...(opts.named ? {} : { name: undefined }) }, consent: { signedBy: 'mother', signedAt: birthAt } };
}

/** Fails instead of hanging when a phase makes no headway (a workflow task failing over and over, say). */
async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms / 1000} s`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` over 0..n-1 with at most `width` at once. */
async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

interface RunFigures { cases: number; seconds: number; casesPerSecond: number; p50Ms: number; p95Ms: number }

function figures(starts: number[], ends: number[]): RunFigures {
  const lat = ends.map((e, i) => e - (starts[i] as number)).sort((a, b) => a - b);
  const seconds = (Math.max(...ends) - Math.min(...starts)) / 1000;
  return { cases: ends.length, seconds: round(seconds), casesPerSecond: round(ends.length / seconds), p50Ms: Math.round(pct(lat, 50)), p95Ms: Math.round(pct(lat, 95)) };
}

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024, 1) : NaN;
}

/** Every process's parent and CPU clock ticks (user + system, and of its children it has waited for). */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // fields from the state on: ppid 1, utime 11, stime 12, cutime 13, cstime 14 (clock ticks, 100 Hz)
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch { /* gone meanwhile */ }
  }
  return table;
}

/** CPU seconds a process and everything below it have used so far (PostgreSQL's backends are its children). */
function treeCpuSeconds(table: Map<number, { ppid: number; ticks: number }>, pid: number | undefined): number {
  if (!pid || !table.has(pid)) return NaN;
  let ticks = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop() as number;
    ticks += table.get(p)?.ticks ?? 0;
    for (const [child, { ppid }] of table) if (ppid === p) queue.push(child);
  }
  return ticks / 100;
}

/** The commit measured, and the files that differed from it (others edit the same working tree). */
function gitState(): { commit: string; modified: string[] } | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: resolve(__dirname, '..'), encoding: 'utf8', timeout: 10_000 });
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), modified: git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).map((l) => l.slice(3)) };
  } catch {
    return null;
  }
}

/** Where the Temporal server runs, and what it leaves on disk: the dev server on SQLite, or the cluster. */
interface Backend {
  name: 'embedded' | 'cluster';
  /** the stack's environment for it (the Temporal address, the project's database) */
  env: Record<string, string>;
  /** starts what the stack must start itself (the dev server) */
  start(stack: ProcessStack): Promise<void>;
  /** the backend's processes whose CPU is counted */
  pids(stack: ProcessStack): Record<string, number | undefined>;
  /** the Temporal server's database on disk, bytes */
  serverDbBytes(stack: ProcessStack): number;
  /** the same by table (`database.table`, with its indexes), where the backend can tell */
  serverTableBytes?(): Record<string, number>;
  /** the mean size of a workflow's live mutable-state row, by workflow id prefix, where the backend can tell */
  executionRowBytes?(prefix: string): number;
  /** a database of its own for the read model at scale */
  scaleDatabase(stack: ProcessStack): DatabaseOptions;
  detail: Record<string, unknown>;
  stop(): Promise<void>;
}

async function openBackend(name: 'embedded' | 'cluster'): Promise<Backend> {
  if (name === 'embedded') {
    return {
      name, env: {}, detail: { temporal: 'Temporal CLI dev server (SQLite file)' },
      start: (stack) => stack.startTemporal(),
      pids: (stack) => ({ temporal: stack.pid('temporal') }),
      serverDbBytes: (stack) => ['', '-wal', '-shm'].reduce((sum, ext) => { try { return sum + statSync(stack.temporalDb + ext).size; } catch { return sum; } }, 0),
      scaleDatabase: (stack) => ({ dialect: 'sqlite', file: join(stack.dataDir, 'read-model-scale.sqlite'), statementTimeoutMs: 600_000 }),
      stop: async () => undefined,
    };
  }
  const cluster = await startClusterBackend({ searchAttributes: cliSearchAttributes(), historyShards: num('CLUSTER_HISTORY_SHARDS', 4) });
  return {
    name, detail: cluster.detail,
    env: { TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, DATABASE_URL: cluster.databaseUrl },
    start: async () => undefined,
    pids: () => cluster.pids(),
    serverDbBytes: () => cluster.serverDatabaseBytes(),
    serverTableBytes: () => cluster.serverTableBytes(),
    executionRowBytes: (prefix) => cluster.executionRowBytes(prefix),
    scaleDatabase: () => ({ dialect: 'postgres', url: cluster.scaleDatabaseUrl, statementTimeoutMs: 600_000 }),
    stop: () => cluster.stop(),
  };
}

/** Where the CPU went during `fn`: seconds per process (this one included: autocannon, seeding) — says what limits a figure. */
async function cpuOf<T>(stack: ProcessStack, backend: Backend, fn: () => Promise<T>): Promise<{ value: T; cpuSeconds: Record<string, number>; loadavg: number[] }> {
  const pids = (): Record<string, number | undefined> => ({ ...backend.pids(stack), ...Object.fromEntries((['worker-1', 'worker-floor', 'api', 'agencies'] as const).map((p) => [p, stack.pid(p)])) });
  const sample = (): Record<string, number> => {
    const table = processTable();
    const own = process.cpuUsage();
    return { ...Object.fromEntries(Object.entries(pids()).map(([name, pid]) => [name, treeCpuSeconds(table, pid)])), bench: (own.user + own.system) / 1e6 };
  };
  const load0 = loadavg()[0] as number;
  const before = sample();
  const value = await fn();
  const after = sample();
  const cpu = Object.fromEntries(Object.entries(after).filter(([name]) => Number.isFinite(before[name])).map(([name, x]) => [name, round(x - (before[name] as number), 1)]));
  return { value, cpuSeconds: cpu, loadavg: [round(load0), round(loadavg()[0] as number)] };
}

/** Reads answered from the memo while the worker is stopped, and how soon a change shows once it runs again. */
async function stoppedWorkerReads(
  stack: ProcessStack, clerk: string, startWaitingCase: () => Promise<{ caseId: string; trackingCode: string }>,
): Promise<Record<string, unknown>> {
  const worker = stack.pid('worker-1');
  if (!worker) throw new Error('stopped-worker: no worker process');
  const { caseId, trackingCode } = await startWaitingCase();
  const untilT0 = Date.now();
  while ((await stack.call('GET', `/api/cases/${caseId}`, { token: clerk })).body?.status !== 'action_required') {
    if (Date.now() - untilT0 > 60_000) throw new Error('stopped-worker: the case did not ask for the name');
    await sleep(200);
  }
  const timedMs = async (fn: () => Promise<{ status: number }>): Promise<number> => {
    const t0 = performance.now();
    const r = await fn();
    if (r.status !== 200) throw new Error(`stopped-worker: answered ${r.status}`);
    return Math.round(performance.now() - t0);
  };
  process.kill(worker, 'SIGSTOP');
  try {
    const clerkReadMs = await timedMs(() => stack.call('GET', `/api/cases/${caseId}`, { token: clerk }));
    const parentTrackMs = await timedMs(() => stack.call('POST', '/api/track', { body: { trackingCode, phoneLast4: '8000' } }));
    const auditMs = await timedMs(() => stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk }));
    const named = stack.call('POST', '/api/track/input', { body: { trackingCode, phoneLast4: '8000', input: { newbornName: '李安然' } } });
    const resumedAt = performance.now();
    process.kill(worker, 'SIGCONT');
    while ((await stack.call('GET', `/api/cases/${caseId}`, { token: clerk })).body?.newborn?.name !== '李安然') {
      if (performance.now() - resumedAt > 30_000) throw new Error('stopped-worker: the name never showed');
      await sleep(20);
    }
    const changeShownMs = Math.round(performance.now() - resumedAt);
    await named;
    const targetMs = 1000;
    const within = [clerkReadMs, parentTrackMs, auditMs, changeShownMs].every((ms) => ms < targetMs);
    return { clerkReadMs, parentTrackMs, auditMs, changeShownMs, targetMs, withinTarget: within };
  } finally {
    process.kill(worker, 'SIGCONT');
  }
}

async function main(): Promise<void> {
  // BENCH_PROFILE_DIR=<dir>: every Node process of the stack samples its CPU and writes a .cpuprofile there
  // when it exits at the end of the run (bench/cpu-profile.cjs).
  const nodeOptions: Record<string, string> = env.BENCH_PROFILE_DIR
    ? { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}`, BENCH_PROFILE_DIR: env.BENCH_PROFILE_DIR }
    : {};
  const loadavgAtStart = loadavg().map((x) => round(x));
  const startedAt = new Date();
  log(`backend ${BACKEND}: starting…`);
  const backend = await openBackend(BACKEND);
  const stack = await ProcessStack.create({
    secondsPerDay: 0.001, agencyPollSeconds: 1, env: { ...TUNING, ...nodeOptions, AGENCY_TIMEOUT_MS: '10000', ...backend.env },
  }).catch(async (err: unknown) => { await backend.stop(); throw err; });
  const results: Record<string, unknown> = {
    backend: backend.name,
    backendDetail: backend.detail,
    startedAt: startedAt.toISOString(),
    git: gitState(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version, loadavgAtStart },
    sizes: SIZES,
    parts: [...PARTS],
    tuning: TUNING,
  };
  log(`machine ${JSON.stringify(results.machine)}`);
  log(`sizes ${JSON.stringify(SIZES)} tuning ${JSON.stringify(TUNING)}`);
  let client: Client | undefined;
  // No part outlives this process, whatever ends it (the cluster's supervisor exits when its server dies).
  process.once('exit', () => {
    for (const part of ['api', 'worker-1', 'worker-floor', 'agencies', 'oidc', 'temporal'] as const) {
      const pid = stack.pid(part);
      if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
  const interrupted = (): void => { void stack.stop().then(() => backend.stop()).finally(() => process.exit(130)); };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const cpu = <T>(fn: () => Promise<T>) => cpuOf(stack, backend, fn);
  try {
    await backend.start(stack);
    await Promise.all([stack.startAgencies(), stack.startOidc()]);
    await Promise.all([stack.startWorker('1'), stack.startWorker('floor', 'bench/floor/worker.ts'), stack.startApi(apiEnv(stack.env.NODE_OPTIONS), 'bench/api-with-floor.ts')]);
    client = createClient(loadConfig({ ...stack.env }));
    const c = client;
    const clerk = await stack.token({ sub: 'clerk-bench', role: 'clerk', hospitalId: 'H0001' });

    const startCase = async (named = true): Promise<{ caseId: string; trackingCode: string; startedAt: number }> => {
      const startedAt = Date.now();
      const res = await stack.call('POST', '/api/cases', { token: clerk, body: benchApplication({ named }) });
      if (res.status !== 201) throw new Error(`case not accepted: ${res.status} ${JSON.stringify(res.body)}`);
      return { caseId: res.body.caseId, trackingCode: res.body.trackingCode, startedAt };
    };
    const runBirthCases = async (n: number): Promise<{ ids: string[]; figures: RunFigures }> => {
      const ends: number[] = [];
      const starts: number[] = [];
      const ids: string[] = [];
      const done: Array<Promise<void>> = [];
      await pool(n, 25, async (i) => {
        const s = await startCase();
        starts[i] = s.startedAt;
        ids[i] = s.caseId;
        done.push(c.workflow.getHandle(birthCaseWorkflowId(s.caseId)).result().then(() => { ends[i] = Date.now(); }));
      });
      await within(`${n} birth cases`, 300_000 + n * 1000, Promise.all(done));
      return { ids, figures: figures(starts, ends) };
    };
    const runFloor = async (n: number, tag: string): Promise<{ ids: string[]; figures: RunFigures }> => {
      const ends: number[] = [];
      const starts: number[] = [];
      const done: Array<Promise<void>> = [];
      await pool(n, 25, async (i) => {
        starts[i] = Date.now();
        const h = await c.workflow.start('floorWorkflow', { taskQueue: FLOOR_TASK_QUEUE, workflowId: `floor-${tag}-${i}`, args: [`${tag}-${i}`] });
        done.push(h.result().then(() => { ends[i] = Date.now(); }));
      });
      await within(`${n} floor workflows`, 300_000 + n * 1000, Promise.all(done));
      return { ids: Array.from({ length: n }, (_, i) => `floor-${tag}-${i}`), figures: figures(starts, ends) };
    };
    /** The history events of each completed workflow (its whole history, the close included). */
    const historyEvents = async (workflowIds: string[]): Promise<{ workflows: number; mean: number; max: number; min: number; longest: Record<string, number> }> => {
      const lengths = await pool(workflowIds.length, 10, async (i) => (await c.workflow.getHandle(workflowIds[i] as string).describe()).historyLength);
      // what the longest history is made of: events by type (says where the events above the floor's come from)
      const longest: Record<string, number> = {};
      for (const event of (await c.workflow.getHandle(workflowIds[lengths.indexOf(Math.max(...lengths))] as string).fetchHistory()).events ?? []) {
        const type = (temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
        longest[type] = (longest[type] ?? 0) + 1;
      }
      return { workflows: lengths.length, mean: round(lengths.reduce((a, b) => a + b, 0) / lengths.length, 1), max: Math.max(...lengths), min: Math.min(...lengths), longest };
    };

    let floorRate = NaN;
    let completedCase = '';
    if (PARTS.has('orchestration') || PARTS.has('backlog')) {
      log('warm-up: 20 floor workflows, 20 birth cases');
      await runFloor(20, 'warm');
      completedCase = (await runBirthCases(20)).ids[0] as string;
      const n = PARTS.has('orchestration') ? SIZES.cases : 100;
      log(`orchestration: ${n} floor workflows, then ${n} birth cases (zero-latency agencies)`);
      const dbBefore = backend.serverDbBytes(stack);
      const tablesBefore = backend.serverTableBytes?.();
      const { value: { ids: floorIds, figures: floor }, cpuSeconds: floorCpu, loadavg: floorLoad } = await cpu(() => runFloor(n, 'run'));
      const dbAfterFloor = backend.serverDbBytes(stack);
      const tablesAfterFloor = backend.serverTableBytes?.();
      const { value: { ids: birthIds, figures: birth }, cpuSeconds: birthCpu, loadavg: birthLoad } = await cpu(() => runBirthCases(n));
      const dbAfterBirth = backend.serverDbBytes(stack);
      const tablesAfterBirth = backend.serverTableBytes?.();
      floorRate = floor.casesPerSecond;
      const floorEvents = await historyEvents(floorIds);
      const birthEvents = await historyEvents(birthIds.map(birthCaseWorkflowId));
      results.orchestration = {
        floor, birth,
        ratioCasesPerSecond: round(birth.casesPerSecond / floor.casesPerSecond),
        ratioP95: round(birth.p95Ms / floor.p95Ms),
        historyEvents: { floor: floorEvents, birth: birthEvents, ratioMean: round(birthEvents.mean / floorEvents.mean), ratioMax: round(birthEvents.max / floorEvents.max) },
        serverDbBytesPerFinishedCase: Math.round((dbAfterBirth - dbAfterFloor) / n),
        serverDbBytesPerFloorWorkflow: Math.round((dbAfterFloor - dbBefore) / n),
        ...(tablesBefore && tablesAfterFloor && tablesAfterBirth
          ? { serverDbGrowthPerCase: { floor: tableGrowth(tablesBefore, tablesAfterFloor, n), birth: tableGrowth(tablesAfterFloor, tablesAfterBirth, n) } }
          : {}),
        ...(backend.executionRowBytes
          ? { executionRowBytes: { floor: backend.executionRowBytes(`floor-run-`), birth: backend.executionRowBytes(birthCaseWorkflowId('')) } }
          : {}),
        cpuSeconds: { floor: floorCpu, birth: birthCpu },
        loadavg: { floor: floorLoad, birth: birthLoad },
      };
      log(`orchestration ${JSON.stringify(results.orchestration)}`);
    }

    if (PARTS.has('reads')) {
      if (!completedCase) completedCase = (await runBirthCases(1)).ids[0] as string;
      const waiting = await startCase(false);
      await sleep(2000);
      const read = async (name: string, opts: { path: string; method?: 'GET' | 'POST'; body?: unknown; token?: string }) => {
        if (env.BENCH_API_PROFILE) await fetch(`${stack.apiUrl}/bench/profile/reads-${name.replace(/[^a-z]+/g, '-')}`, { method: 'POST' });
        const { value: r, cpuSeconds } = await cpu(() => autocannon({
          url: `${stack.apiUrl}${opts.path}`, method: opts.method ?? 'GET', connections: SIZES.readConnections, duration: SIZES.readSeconds,
          headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}) },
          ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
        }));
        const fig = { requestsPerSecond: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, cpuSeconds };
        log(`reads ${name} ${JSON.stringify(fig)}`);
        return fig;
      };
      const bare = await read('bare route', { path: '/bench/floor' });
      const clerkOpen = await read('clerk read (open case)', { path: `/api/cases/${waiting.caseId}`, token: clerk });
      const clerkDone = await read('clerk read (completed case)', { path: `/api/cases/${completedCase}`, token: clerk });
      const parent = await read('parent tracking (open case)', { path: '/api/track', method: 'POST', body: { trackingCode: waiting.trackingCode, phoneLast4: '8000' } });
      const ratio = (f: { requestsPerSecond: number }) => round(f.requestsPerSecond / bare.requestsPerSecond, 3);
      if (env.BENCH_API_PROFILE) await fetch(`${stack.apiUrl}/bench/profile/after-reads`, { method: 'POST' });
      results.reads = { bare, clerkOpen, clerkDone, parent, ratios: { clerkOpen: ratio(clerkOpen), clerkDone: ratio(clerkDone), parent: ratio(parent) } };
    }

    if (PARTS.has('reads-distinct')) {
      // Issue 21: many distinct cases read in turn (no case read twice within the API's cache time), so every
      // read reaches the read model (or, before it, Temporal): the clerk's case and the parents' tracking.
      const n = SIZES.distinctCases;
      log(`reads-distinct: ${n} birth cases, then each read in turn at ${SIZES.readConnections} connections`);
      const started: Array<{ caseId: string; trackingCode: string }> = [];
      const done: Array<Promise<unknown>> = [];
      await pool(n, 25, async (i) => {
        const s = await startCase();
        started[i] = s;
        done.push(c.workflow.getHandle(birthCaseWorkflowId(s.caseId)).result());
      });
      await within(`${n} birth cases`, 300_000 + n * 1000, Promise.all(done));
      const distinct = async (name: string, request: (i: number) => { method: 'GET' | 'POST'; path: string; body?: string }, token?: string) => {
        let i = 0;
        if (env.BENCH_API_PROFILE) await fetch(`${stack.apiUrl}/bench/profile/reads-distinct-${name.replace(/[^a-z]+/g, '-')}`, { method: 'POST' });
        const sourcesBefore = await caseReadsBySource(stack.apiUrl);
        const { value: r, cpuSeconds, loadavg: load } = await cpu(() => autocannon({
          url: stack.apiUrl, connections: SIZES.readConnections, duration: SIZES.readSeconds,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
          requests: [{ setupRequest: (req) => ({ ...req, ...request(i++ % n) }) }],
        }));
        // where the phase's reads were served from: `cache` means a case read again within CASE_READ_CACHE_MS
        const sources = minus(await caseReadsBySource(stack.apiUrl), sourcesBefore);
        const fig = { requestsPerSecond: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, cpuSeconds, loadavg: load, sources, apiRssMb: rssMb(stack.pid('api')) };
        log(`reads-distinct ${name} ${JSON.stringify(fig)}`);
        return fig;
      };
      const bare = await distinct('bare route', () => ({ method: 'GET', path: '/bench/floor' }));
      const clerkRead = await distinct('clerk read', (i) => ({ method: 'GET', path: `/api/cases/${started[i]?.caseId}` }), clerk);
      const parent = await distinct('parent tracking', (i) => ({ method: 'POST', path: '/api/track', body: JSON.stringify({ trackingCode: started[i]?.trackingCode, phoneLast4: '8000' }) }));
      if (env.BENCH_API_PROFILE) await fetch(`${stack.apiUrl}/bench/profile/after-reads-distinct`, { method: 'POST' });
      const ratio = (f: { requestsPerSecond: number }) => round(f.requestsPerSecond / bare.requestsPerSecond, 3);
      results.readsDistinct = { cases: n, bare, clerkRead, parent, ratios: { clerkRead: ratio(clerkRead), parent: ratio(parent) } };
    }

    if (PARTS.has('stopped-worker')) {
      results.stoppedWorker = await stoppedWorkerReads(stack, clerk, () => startCase(false));
      log(`stopped-worker ${JSON.stringify(results.stoppedWorker)}`);
    }

    if (PARTS.has('waiting')) {
      const smsTotal = async (): Promise<number> => (await stack.agencies('GET', '/admin/records?agency=sms')).total as number;
      const worker = stack.pid('worker-1');
      const waitingFigures: Array<Record<string, number>> = [];
      let open = 0;
      await sleep(5000);
      const base = { waiting: 0, workerRssMb: rssMb(worker), serverDbMb: round(backend.serverDbBytes(stack) / 2 ** 20, 1) };
      waitingFigures.push(base);
      log(`waiting ${JSON.stringify(base)}`);
      for (const target of SIZES.waiting) {
        const add = target - open;
        const smsBefore = await smsTotal();
        const t0 = Date.now();
        await pool(add, 25, () => startCase(false));
        // Each waiting case sends three messages (accepted, vaccination done, name asked) and then waits.
        for (;;) {
          const sent = (await smsTotal()) - smsBefore;
          if (sent >= 3 * add) break;
          if (Date.now() - t0 > 3_600_000) throw new Error(`only ${sent}/${3 * add} messages after an hour`);
          await sleep(1000);
        }
        open = target;
        await sleep(5000);
        const fig = { waiting: open, startSeconds: round((Date.now() - t0) / 1000, 1), workerRssMb: rssMb(worker), serverDbMb: round(backend.serverDbBytes(stack) / 2 ** 20, 1) };
        waitingFigures.push(fig);
        log(`waiting ${JSON.stringify(fig)}`);
      }
      const [first, last] = [waitingFigures[1], waitingFigures.at(-1)];
      results.waiting = {
        figures: waitingFigures,
        ratioRssLargestToFirst: first && last ? round((last.workerRssMb as number) / (first.workerRssMb as number)) : null,
        serverDbKbPerWaitingCase: last ? round((((last.serverDbMb as number) - base.serverDbMb) * 1024) / (last.waiting as number), 1) : null,
      };
    }

    if (PARTS.has('backlog')) {
      const n = SIZES.backlog;
      log(`backlog: every agency down; ${n} cases started; the outage lasts at least ${SIZES.outageSeconds} s`);
      for (const agency of AGENCIES) await stack.agencies('PUT', `/admin/faults/${agency}`, { outageSeconds: 86_400 });
      const outageFrom = Date.now();
      const ends: number[] = [];
      const done: Array<Promise<void>> = [];
      await pool(n, 25, async (i) => {
        const s = await startCase();
        done.push(c.workflow.getHandle(birthCaseWorkflowId(s.caseId)).result().then(() => { ends[i] = Date.now(); }));
      });
      const startSeconds = (Date.now() - outageFrom) / 1000;
      await sleep(Math.max(0, outageFrom + SIZES.outageSeconds * 1000 - Date.now()));
      for (const agency of AGENCIES) await stack.agencies('PUT', `/admin/faults/${agency}`, {});
      const outageEnd = Date.now();
      const { cpuSeconds: drainCpu, loadavg: drainLoad } = await cpu(() => within(`draining ${n} cases`, 600_000 + n * 1000, Promise.all(done)));
      const drainSeconds = (Math.max(...ends) - outageEnd) / 1000;
      const sortedDrain = ends.map((e) => e - outageEnd).sort((a, b) => a - b);
      results.backlog = {
        cases: n, outageSeconds: round((outageEnd - outageFrom) / 1000, 1), startSeconds: round(startSeconds, 1),
        drainSeconds: round(drainSeconds), drainCasesPerSecond: round(n / drainSeconds), halfDoneAfterSeconds: round(pct(sortedDrain, 50) / 1000),
        floorCasesPerSecond: floorRate, ratioToFloor: round(n / drainSeconds / floorRate), cpuSeconds: drainCpu, loadavg: drainLoad,
      };
      log(`backlog ${JSON.stringify(results.backlog)}`);
    }

    if (PARTS.has('read-model-scale')) {
      // Last: the finished cases go to a database of their own, but loading them takes the machine for a while.
      const n = SIZES.readModelCases;
      const options = backend.scaleDatabase(stack);
      log(`read-model-scale: ${n} finished cases into the read model (${options.dialect}), then its lists and dashboard timed`);
      const database = await openMigratedDatabase(options, readModelSchema);
      try {
        const readModel = createReadModel(database, new EncryptionCodec([Buffer.from(stack.env.PAYLOAD_ENCRYPTION_KEY as string, 'base64')], { refuseUnencrypted: true }));
        const { value: seeded, cpuSeconds: seedCpu } = await cpu(() => seedFinishedCases(readModel, n));
        // Right after the bulk load PostgreSQL's tables are neither vacuumed (no page marked all-visible, so the
        // covering indexes' index-only scans still visit every row) nor analysed: measured so once, then as
        // autovacuum leaves them (VACUUM ANALYZE), which is the state the targets are judged in. SQLite has
        // neither; its figures are taken as loaded.
        let fresh: Awaited<ReturnType<typeof measureReadModel>> | undefined;
        if (database.dialect === 'postgres') {
          fresh = await measureReadModel(readModel, seeded, { rounds: 2 });
          log(`read-model-scale right after loading ${JSON.stringify({ list: fresh.list, dashboardMs: fresh.dashboardMs, dashboardOneHospitalMs: fresh.dashboardOneHospitalMs })}`);
          await sql`VACUUM ANALYZE read_model_case, read_model_service, read_model_waiting`.execute(database.db);
        }
        const { value: report, cpuSeconds: measureCpu, loadavg: measureLoad } = await cpu(() => measureReadModel(readModel, seeded));
        results.readModelScale = {
          database: database.dialect, cases: n, seedSeconds: seeded.seconds, ...report, cpuSeconds: { seed: seedCpu, measure: measureCpu }, loadavg: measureLoad,
          ...(fresh ? { settled: 'VACUUM ANALYZE', beforeVacuum: { list: fresh.list, dashboardMs: fresh.dashboardMs, dashboardOneHospitalMs: fresh.dashboardOneHospitalMs } } : {}),
        };
        log(`read-model-scale ${JSON.stringify(results.readModelScale)}`);
      } finally {
        await database.close();
      }
    }
    results.loadavgAtEnd = loadavg().map((x) => round(x));
    const file = env.BENCH_RESULTS_FILE ? resolve(env.BENCH_RESULTS_FILE) : join(__dirname, 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}-${backend.name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\n${JSON.stringify(results, null, 2)}\n\n[bench] written to ${file}\n\n${markdownTables(results as BenchResults, relative(resolve(__dirname, '..'), file))}\n`);
  } finally {
    await client?.connection.close().catch(() => undefined);
    await stack.stop();
    await backend.stop();
    // The stack's files (the dev server's database, the read model at scale: hundreds of MB); BENCH_KEEP_DATA=true keeps them.
    if (env.BENCH_KEEP_DATA !== 'true') rmSync(stack.dataDir, { recursive: true, force: true });
    else log(`data kept in ${stack.dataDir}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
