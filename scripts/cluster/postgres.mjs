// The cluster's PostgreSQL: Debian's server on a data folder of its own (`initdb` on first run), its own port,
// run in the foreground under the supervisor (as the `postgres` user when this runs as root: the server
// refuses root). Local socket connections are trusted (only its owner can reach the socket, in the data
// folder); TCP connections need a password (scram-sha-256), as a managed PostgreSQL would.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const isRoot = process.getuid?.() === 0;

export function postgresBinDir({ log }) {
  const find = () => {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return null;
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(root, versions[0], 'bin') : null;
  };
  let bin = find();
  if (!bin && isRoot) {
    log('installing PostgreSQL (apt-get install postgresql)…');
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    bin = find();
  }
  if (!bin) throw new Error('no PostgreSQL server found; install it with `apt-get install postgresql` (Debian) and run again.');
  return bin;
}

/** [command, args] that run a PostgreSQL program as the server's owner */
export function asServerOwner(bin, exe, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, exe), ...args]] : [join(bin, exe), args];
}

function run(bin, exe, args, input) {
  const [file, argv] = asServerOwner(bin, exe, args);
  const r = spawnSync(file, argv, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${exe} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Creates the data folder with initdb unless it holds a cluster already; returns true when it was created. */
export function ensureDataFolder({ bin, dataDir, log }) {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  // The folders above must stay open to the server's user; only the data folder itself is private.
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dataDir, uid, gid);
  }
  log(`initdb ${dataDir} (first run)…`);
  run(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
  return true;
}

/** A server left running by a run that was killed: its postmaster.pid names a live process. */
export function leftoverServerPid(dataDir) {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  try { process.kill(pid, 0); return pid; } catch { return null; }
}

/** [command, args] of the server in the foreground (the supervisor stops it with SIGINT: fast shutdown). */
export function serverCommand({ bin, dataDir, host, port }) {
  return asServerOwner(bin, 'postgres', ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', `listen_addresses=${host}`, '-c', 'max_connections=200', '-c', 'log_checkpoints=off']);
}

export function isReady({ bin, host, port }) {
  return spawnSync(join(bin, 'pg_isready'), ['-h', host, '-p', String(port), '-q'], { stdio: 'ignore' }).status === 0;
}

const quoteLiteral = (s) => `'${String(s).replaceAll("'", "''")}'`;
const quoteIdent = (s) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a plain PostgreSQL name: ${s}`);
  return s;
};

/**
 * Roles and databases, idempotent: each role gets LOGIN and the password (set again every start, so a
 * changed CLUSTER_PG_PASSWORD takes effect); each database is created owned by its role when missing.
 * @param {{ bin: string, dataDir: string, port: number, roles: { name: string, password: string, databases: string[] }[] }} o
 */
export function ensureRolesAndDatabases({ bin, dataDir, port, roles }) {
  const sql = roles.flatMap(({ name, password, databases }) => [
    `SELECT format('CREATE ROLE %I', ${quoteLiteral(name)}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(name)}) \\gexec`,
    `ALTER ROLE ${quoteIdent(name)} LOGIN PASSWORD ${quoteLiteral(password)};`,
    ...databases.map((db) => `SELECT format('CREATE DATABASE %I OWNER %I', ${quoteLiteral(quoteIdent(db))}, ${quoteLiteral(name)}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${quoteLiteral(db)}) \\gexec`),
  ]).join('\n');
  run(bin, 'psql', ['-h', dataDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-X'], `${sql}\n`);
}
