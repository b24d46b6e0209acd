#!/usr/bin/env node
// `npm run bench` from a fresh clone: installs the npm packages and the Temporal CLI when missing (as
// `npm start` and `npm test` do; no browser needed), then runs bench/run.ts with the same arguments, once per
// backend (issue 21):
//   npm run bench                                   the embedded dev server (BENCH_BACKEND, default embedded)
//   npm run bench -- --backend cluster              PostgreSQL + the Temporal server from Go modules
//   npm run bench -- --backend embedded,cluster     both in turn (or BENCH_BACKENDS=embedded,cluster)
// With more than one backend, each run's table (bench/tables.ts) is printed again together at the end.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-deps.mjs';
import { ensureTemporalCli } from './temporal-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BACKENDS = ['embedded', 'cluster'];

const rest = [];
const named = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--backend' || arg === '--backends') named.push(argv[++i] ?? '');
  else if (arg.startsWith('--backend=') || arg.startsWith('--backends=')) named.push(arg.slice(arg.indexOf('=') + 1));
  else rest.push(arg);
}
const backends = (named.length > 0 ? named.join(',') : process.env.BENCH_BACKENDS ?? process.env.BENCH_BACKEND ?? 'embedded')
  .split(',').map((b) => b.trim()).filter(Boolean);
const unknown = backends.filter((b) => !BACKENDS.includes(b));
if (backends.length === 0 || unknown.length > 0) {
  process.stderr.write(`bench: backends are ${BACKENDS.join(', ')} (not ${unknown.join(', ') || 'none'})\n`);
  process.exit(2);
}

try {
  ensureNodeModules(root);
  ensureTemporalCli();
} catch (err) {
  process.stderr.write(`bench setup failed: ${err.message}\n`);
  process.exit(1);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const files = [];
let failed = 0;
for (const backend of backends) {
  const file = join(root, 'bench', 'results', `${stamp}-${backend}.json`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts'), ...rest], {
    cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_BACKEND: backend, BENCH_RESULTS_FILE: file },
  });
  if (run.status !== 0) {
    failed += 1;
    process.stderr.write(`bench: the ${backend} run failed (exit ${run.status ?? run.signal})\n`);
  }
  if (existsSync(file)) files.push(file);
}
if (backends.length > 1 && files.length > 0) {
  process.stdout.write('\n[bench] the targets, per backend:\n\n');
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/tables.ts'), ...files.map((f) => relative(root, f))], { cwd: root, stdio: 'inherit' });
}
process.exit(failed > 0 ? 1 : 0);
