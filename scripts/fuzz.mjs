#!/usr/bin/env node
// `npm run fuzz`: Schemathesis (PyPI: `pip install schemathesis`) against a running API's OpenAPI document
// with every check, once as a clerk and once as an officer. Not part of `npm test` (it needs Python and a
// running stack); the hostile corpus in tests/hostile is the part that runs on every `npm test`.
//   npm start            # in another terminal (or API_URL=http://host:port)
//   npm run fuzz -- -n 200
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const api = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const extra = process.argv.slice(2);
const token = (...args) => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { cwd: root, encoding: 'utf8' }).trim();

if (spawnSync('schemathesis', ['--version'], { stdio: 'ignore' }).status !== 0) {
  process.stderr.write('schemathesis is not installed: pip install schemathesis\n');
  process.exit(2);
}
let failed = false;
for (const [who, args, only] of [['clerk', ['--role', 'clerk', '--hospital', 'H0001'], []], ['officer', ['--role', 'officer', '--agency', 'publicSecurity'], ['--include-path-regex', '/api/reviews']]]) {
  process.stdout.write(`\n== as ${who} ==\n`);
  const run = spawnSync('schemathesis', ['run', `${api}/api/openapi.json`, '--checks', 'all', '-H', `Authorization: Bearer ${token(...args)}`, ...only, ...extra], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
