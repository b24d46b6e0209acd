#!/usr/bin/env node
// Runs a command beside a private, throw-away PostgreSQL: a cluster in a temp dir on a free loopback
// port (trust auth, nothing else can reach it), TEST_POSTGRES_URL set for the command, the cluster
// stopped and removed afterwards.
//   node scripts/with-postgres.mjs npx jest tests/db
// Needs Debian's PostgreSQL server (`apt-get install postgresql`); as root it installs it when missing,
// and runs the server as the `postgres` user (the server refuses to run as root).
import { spawnSync, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = process.argv.slice(2);
if (command.length === 0) {
  process.stderr.write('usage: node scripts/with-postgres.mjs <command…>\n');
  process.exit(2);
}

function binDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

let bin = binDir();
const isRoot = process.getuid?.() === 0;
if (!bin && isRoot) {
  process.stderr.write('with-postgres: installing PostgreSQL (apt-get install postgresql)\n');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  bin = binDir();
}
if (!bin) {
  process.stderr.write('with-postgres: no PostgreSQL server found; install it with `apt-get install postgresql`\n');
  process.exit(1);
}

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'pg-'));
const data = join(dir, 'data');
const asServer = (exe, args) => {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, exe), ...args]] : [join(bin, exe), args];
  const r = spawnSync(file, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${exe} failed:\n${r.stdout}${r.stderr}`);
};
if (isRoot) {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
}

let status = 1;
try {
  asServer('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-locale', '--encoding=UTF8', '--no-sync']);
  asServer('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.stderr.write(`with-postgres: PostgreSQL at ${url}\n`);
  const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, TEST_POSTGRES_URL: url } });
  status = r.status ?? 1;
} catch (err) {
  process.stderr.write(`with-postgres: ${err.message}\n`);
} finally {
  try {
    asServer('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  } catch {
    // not started: nothing to stop
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
