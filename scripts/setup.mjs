#!/usr/bin/env node
// Everything `npm test` needs on a fresh machine: npm dependencies, the Temporal CLI (built from Go
// modules when absent) and Debian's Chromium for the browser tests. Idempotent and quick when all is in place.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-deps.mjs';
import { ensureTemporalCli } from './temporal-cli.mjs';
import { ensureChromium } from './chromium.mjs';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  ensureNodeModules(projectRoot);
  ensureTemporalCli();
  ensureChromium();
} catch (err) {
  process.stderr.write(`setup failed: ${err.message}\n`);
  process.exit(1);
}
