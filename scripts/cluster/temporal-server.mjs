// The cluster's Temporal server: built from Go modules at the version the CLI embeds (so the dev server and
// the cluster run the same server code), its PostgreSQL schemas set up with Temporal's own SQL schema tool,
// its configuration rendered from infra/cluster/, and the namespace and the case's search attributes
// registered with the CLI the project already builds.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The CLI v1.5.1 (scripts/temporal-cli.mjs) embeds server 1.29.1: the cluster runs the same server.
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

const isExecutable = (path) => { try { accessSync(path, constants.X_OK); return true; } catch { return false; } };

/**
 * `temporal-server` and `temporal-sql-tool` from the project cache, built with `go install` when missing.
 * @returns {{ server: string, sqlTool: string, schemaDir: string }}
 */
export function ensureTemporalServer({ root, log }) {
  const binDir = join(root, '.cache', 'temporal-server', TEMPORAL_SERVER_VERSION, 'bin');
  const server = join(binDir, 'server');
  const sqlTool = join(binDir, 'sql');
  const go = (args, env = {}) => spawnSync('go', args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (!isExecutable(server) || !isExecutable(sqlTool)) {
    // The server's go.mod asks for Go 1.25; GOTOOLCHAIN=local below keeps an older Go from fetching a newer one.
    const [major, minor] = (/^go(\d+)\.(\d+)/.exec(go(['env', 'GOVERSION']).stdout.trim()) ?? []).slice(1).map(Number);
    if (!(major > 1 || (major === 1 && minor >= 25))) {
      throw new Error(`Go 1.25 or later is needed to build the Temporal server ${TEMPORAL_SERVER_VERSION} for the cluster (found: ${go(['version']).stdout.trim() || 'none'}); install it and run again.`);
    }
    mkdirSync(binDir, { recursive: true });
    log(`building the Temporal server and its SQL schema tool ${TEMPORAL_SERVER_VERSION} from Go modules into ${binDir} (first time only; minutes on 2 cores)…`);
    const started = Date.now();
    const build = spawnSync('go', ['install', `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOBIN: binDir, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (build.status !== 0 || !isExecutable(server) || !isExecutable(sqlTool)) {
      throw new Error(`building the Temporal server failed (go install exited ${build.status}); see the output above.`);
    }
    log(`Temporal server built in ${Math.round((Date.now() - started) / 1000)} s.`);
  }
  // The schema files ship in the module (the build above put it in the module cache).
  const modDir = go(['env', 'GOMODCACHE']).stdout.trim();
  const schemaDir = join(modDir, `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(join(schemaDir, 'temporal', 'versioned'))) {
    const dl = go(['mod', 'download', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`]);
    if (dl.status !== 0 || !existsSync(join(schemaDir, 'temporal', 'versioned'))) throw new Error(`the schema files of ${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} are not in ${schemaDir}:\n${dl.stderr}`);
  }
  return { server, sqlTool, schemaDir };
}

/**
 * Both stores' schemas, idempotent: `setup-schema -v 0.0` makes the version tables (and leaves a newer version
 * alone), `update-schema` applies every versioned step past the recorded one.
 */
export function setUpSchemas({ sqlTool, schemaDir, pg, log }) {
  for (const [db, dir] of [[pg.dbDefault, 'temporal'], [pg.dbVisibility, 'visibility']]) {
    const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password, '--db', db];
    for (const step of [['setup-schema', '-v', '0.0'], ['update-schema', '-d', join(schemaDir, dir, 'versioned')]]) {
      const r = spawnSync(sqlTool, [...base, ...step], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`temporal-sql-tool ${step[0]} on ${db} failed:\n${r.stdout}${r.stderr}`);
    }
    log(`schema of ${db} is current.`);
  }
}

/** Fills `{{NAME}}` in a template; a name without a value is an error, not an empty string. */
export function renderTemplate(text, values) {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, name) => {
    if (values[name] === undefined) throw new Error(`the template needs ${name}`);
    return String(values[name]);
  });
}

/** Ports of the server's four services, from the frontend's (CLUSTER_TEMPORAL_PORT). */
export function serverPorts(frontend) {
  return {
    FRONTEND_PORT: frontend, HISTORY_PORT: frontend + 1, MATCHING_PORT: frontend + 2, WORKER_PORT: frontend + 6,
    FRONTEND_HTTP_PORT: frontend + 10,
    FRONTEND_MEMBERSHIP_PORT: frontend + 100, HISTORY_MEMBERSHIP_PORT: frontend + 101, MATCHING_MEMBERSHIP_PORT: frontend + 102, WORKER_MEMBERSHIP_PORT: frontend + 106,
    METRICS_PORT: frontend + 767,
  };
}

/** Writes `<configRoot>/config/cluster.yaml` (+ the dynamic config beside it); returns the server's arguments. */
export function writeServerConfig({ root, configRoot, values }) {
  const configDir = join(configRoot, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = join(configDir, 'dynamic-config.yaml');
  copyFileSync(join(root, 'infra', 'cluster', 'dynamic-config.yaml'), dynamicConfigFile);
  const template = readFileSync(join(root, 'infra', 'cluster', 'temporal-server.yaml'), 'utf8');
  writeFileSync(join(configDir, 'cluster.yaml'), renderTemplate(template, { ...values, DYNAMIC_CONFIG_FILE: dynamicConfigFile }), { mode: 0o600 });
  return ['--root', configRoot, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'];
}

const cli = (temporal, args) => spawnSync(temporal, args, { encoding: 'utf8' });

/** The namespace, when missing; then each search attribute that is missing, with its type. */
export async function registerNamespaceAndSearchAttributes({ temporal, address, namespace, retention, searchAttributes, log, waitFor }) {
  const conn = ['--address', address];
  if (cli(temporal, ['operator', 'namespace', 'describe', '--namespace', namespace, ...conn]).status !== 0) {
    const r = cli(temporal, ['operator', 'namespace', 'create', '--namespace', namespace, '--retention', retention, ...conn]);
    if (r.status !== 0 && !/already exists|AlreadyExists/i.test(r.stderr)) throw new Error(`could not create the namespace ${namespace}:\n${r.stderr}`);
    log(`namespace ${namespace} registered (retention ${retention}).`);
  }
  // A new namespace reaches every service through its cache (about 10 s).
  await waitFor(`the namespace ${namespace}`, async () => cli(temporal, ['operator', 'search-attribute', 'list', '--namespace', namespace, '-o', 'json', ...conn]).status === 0, 60_000);
  const existing = () => {
    const r = cli(temporal, ['operator', 'search-attribute', 'list', '--namespace', namespace, '-o', 'json', ...conn]);
    if (r.status !== 0) throw new Error(`could not list the search attributes:\n${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const typeOf = (list, name) => {
    for (const group of [list.customAttributes, list.systemAttributes]) {
      if (group && name in group) return group[name];
    }
    return undefined;
  };
  const wanted = searchAttributes.map((sa) => { const [name, type] = sa.split('='); return { name, type }; });
  const list = existing();
  const missing = wanted.filter(({ name }) => typeOf(list, name) === undefined);
  for (const { name, type } of wanted) {
    const have = typeOf(list, name);
    // The server names types INDEXED_VALUE_TYPE_KEYWORD_LIST; the CLI takes KeywordList.
    if (have !== undefined && String(have).replace(/^INDEXED_VALUE_TYPE_/, '').replaceAll('_', '').toLowerCase() !== type.toLowerCase()) {
      throw new Error(`search attribute ${name} is registered as ${have} in ${namespace}, the case needs ${type}: every case's workflow task would fail.`);
    }
  }
  if (missing.length > 0) {
    const r = cli(temporal, ['operator', 'search-attribute', 'create', '--namespace', namespace, ...missing.flatMap(({ name, type }) => ['--name', name, '--type', type]), ...conn]);
    if (r.status !== 0) throw new Error(`could not create the search attributes ${missing.map((m) => m.name).join(', ')}:\n${r.stderr}`);
    log(`search attributes registered: ${missing.map(({ name, type }) => `${name}=${type}`).join(', ')}.`);
  }
}
