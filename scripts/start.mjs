#!/usr/bin/env node
// `npm start`: the whole system on the embedded default — the Temporal dev server (SQLite file under the
// data folder, so cases survive a restart), the mock agencies, the development identity provider, the
// worker and the API. Waits until each is ready, prints where everything is, and stops everything on Ctrl-C.
// The development shortcuts (ALLOW_DEV_SECRETS: the secrets written in the repository, the development
// provider's users) are on only when no real secret and no external Temporal address is set.
// `npm start -- --workers 3` (or WORKERS=3) runs three worker processes on the task queue (metrics on
// WORKER_METRICS_PORT, +1, +2). With TEMPORAL_ADDRESS set, no dev server is started: the parts connect to
// that cluster (README, "Scale-out").
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-deps.mjs';
import { ensureTemporalCli } from './temporal-cli.mjs';
import { buildWeb } from './build-web.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const host = '127.0.0.1';
const ports = {
  api: Number(env.PORT ?? 3000),
  temporal: Number(env.TEMPORAL_PORT ?? 7233),
  temporalUi: Number(env.TEMPORAL_UI_PORT ?? 8233),
  agencies: Number(env.MOCK_AGENCIES_PORT ?? 4100),
  workerMetrics: Number(env.WORKER_METRICS_PORT ?? 9464),
  apiMetrics: Number(env.API_METRICS_PORT ?? 9465),
  oidc: Number(env.OIDC_PORT ?? 4200),
};
const dataDir = resolve(env.DATA_DIR ?? join(root, '.data'));
const externalTemporal = Boolean(env.TEMPORAL_ADDRESS);
// A real identity provider (OIDC_ISSUER) replaces the embedded development one.
const externalIdentity = Boolean(env.OIDC_ISSUER);

// Settings that make this a real deployment: with any of them set, no development shortcut is turned on.
const REAL_SETTINGS = ['JWT_SECRET', 'AGENCY_CALLBACK_SECRET', 'CASE_ID_SECRET', 'AGENCY_API_TOKEN', 'PAYLOAD_ENCRYPTION_KEY', 'OIDC_CLIENT_SECRET', 'TEMPORAL_API_KEY', 'TEMPORAL_ADDRESS'];
const realSet = REAL_SETTINGS.filter((name) => env[name]);
function developmentSwitch() {
  if (realSet.length === 0) return env.ALLOW_DEV_SECRETS ?? 'true';
  if (env.ALLOW_DEV_SECRETS === 'true' || env.ALLOW_DEV_TOKENS === 'true') {
    throw new Error(`ALLOW_DEV_SECRETS/ALLOW_DEV_TOKENS=true is refused while real settings are set (${realSet.join(', ')}): the development shortcuts would stand beside real secrets.`);
  }
  return 'false';
}
// `npm start -- --cluster` is `npm run cluster` (scripts/cluster.mjs: PostgreSQL, the Temporal server, 2 workers,
// 2 APIs). It handles Ctrl-C itself and stops its parts in order; this process only waits for it.
if (process.argv.includes('--cluster')) {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  const cluster = spawnSync(process.execPath, [join(root, 'scripts', 'cluster.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(cluster.status ?? 1);
}

function workerCount(argv) {
  const i = argv.findIndex((a) => a === '--workers' || a.startsWith('--workers='));
  const raw = i < 0 ? (env.WORKERS ?? '1') : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers (or WORKERS) must be a whole number from 1 to 64, not ${JSON.stringify(raw)}`);
  return n;
}
// Search attributes the birth-case workflow keeps current, from their one definition (workflows/birth-case.contract.ts).
const searchAttributes = () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/search-attributes.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not read the search attributes: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
};

let allowDevSecrets;
try {
  allowDevSecrets = developmentSwitch();
} catch (err) {
  process.stderr.write(`[start] ${err.message}\n`);
  process.exit(1);
}
const childEnv = {
  ...env,
  // The development stack only: the processes may use the development secrets (see README, Configuration).
  ALLOW_DEV_SECRETS: allowDevSecrets,
  PORT: String(ports.api),
  OIDC_PORT: String(ports.oidc),
  // the embedded provider sends the browser back to this API
  ...(externalIdentity ? {} : {
    OIDC_WEB_REDIRECT_URIS: `http://${host}:${ports.api}/api/session/callback`,
    OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: `http://${host}:${ports.api}/`,
  }),
  DATA_DIR: dataDir,
  TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? `${host}:${ports.temporal}`,
  MOCK_AGENCIES_PORT: String(ports.agencies),
  WORKER_METRICS_PORT: String(ports.workerMetrics),
  MOCK_AGENCIES_URL: env.MOCK_AGENCIES_URL ?? `http://${host}:${ports.agencies}`,
  AGENCY_CALLBACK_URL: env.AGENCY_CALLBACK_URL ?? `http://${host}:${ports.api}/api/agency-callbacks`,
  // Scaled time on the embedded default: a day at an agency takes 2 s; a pending decision is re-read every 10 s.
  MOCK_TIME_SCALE_SECONDS_PER_DAY: env.MOCK_TIME_SCALE_SECONDS_PER_DAY ?? '2',
  AGENCY_POLL_SECONDS: env.AGENCY_POLL_SECONDS ?? '10',
};

const children = [];
let stopping = false;
const log = (m) => process.stdout.write(`[start] ${m}\n`);

function launch(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, { cwd: root, env: { ...childEnv, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything.`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(10_000).then(() => false)]);
    if (!exited) {
      log(`${name} did not stop in 10 s; killing it.`);
      child.kill('SIGKILL');
    }
  }
  log('stopped.');
  process.exit(exitCode);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopped');
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
}

const portOpen = (port) =>
  new Promise((resolveOpen) => {
    const socket = connect(port, host);
    socket.once('connect', () => { socket.end(); resolveOpen(true); });
    socket.once('error', () => resolveOpen(false));
  });
const httpOk = async (url) => (await fetch(url)).ok;

async function main() {
  ensureNodeModules(root, log);
  buildWeb({ log });
  mkdirSync(dataDir, { recursive: true });
  const workers = workerCount(process.argv.slice(2));
  if (!externalIdentity && allowDevSecrets !== 'true') {
    throw new Error('OIDC_ISSUER (with OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI) must name your identity provider: the embedded development provider runs only on the development stack (README, "Plugging in the hospital network\'s own identity provider").');
  }
  for (const [name, port] of Object.entries(ports)) {
    if (externalTemporal && name.startsWith('temporal')) continue;
    if (externalIdentity && name === 'oidc') continue;
    if (await portOpen(port)) throw new Error(`port ${port} (${name}) is in use; set another with its environment variable (see README).`);
  }

  if (externalTemporal) {
    log(`using the Temporal cluster at ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE ?? 'default'}); no dev server.`);
  } else {
    await startDevServer(ensureTemporalCli({ log }));
  }

  // `node --import tsx` keeps each part one process, so a signal (or a kill) reaches the server itself.
  const ts = (entry) => [process.execPath, ['--import', 'tsx', entry]];
  log('starting the mock agencies…');
  launch('agencies', ...ts('mock-agencies/main.ts'));
  await waitFor('the mock agencies', () => httpOk(`http://${host}:${ports.agencies}/healthz`));

  if (externalIdentity) {
    log(`using the identity provider at ${env.OIDC_ISSUER}.`);
  } else {
    log('starting the development identity provider…');
    launch('oidc', ...ts('scripts/oidc-provider.ts'), { OIDC_HOST: host });
    await waitFor('the identity provider', () => httpOk(`http://${host}:${ports.oidc}/.well-known/openid-configuration`));
  }

  log(`starting ${workers === 1 ? 'the worker' : `${workers} workers`} and the API…`);
  // Workers count up from WORKER_METRICS_PORT, stepping over the API's own metrics port.
  const metricsPort = (i) => {
    if (ports.workerMetrics <= 0) return 0;
    const port = ports.workerMetrics + i;
    return ports.apiMetrics > 0 && port >= ports.apiMetrics && ports.apiMetrics >= ports.workerMetrics ? port + 1 : port;
  };
  const ready = Array.from({ length: workers }, (_, i) => {
    const worker = launch(workers === 1 ? 'worker' : `worker-${i + 1}`, ...ts('workers/main.ts'), { WORKER_METRICS_PORT: String(metricsPort(i)) });
    return new Promise((r) => worker.stdout.on('data', (d) => { if (String(d).includes('worker ready')) r(true); }));
  });
  const workersReady = Promise.all(ready);
  launch('api', ...ts('api/server.ts'), { API_METRICS_PORT: String(ports.apiMetrics) });
  await waitFor('the workers', () => Promise.race([workersReady, sleep(200).then(() => false)]));
  await waitFor('the API', () => httpOk(`http://${host}:${ports.api}/readyz`));

  const workerMetrics = Array.from({ length: workers }, (_, i) => `http://${host}:${metricsPort(i)}/metrics`).join(' · ');
  process.stdout.write(`
  birth-one-thing is up.
    API          http://${host}:${ports.api}        (OpenAPI: /api/openapi.json)
    Workers      ${workers}
${externalTemporal ? `    Temporal     ${env.TEMPORAL_ADDRESS}   (external cluster)` : `    Temporal UI  http://${host}:${ports.temporalUi}
    Temporal     ${host}:${ports.temporal}         (SQLite: ${join(dataDir, 'temporal.sqlite')})`}
    Agencies     http://${host}:${ports.agencies}   (mocks; admin: /admin/faults, /admin/records)
    Sign-in      ${externalIdentity ? env.OIDC_ISSUER : `http://${host}:${ports.oidc}   (development identity provider; users clerk.H0001, clerk.H0002, officer.<agency>, admin, hall.JN-HALL-01; password dev-password)`}
    Metrics      ${ports.apiMetrics > 0 ? `http://${host}:${ports.apiMetrics}/metrics` : 'off'} (API) · ${workerMetrics} (worker${workers === 1 ? '' : 's'})
    Dashboard    http://${host}:${ports.api}/api/ops/dashboard (admin token) · codec for the Temporal UI: /api/ops/codec
  Staff pages:        http://${host}:${ports.api}/ (sign in through the identity provider's page)
  An admin's token:   npm run --silent token -- --role admin
  A clerk's token:    npm run --silent token -- --role clerk --hospital H0001
  An officer's token: npm run --silent token -- --role officer --agency publicSecurity
  Ctrl-C stops everything.
`);
}

async function startDevServer(temporal) {
  log('starting the Temporal dev server…');
  launch('temporal', temporal, [
    'server', 'start-dev',
    '--db-filename', join(dataDir, 'temporal.sqlite'),
    '--ip', host, '--port', String(ports.temporal), '--ui-port', String(ports.temporalUi),
    '--log-level', 'warn',
    ...searchAttributes().flatMap((sa) => ['--search-attribute', sa]),
  ]);
  await waitFor('Temporal', async () => {
    if (!(await portOpen(ports.temporal))) return false;
    return spawnSync(temporal, ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', `${host}:${ports.temporal}`], { stdio: 'ignore' }).status === 0;
  });
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((err) => {
  if (!stopping) {
    process.stderr.write(`[start] ${err.message}\n`);
    void stopAll(1);
  }
});
