#!/usr/bin/env node
// `npm run bench` from a fresh clone: installs the npm packages and the Temporal CLI when missing (as
// `npm start` and `npm test` do; no browser needed), then runs bench/run.ts with the same arguments.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-deps.mjs';
import { ensureTemporalCli } from './temporal-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  ensureNodeModules(root);
  ensureTemporalCli();
} catch (err) {
  process.stderr.write(`bench setup failed: ${err.message}\n`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
