// The benchmark's cluster backend (BENCH_BACKEND=cluster, bench/run.ts): PostgreSQL and the Temporal server
// built from Go modules, started with scripts/cluster's own modules (the same steps as scripts/cluster.mjs:
// data folder, roles and databases, Temporal's schemas, the rendered server configuration, the namespace and
// the case's search attributes) on a fresh data folder and free ports. The bench then starts its own
// agencies, worker, floor worker and API pointed at it (TEMPORAL_ADDRESS, and DATABASE_URL = the project's
// database on this PostgreSQL), as under the embedded dev server: only the backend differs.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSupervisor, portOpen } from '../scripts/cluster/processes.mjs';
import { asServerOwner, ensureDataFolder, ensureRolesAndDatabases, isReady, postgresBinDir, serverCommand } from '../scripts/cluster/postgres.mjs';
import { ensureTemporalServer, registerNamespaceAndSearchAttributes, serverPorts, setUpSchemas, TEMPORAL_SERVER_VERSION, writeServerConfig } from '../scripts/cluster/temporal-server.mjs';
import { ensureTemporalCli } from '../scripts/temporal-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const host = '127.0.0.1';
/** A psql call of the bench's own (sizes, rows) may take this long before it is stopped and the bench fails. */
const PSQL_TIMEOUT_MS = 30_000;

const freePort = () => new Promise((resolvePort, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, host, () => {
    const { port } = server.address();
    server.close(() => resolvePort(port));
  });
});

/** A frontend port whose fixed offsets (up to +767, serverPorts) are all free: a base from a quiet range. */
async function temporalBasePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 8_000);
    const open = await Promise.all(Object.values(serverPorts(base)).map((p) => portOpen(p, host)));
    if (!open.some(Boolean)) return base;
  }
  throw new Error('no free range of ports for the Temporal server');
}

/**
 * Starts PostgreSQL and the Temporal server; resolves once the namespace and the search attributes are there.
 * @param {{ searchAttributes: string[], historyShards?: number, namespace?: string, log?: (m: string) => void }} options
 */
export async function startClusterBackend({ searchAttributes, historyShards = 4, namespace = 'default', log = (m) => process.stdout.write(`[bench cluster] ${m}\n`) }) {
  const temporalCli = ensureTemporalCli({ log });
  const temporalServer = ensureTemporalServer({ root, log });
  const pgBin = postgresBinDir({ log });

  const dir = mkdtempSync(join(tmpdir(), 'birth-one-thing-bench-cluster-'));
  // PostgreSQL runs as its own user (as root): it must reach its data folder inside this one.
  chmodSync(dir, 0o755);
  const pgData = join(dir, 'pg');
  const password = randomBytes(12).toString('hex');
  const ports = { postgres: await freePort(), temporal: await temporalBasePort() };
  const pg = { host, port: ports.postgres, user: 'temporal', password, dbDefault: 'temporal', dbVisibility: 'temporal_visibility' };
  const app = { role: 'birth', name: 'birth_one_thing', scale: 'read_model_scale' };
  const sup = createSupervisor({ cwd: root, env: process.env, log });
  const started = [];
  const stop = async () => {
    for (const entry of [...started].reverse()) await sup.stop(entry);
    started.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ensureDataFolder({ bin: pgBin, dataDir: pgData, log });
    started.push(sup.launch('postgres', ...serverCommand({ bin: pgBin, dataDir: pgData, host, port: ports.postgres }), { stopSignal: 'SIGINT' }));
    await sup.waitFor('PostgreSQL', async () => isReady({ bin: pgBin, host, port: ports.postgres }), 60_000);
    ensureRolesAndDatabases({
      bin: pgBin, dataDir: pgData, port: ports.postgres,
      roles: [
        { name: pg.user, password, databases: [pg.dbDefault, pg.dbVisibility] },
        // the project's database, and one of its own for the read model at scale (bench part read-model-scale)
        { name: app.role, password, databases: [app.name, app.scale] },
      ],
    });
    setUpSchemas({ sqlTool: temporalServer.sqlTool, schemaDir: temporalServer.schemaDir, pg, log });
    const temporalPorts = serverPorts(ports.temporal);
    const serverArgs = writeServerConfig({
      root,
      configRoot: join(dir, 'temporal'),
      values: {
        LOG_LEVEL: process.env.CLUSTER_TEMPORAL_LOG_LEVEL ?? 'error', HISTORY_SHARDS: historyShards, HOST: host,
        PG_HOST: host, PG_PORT: ports.postgres, PG_USER: pg.user, PG_PASSWORD: password, DB_DEFAULT: pg.dbDefault, DB_VISIBILITY: pg.dbVisibility,
        ...temporalPorts,
      },
    });
    const address = `${host}:${ports.temporal}`;
    log(`starting the Temporal server ${TEMPORAL_SERVER_VERSION} (${historyShards} history shards) on ${address}…`);
    started.push(sup.launch('temporal', temporalServer.server, serverArgs));
    await sup.waitFor('Temporal', async () => (await portOpen(ports.temporal, host)) && spawnSync(temporalCli, ['operator', 'cluster', 'health', '--address', address], { stdio: 'ignore' }).status === 0, 120_000);
    await registerNamespaceAndSearchAttributes({ temporal: temporalCli, address, namespace, retention: '72h', searchAttributes, log, waitFor: sup.waitFor });
    log(`ready: Temporal ${address}, PostgreSQL ${host}:${ports.postgres} (${pgData})`);

    const url = (db) => `postgres://${app.role}:${password}@${host}:${ports.postgres}/${db}`;
    return {
      address,
      namespace,
      databaseUrl: url(app.name),
      scaleDatabaseUrl: url(app.scale),
      detail: { temporalServer: TEMPORAL_SERVER_VERSION, historyShards, postgres: pgBin, dataDir: dir },
      /** the processes whose CPU the bench counts: the server, and PostgreSQL (with its backends, below it) */
      pids: () => ({ temporal: started[1]?.child.pid, postgres: started[0]?.child.pid }),
      /** Temporal's two databases (default store and visibility), bytes on disk */
      serverDatabaseBytes: () => {
        const [file, args] = asServerOwner(pgBin, 'psql', ['-h', pgData, '-p', String(ports.postgres), '-U', 'postgres', '-d', 'postgres', '-At', '-X',
          '-c', `SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datname IN ('${pg.dbDefault}', '${pg.dbVisibility}')`]);
        const r = spawnSync(file, args, { encoding: 'utf8', timeout: PSQL_TIMEOUT_MS });
        if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
        return Number(r.stdout.trim());
      },
      /** each table of Temporal's two databases (`database.table`): bytes on disk with its indexes and TOAST */
      serverTableBytes: () => {
        const bytes = {};
        for (const db of [pg.dbDefault, pg.dbVisibility]) {
          const [file, args] = asServerOwner(pgBin, 'psql', ['-h', pgData, '-p', String(ports.postgres), '-U', 'postgres', '-d', db, '-At', '-X', '-F', '\t',
            '-c', 'SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables']);
          const r = spawnSync(file, args, { encoding: 'utf8', timeout: PSQL_TIMEOUT_MS });
          if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
          for (const line of r.stdout.split('\n').filter(Boolean)) {
            const [table, size] = line.split('\t');
            bytes[`${db}.${table}`] = Number(size);
          }
        }
        return bytes;
      },
      /** the mean size of the live `executions` rows (a workflow's mutable state) whose workflow id starts with `prefix` */
      executionRowBytes: (prefix) => {
        const [file, args] = asServerOwner(pgBin, 'psql', ['-h', pgData, '-p', String(ports.postgres), '-U', 'postgres', '-d', pg.dbDefault, '-At', '-X',
          '-c', `SELECT coalesce(round(avg(pg_column_size(e.*))), 0) FROM executions e WHERE workflow_id LIKE '${prefix.replace(/[^A-Za-z0-9-]/g, '')}%'`]);
        const r = spawnSync(file, args, { encoding: 'utf8', timeout: PSQL_TIMEOUT_MS });
        if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
        return Number(r.stdout.trim());
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
