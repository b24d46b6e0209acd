#!/usr/bin/env node
// Builds the web pages into web/dist: the OpenAPI document the API serves → TypeScript types
// (openapi-typescript, web/src/api/generated/, git-ignored) → type check (vue-tsc) → Vite build.
// Skips all of it when nothing it reads has changed since the last build (a content hash in
// web/dist/.build-stamp). `npm start` and the browser tests call it; `--force` rebuilds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(web, 'dist');
const generated = join(web, 'src/api/generated');
const stampFile = join(dist, '.build-stamp');

// What the pages are built from: their own sources, the schemas they share with the API, the lock file.
const INPUTS = ['web/src', 'web/index.html', 'web/track.html', 'web/public', 'web/vite.config.mts', 'web/tsconfig.json', 'domain', 'api', 'package-lock.json'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !(e.isDirectory() && e.name === 'generated'))
    .flatMap((e) => files(join(path, e.name)));
}

function inputHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(join(root, p))).sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const run = (args, opts = {}) => execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

export function buildWeb({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const hash = inputHash();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash && existsSync(join(dist, 'index.html'))) {
    return { built: false };
  }
  const started = Date.now();
  log('Building the web pages (web/dist)…');
  mkdirSync(generated, { recursive: true });
  const doc = run(['--import', 'tsx', 'scripts/openapi-dump.ts'], { capture: true });
  writeFileSync(join(generated, 'openapi.json'), doc);
  run([join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(generated, 'openapi.json'), '-o', join(generated, 'schema.d.ts'), '--silent']);
  run([join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '-p', join(web, 'tsconfig.json')]);
  run([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(web, 'vite.config.mts'), '--logLevel', 'warn']);
  writeFileSync(stampFile, hash);
  log(`Web pages built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { built: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildWeb({ force: process.argv.includes('--force') });
  } catch (err) {
    process.stderr.write(`web build failed: ${err.message}\n`);
    process.exit(1);
  }
}
