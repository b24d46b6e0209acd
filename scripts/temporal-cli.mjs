#!/usr/bin/env node
// Finds the Temporal CLI (which embeds the dev server), building the pinned version from Go modules when
// none is found. Order: $TEMPORAL_CLI, `temporal` on PATH, the project cache; else `go install` into the cache.
// Run directly it prints the path on stdout and nothing else (progress goes to stderr).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// v1.5.1 is the last tag buildable with `go install` (later ones carry a replace directive); it embeds
// server 1.29.1 and pure-Go SQLite, so CGO is not needed.
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheBinDir = join(projectRoot, '.cache', 'temporal', TEMPORAL_CLI_VERSION, 'bin');

function isExecutable(path) {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** @returns {string} the absolute path of a usable `temporal` executable */
export function ensureTemporalCli({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file.`);
    return resolve(fromEnv);
  }
  const found = onPath('temporal');
  if (found) return found;
  const cached = join(cacheBinDir, 'temporal');
  if (isExecutable(cached)) return cached;

  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'The Temporal CLI was not found and Go is not installed to build it. Either install Go (1.22+) and run ' +
        'again, or put a Temporal CLI ≥ 1.5 on PATH, or set TEMPORAL_CLI=/path/to/temporal.',
    );
  }
  mkdirSync(cacheBinDir, { recursive: true });
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from Go modules into ${cacheBinDir} (first time only; several minutes on 2 cores)…`);
  const started = Date.now();
  const build = spawnSync('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: cacheBinDir, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0 || !existsSync(cached)) {
    throw new Error(`Building the Temporal CLI failed (go install exited ${build.status}). See the output above.`);
  }
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return cached;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureTemporalCli()}\n`);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
