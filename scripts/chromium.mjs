// The browser tests drive Debian's Chromium through playwright-core (never a browser a test tool
// downloads). Found at CHROMIUM_PATH, else /usr/bin/chromium; installed with apt-get when missing and
// we may (root, apt-get present), else a clear message saying what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** Whether fontconfig knows a font with Chinese glyphs (without one, screenshots show boxes). */
function hasCjkFont() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status !== 0 || r.stdout.trim().length > 0; // no fc-list: cannot tell, assume yes
}

export function ensureChromium({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const path = chromiumPath();
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (existsSync(path)) {
    if (!hasCjkFont()) {
      if (hasAptGet && isRoot) {
        log('Installing CJK fonts for the pages (apt-get install fonts-noto-cjk)…');
        spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      } else {
        log('No Chinese font found: page screenshots will show boxes. Install one with `sudo apt-get install fonts-noto-cjk`.');
      }
    }
    return path;
  }
  if (!hasAptGet || !isRoot || process.env.CHROMIUM_PATH) {
    throw new Error(
      `Chromium was not found at ${path}. The browser tests need Debian's chromium and CJK fonts: ` +
      'run `sudo apt-get install chromium fonts-noto-cjk` (or set CHROMIUM_PATH to a Chromium binary).',
    );
  }
  log('Installing Chromium and CJK fonts for the browser tests (apt-get install chromium fonts-noto-cjk)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { stdio: ['ignore', 'inherit', 'inherit'], env })
    : update;
  if (install.status !== 0 || !existsSync(path)) throw new Error('apt-get could not install chromium; install it by hand: apt-get install chromium fonts-noto-cjk');
  return path;
}
