// Installs npm dependencies when they are missing or older than the lockfile (fresh clone, pulled changes).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureNodeModules(projectRoot, log = (m) => process.stderr.write(`${m}\n`)) {
  const lock = join(projectRoot, 'package-lock.json');
  const marker = join(projectRoot, 'node_modules', '.package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  log('Installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm ci failed (exit ${r.status}).`);
}
