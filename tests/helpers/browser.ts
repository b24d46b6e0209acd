// Debian's Chromium driven by playwright-core, for the page tests: a fresh profile per launch, no
// network but the stack under test, screenshots kept under test-artifacts/ (git-ignored), and an
// axe-core accessibility check.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const projectRoot = resolve(__dirname, '../..');
export const SCREENSHOT_DIR = join(projectRoot, 'test-artifacts/screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Builds web/dist when its sources changed (a no-op otherwise). */
export function buildPages(): void {
  execFileSync(process.execPath, [join(projectRoot, 'scripts/build-web.mjs')], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
}

export function chromiumPath(): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', "import { ensureChromium } from './scripts/chromium.mjs'; process.stdout.write(ensureChromium());"], { cwd: projectRoot, encoding: 'utf8' });
}

export async function launchBrowser(): Promise<Browser> {
  // playwright-core's launch() gives every browser a fresh temporary profile (user-data-dir).
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--lang=zh-CN', '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export interface Watched { context: BrowserContext; offsite: string[]; pageErrors: string[] }

/**
 * A context for one person on one device; every request to anywhere but `origin` (and the `alsoAllowed`
 * origins: the identity provider's sign-in pages) is recorded (and refused).
 */
export async function newContext(browser: Browser, origin: string, device: 'desktop' | 'phone', alsoAllowed: readonly string[] = []): Promise<Watched> {
  const context = await browser.newContext({
    viewport: device === 'phone' ? PHONE : DESKTOP,
    isMobile: device === 'phone',
    hasTouch: device === 'phone',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // axe-core measures contrast as the page is: mid-way through a dialog's fade-in it sees pale text.
    // The pages honour prefers-reduced-motion, so with it every check sees the settled page.
    reducedMotion: 'reduce',
  });
  const offsite: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || alsoAllowed.some((o) => url.startsWith(`${o}/`))) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
  return { context, offsite, pageErrors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations on the page as it is now (WCAG 2 A/AA rules). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's own CSP (no inline scripts) stays as served.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}
