#!/usr/bin/env node
// `npm run cluster` (or `npm start -- --cluster`): the system as a hospital network would run it, on this
// machine — PostgreSQL (Debian's server, its own data folder and port), the Temporal server built from Go
// modules on it (default store + SQL visibility, schemas set up by Temporal's SQL tool), the namespace and the
// case's search attributes registered, then the mock agencies, two workers and two API processes. Waits for
// each part, prints where everything is, and on Ctrl-C stops them in reverse order. A worker, an API or (once
// it has been ready) the Temporal server that dies is started again (as a pod would be); any other part that
// dies stops everything. README, "Scale-out".
//   npm run cluster -- --workers 3 --apis 2      (or CLUSTER_WORKERS, CLUSTER_APIS)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-deps.mjs';
import { ensureTemporalCli } from './temporal-cli.mjs';
import { buildWeb } from './build-web.mjs';
import { createSupervisor, httpOk, portOpen } from './cluster/processes.mjs';
import { ensureDataFolder, ensureRolesAndDatabases, isReady, leftoverServerPid, postgresBinDir, serverCommand } from './cluster/postgres.mjs';
import { ensureTemporalServer, registerNamespaceAndSearchAttributes, serverPorts, setUpSchemas, TEMPORAL_SERVER_VERSION, writeServerConfig } from './cluster/temporal-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const host = '127.0.0.1';
const startedAt = Date.now();

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--cluster'),
  options: { workers: { type: 'string' }, apis: { type: 'string' }, 'no-web': { type: 'boolean' } },
});
const count = (name, raw, max) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(raw)}`);
  return n;
};
const workers = count('--workers (or CLUSTER_WORKERS)', args.workers ?? env.CLUSTER_WORKERS ?? '2', 64);
const apis = count('--apis (or CLUSTER_APIS)', args.apis ?? env.CLUSTER_APIS ?? '2', 16);
const historyShards = count('CLUSTER_HISTORY_SHARDS', env.CLUSTER_HISTORY_SHARDS ?? '4', 16_384);

const clusterDir = resolve(env.CLUSTER_DATA_DIR ?? join(resolve(env.DATA_DIR ?? join(root, '.data')), 'cluster'));
const ports = {
  postgres: Number(env.CLUSTER_PG_PORT ?? 55432),
  temporal: Number(env.CLUSTER_TEMPORAL_PORT ?? 7233),
  api: Number(env.PORT ?? 3000),
  agencies: Number(env.MOCK_AGENCIES_PORT ?? 4100),
  oidc: Number(env.OIDC_PORT ?? 4200),
  workerMetrics: Number(env.WORKER_METRICS_PORT ?? 9464),
  // Not the API's own default (9465): that is worker 2's here.
  apiMetrics: Number(env.API_METRICS_PORT ?? 9565),
};
const apiPort = (i) => ports.api + i;
const metricsPort = (i) => (ports.workerMetrics > 0 ? ports.workerMetrics + i : 0);
const apiMetricsPort = (i) => (ports.apiMetrics > 0 ? ports.apiMetrics + i : 0);
const temporalPorts = serverPorts(ports.temporal);
const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
// The development password of the cluster's database roles; a real deployment's comes from its secret store.
const pgPassword = env.CLUSTER_PG_PASSWORD ?? 'birth-one-thing-dev';
const pg = { host, port: ports.postgres, user: 'temporal', password: pgPassword, dbDefault: 'temporal', dbVisibility: 'temporal_visibility' };
const appDatabase = { role: 'birth', name: 'birth_one_thing' };
const hasOidcProvider = existsSync(join(root, 'scripts', 'oidc-provider.ts'));

// As `npm start`: the development secrets only when no real one is given (an explicit ALLOW_DEV_SECRETS wins).
const REAL_SECRETS = ['JWT_SECRET', 'AGENCY_CALLBACK_SECRET', 'CASE_ID_SECRET', 'AGENCY_API_TOKEN', 'PAYLOAD_ENCRYPTION_KEY', 'OIDC_CLIENT_SECRET'];
const childEnv = {
  ...env,
  ALLOW_DEV_SECRETS: env.ALLOW_DEV_SECRETS ?? (REAL_SECRETS.some((name) => env[name]) ? 'false' : 'true'),
  // The parts' own files (payload key, the mock agencies' SQLite) under the cluster's folder, apart from `npm start`'s.
  DATA_DIR: join(clusterDir, 'app'),
  TEMPORAL_ADDRESS: `${host}:${ports.temporal}`,
  TEMPORAL_NAMESPACE: namespace,
  // The project's database (access records, sessions, the read model) on the cluster's PostgreSQL, shared by every API and worker process.
  DATABASE_URL: `postgres://${appDatabase.role}:${encodeURIComponent(pgPassword)}@${host}:${ports.postgres}/${appDatabase.name}`,
  MOCK_AGENCIES_PORT: String(ports.agencies),
  MOCK_AGENCIES_URL: env.MOCK_AGENCIES_URL ?? `http://${host}:${ports.agencies}`,
  // One callback address for the agencies; in production it is the load balancer in front of the APIs.
  AGENCY_CALLBACK_URL: env.AGENCY_CALLBACK_URL ?? `http://${host}:${apiPort(0)}/api/agency-callbacks`,
  OIDC_PORT: String(ports.oidc),
  // the development identity provider sends the browser back to whichever API it came from
  OIDC_WEB_REDIRECT_URIS: env.OIDC_WEB_REDIRECT_URIS ?? Array.from({ length: apis }, (_, i) => `http://${host}:${apiPort(i)}/api/session/callback`).join(','),
  OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: env.OIDC_WEB_POST_LOGOUT_REDIRECT_URIS ?? Array.from({ length: apis }, (_, i) => `http://${host}:${apiPort(i)}/`).join(','),
  MOCK_TIME_SCALE_SECONDS_PER_DAY: env.MOCK_TIME_SCALE_SECONDS_PER_DAY ?? '2',
  AGENCY_POLL_SECONDS: env.AGENCY_POLL_SECONDS ?? '10',
};

const log = (m) => process.stdout.write(`[cluster] ${m}\n`);
const sup = createSupervisor({ cwd: root, env: childEnv, log });
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;

// The workers' task queue, from its one definition (workflows/birth-case.contract.ts).
const taskQueue = () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "process.stdout.write(require('./workflows/birth-case.contract.ts').BIRTH_CASE_TASK_QUEUE)"], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) throw new Error(`could not read the task queue: ${r.stderr}`);
  return r.stdout;
};

const searchAttributes = () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/search-attributes.ts')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not read the search attributes: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
};

async function main() {
  ensureNodeModules(root, log);
  if (!args['no-web'] && env.CLUSTER_WEB !== 'false') buildWeb({ log });
  const temporalCli = ensureTemporalCli({ log });
  const temporalServer = ensureTemporalServer({ root, log });
  const pgBin = postgresBinDir({ log });

  const inUse = [
    ['PostgreSQL', ports.postgres], ['Temporal', ports.temporal], ...Object.entries(temporalPorts).map(([k, p]) => [`Temporal ${k}`, p]),
    ['agencies', ports.agencies], ...(hasOidcProvider ? [['OIDC provider', ports.oidc]] : []),
    ...Array.from({ length: apis }, (_, i) => [`API ${i + 1}`, apiPort(i)]),
    ...Array.from({ length: workers }, (_, i) => [`worker ${i + 1} metrics`, metricsPort(i)]).filter(([, p]) => p > 0),
    ...Array.from({ length: apis }, (_, i) => [`API ${i + 1} metrics`, apiMetricsPort(i)]).filter(([, p]) => p > 0),
  ];
  for (const [name, port] of inUse) {
    if (await portOpen(port)) throw new Error(`port ${port} (${name}) is in use; set another with its variable (README, "Scale-out").`);
  }

  // PostgreSQL
  const pgData = join(clusterDir, 'pg');
  mkdirSync(clusterDir, { recursive: true });
  ensureDataFolder({ bin: pgBin, dataDir: pgData, log });
  const leftover = leftoverServerPid(pgData);
  if (leftover) throw new Error(`a PostgreSQL server (pid ${leftover}) still runs on ${pgData} from an earlier run; stop it (kill -INT ${leftover}) and start again.`);
  log(`starting PostgreSQL on ${host}:${ports.postgres}…`);
  sup.launch('postgres', ...serverCommand({ bin: pgBin, dataDir: pgData, host, port: ports.postgres }), { stopSignal: 'SIGINT' });
  await sup.waitFor('PostgreSQL', async () => isReady({ bin: pgBin, host, port: ports.postgres }), 60_000);
  ensureRolesAndDatabases({
    bin: pgBin, dataDir: pgData, port: ports.postgres,
    roles: [
      { name: pg.user, password: pgPassword, databases: [pg.dbDefault, pg.dbVisibility] },
      { name: appDatabase.role, password: pgPassword, databases: [appDatabase.name] },
    ],
  });
  log(`PostgreSQL ready (${elapsed()}).`);

  // Temporal: schemas, configuration, server, namespace, search attributes
  setUpSchemas({ sqlTool: temporalServer.sqlTool, schemaDir: temporalServer.schemaDir, pg, log });
  const serverArgs = writeServerConfig({
    root,
    configRoot: join(clusterDir, 'temporal'),
    values: {
      LOG_LEVEL: env.CLUSTER_TEMPORAL_LOG_LEVEL ?? 'warn', HISTORY_SHARDS: historyShards, HOST: host,
      PG_HOST: host, PG_PORT: ports.postgres, PG_USER: pg.user, PG_PASSWORD: pgPassword, DB_DEFAULT: pg.dbDefault, DB_VISIBILITY: pg.dbVisibility,
      ...temporalPorts,
    },
  });
  log(`starting the Temporal server ${TEMPORAL_SERVER_VERSION} (${historyShards} history shards) on ${host}:${ports.temporal}…`);
  const temporalPart = sup.launch('temporal', temporalServer.server, serverArgs);
  const address = `${host}:${ports.temporal}`;
  await sup.waitFor('Temporal', async () => (await portOpen(ports.temporal)) && spawnSync(temporalCli, ['operator', 'cluster', 'health', '--address', address], { stdio: 'ignore' }).status === 0, 120_000);
  await registerNamespaceAndSearchAttributes({ temporal: temporalCli, address, namespace, retention: env.CLUSTER_NAMESPACE_RETENTION ?? '72h', searchAttributes: searchAttributes(), log, waitFor: sup.waitFor });
  log(`Temporal ready (${elapsed()}).`);
  // From here a server that dies is started again on the same configuration and database, as its orchestrator
  // would; the workers and APIs reconnect by themselves (tests/cluster kills it mid-burst).
  temporalPart.restart = true;

  // The application: agencies (and the development identity provider), workers, APIs
  const queue = taskQueue();
  const ts = (entry) => [process.execPath, ['--import', 'tsx', entry]];
  sup.launch('agencies', ...ts('mock-agencies/main.ts'));
  if (hasOidcProvider) sup.launch('oidc', ...ts('scripts/oidc-provider.ts'), { env: { OIDC_HOST: host } });
  const workerParts = Array.from({ length: workers }, (_, i) =>
    sup.launch(`worker-${i + 1}`, ...ts('workers/main.ts'), { env: { WORKER_METRICS_PORT: String(metricsPort(i)) }, restart: true }));
  for (let i = 0; i < apis; i++) sup.launch(`api-${i + 1}`, ...ts('api/server.ts'), { env: { PORT: String(apiPort(i)), API_METRICS_PORT: String(apiMetricsPort(i)) }, restart: true });
  // A worker is ready when it polls the task queue (its identity is `<pid>@<host>`), whatever its log level.
  const workersUp = () => {
    const r = spawnSync(temporalCli, ['task-queue', 'describe', '--task-queue', queue, '--namespace', namespace, '--address', address, '-o', 'json'], { encoding: 'utf8' });
    return r.status === 0 && workerParts.every((w) => r.stdout.includes(`"${w.child.pid}@`));
  };
  await sup.waitFor('the mock agencies', () => httpOk(`http://${host}:${ports.agencies}/healthz`));
  if (hasOidcProvider) await sup.waitFor('the identity provider', () => httpOk(`http://${host}:${ports.oidc}/.well-known/openid-configuration`));
  await sup.waitFor('the workers', async () => workersUp());
  for (let i = 0; i < apis; i++) await sup.waitFor(`API ${i + 1}`, () => httpOk(`http://${host}:${apiPort(i)}/readyz`));

  const list = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join(' · ');
  process.stdout.write(`
  birth-one-thing cluster is up (${elapsed()}).
    APIs         ${list(apis, (i) => `http://${host}:${apiPort(i)}`)}   (any of them; OpenAPI: /api/openapi.json)
    Metrics      APIs ${list(apis, (i) => (apiMetricsPort(i) ? `http://${host}:${apiMetricsPort(i)}/metrics` : 'off'))}
    Workers      ${workers}, metrics ${list(workers, (i) => (metricsPort(i) ? `http://${host}:${metricsPort(i)}/metrics` : 'off'))}
    Temporal     ${address}   (server ${TEMPORAL_SERVER_VERSION}, ${historyShards} history shards, namespace ${namespace}; metrics http://${host}:${temporalPorts.METRICS_PORT}/metrics)
    PostgreSQL   ${host}:${ports.postgres}   (data ${pgData}; databases ${pg.dbDefault}, ${pg.dbVisibility}, ${appDatabase.name})
    Agencies     http://${host}:${ports.agencies}   (mocks; admin: /admin/faults, /admin/records)${hasOidcProvider ? `\n    Sign-in      http://${host}:${ports.oidc}   (development identity provider)` : ''}
  A clerk's token:    npm run --silent token -- --role clerk --hospital H0001
  The Temporal CLI:   ${temporalCli} workflow list --address ${address}
  Ctrl-C stops everything.
`);
}

process.on('SIGINT', () => void sup.stopAll(0));
process.on('SIGTERM', () => void sup.stopAll(0));
main().catch((err) => {
  if (!sup.isStopping()) {
    process.stderr.write(`[cluster] ${err.message}\n`);
    void sup.stopAll(1);
  }
});
