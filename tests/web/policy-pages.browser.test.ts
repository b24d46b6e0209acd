// Issue 22's pages in a real browser against the real stack: the new-case form's Chinese date pickers
// (no browser mm/dd/yyyy input), one parent-fields component for both parents, the case list as cards on
// a phone, and twins' cases that show each other with the same family summary and the delivery's maternity
// payment told once. Photographed at desktop and phone width (test-artifacts/screenshots/), axe-checked.
// Signs in with the development sign-in (ALLOW_DEV_TOKENS), so the story does not depend on the provider.
import type { Browser, Page } from 'playwright-core';
import { shanghaiDate, shanghaiDateOfMs, toShanghaiIso } from '../../domain/dates';
import { premiumCoverage } from '../../domain/policy';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { join } from 'node:path';
import { axeViolations, buildPages, launchBrowser, newContext, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import type { Watched } from '../helpers/browser';

jest.setTimeout(240_000);

let stack: Stack;
let browser: Browser;
let clerkToken: string;
const watched: Watched[] = [];

beforeAll(async () => {
  buildPages();
  [stack, browser] = await Promise.all([startStack({ config: { ALLOW_DEV_SECRETS: true, ALLOW_DEV_TOKENS: true } }), launchBrowser()]);
  clerkToken = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const w of watched) {
    expect(w.offsite).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  }
});

async function open(device: 'desktop' | 'phone'): Promise<Page> {
  const w = await newContext(browser, stack.apiUrl, device);
  watched.push(w);
  return w.context.newPage();
}

/** The page passes axe-core and is photographed; at desktop width, again at phone width. */
async function check(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  const size = page.viewportSize();
  const phone = size !== null && size.width < 600;
  await screenshot(page, `${name}-${phone ? 'phone' : 'desktop'}`);
  if (!phone) {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `${name}-phone`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** The development sign-in: a clerk of H0001 (the hospital the twins' cases are filed at), or the admin. */
async function devSignIn(page: Page, role: 'clerk' | 'admin' = 'clerk'): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  const dev = page.locator('.el-card').filter({ has: page.getByRole('heading', { name: '开发环境登录' }) });
  await dev.waitFor();
  if (role === 'admin') await dev.getByText('运维管理员', { exact: true }).click();
  await dev.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

async function caseUntil(caseId: string, ok: (c: any) => boolean, timeoutMs = 90_000): Promise<any> {
  return eventually(async () => {
    const c = (await stack.call('GET', `/api/cases/${caseId}`, { token: clerkToken })).body;
    if (!ok(c)) throw new Error(`case ${caseId} is ${c?.status}`);
    return c;
  }, { timeoutMs, intervalMs: 300 });
}

test('the new-case form takes dates with the Chinese date picker; on a phone the case list is cards with every field; twins’ cases show each other and the same family summary', async () => {
  const page = await open('desktop');
  await devSignIn(page);
  await page.goto(`${stack.apiUrl}/clerk/cases/new`);
  await page.getByRole('heading', { name: '新建办件' }).waitFor();
  // No browser date input (mm/dd/yyyy in an English browser): Element Plus pickers in Chinese, yyyy-MM-dd.
  expect(await page.locator('input[type="date"], input[type="datetime-local"], input[type="month"]').count()).toBe(0);
  expect(await page.locator('#c-at').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await page.locator('#nb-birth').click();
  const picker = page.locator('.el-picker-panel').filter({ visible: true });
  await picker.getByText('此刻').waitFor();
  await expect(picker.getByText(/^\d{4} 年$/).count()).resolves.toBeGreaterThan(0);
  await expect(picker.getByText(/^\d{1,2} 月$/).count()).resolves.toBeGreaterThan(0);
  await screenshot(page, 'new-case-date-picker-desktop');
  await page.locator('#nb-birth').fill('2026-11-20 08:30');
  await page.locator('#nb-birth').press('Enter');
  await expect(page.locator('#nb-birth').inputValue()).resolves.toBe('2026-11-20 08:30');
  // One parent-fields component for both: the father's ID number in the mother's monospace.
  type InPage = { getComputedStyle(e: unknown): { fontFamily: string }; document: { documentElement: { scrollWidth: number; clientWidth: number } } };
  const fontOf = (sel: string) => page.locator(sel).evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).fontFamily);
  expect(await fontOf('#f-id')).toBe(await fontOf('#m-id'));
  expect(await fontOf('#f-id')).toMatch(/Mono|monospace/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#nb-birth').click();
  await page.locator('.el-picker-panel').filter({ visible: true }).getByText('此刻').waitFor();
  await screenshot(page, 'new-case-date-picker-phone');
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Twins of a first delivery (birth orders 1 and 2), filed one after the other at this hospital.
  const base = application();
  const bornB = toShanghaiIso(Date.parse(base.newborn.birthAt) + 5 * 60_000).replace(/\.\d{3}/, '');
  const twins = [
    { ...base, newborn: { ...base.newborn, name: '李安然', birthOrder: 1, multipleBirth: { children: 2, position: 1 } } },
    { ...base, newborn: { ...base.newborn, name: '李安宁', birthAt: bornB, birthOrder: 2, multipleBirth: { children: 2, position: 2 } } },
  ];
  const ids: string[] = [];
  for (const body of twins) {
    const created = await stack.call('POST', '/api/cases', { token: clerkToken, body });
    expect(created.status).toBe(201);
    ids.push(created.body.caseId as string);
  }
  const [idA, idB] = ids as [string, string];
  for (const id of ids) await caseUntil(id, (c) => c.benefits !== null);

  const summaryOf = async (caseId: string, sibling: string): Promise<string> => {
    await page.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
    await page.getByTestId('delivery-siblings').getByRole('link', { name: sibling }).waitFor({ timeout: 30_000 });
    const card = page.locator('.el-card').filter({ has: page.getByRole('heading', { name: '家庭可享受的其他生育支持政策' }) });
    return card.innerText();
  };
  const summaryA = await summaryOf(idA, idB);
  await check(page, 'twins-case-first-born');
  const summaryB = await summaryOf(idB, idA);
  await check(page, 'twins-case-second-born');
  // Close-ups to look at: the delivery's other child, the benefits, the family summary.
  await page.getByTestId('delivery-siblings').screenshot({ path: join(SCREENSHOT_DIR, 'twins-second-born-siblings.png') });
  await page.locator('.el-card').filter({ has: page.getByRole('heading', { name: '待遇核定' }) }).screenshot({ path: join(SCREENSHOT_DIR, 'twins-second-born-benefits.png') });
  await page.locator('.el-card').filter({ has: page.getByRole('heading', { name: '家庭可享受的其他生育支持政策' }) }).screenshot({ path: join(SCREENSHOT_DIR, 'twins-second-born-family-summary.png') });
  expect(summaryB).toBe(summaryA);
  expect(summaryA).toContain('生育津贴');
  // The delivery's maternity payment is told once: the second twin's case refers to the first-born's.
  await page.getByText('按一次分娩计算，见第1个出生孩子的办件').waitFor();

  // The hospital's list on a phone: one card per case, every field, the services spelt out, nothing clipped.
  const phone = await open('phone');
  await devSignIn(phone);
  const cards = phone.getByTestId('case-cards');
  await cards.waitFor();
  const cardA = cards.locator('li.case-card').filter({ hasText: idA });
  await cardA.getByText('出生医学证明').waitFor({ timeout: 30_000 });
  for (const label of ['出生日期', '受理时间', '各事项']) await cardA.getByText(label).waitFor();
  // The list has the day of birth (its filter's unit; the case page has the time), the filing its minute.
  const [year, month, day] = shanghaiDate(base.newborn.birthAt).split('-').map(Number);
  expect(await cardA.innerText()).toMatch(new RegExp(`出生日期\\s*${year}年${month}月${day}日\\s*受理时间\\s*\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}`));
  const fits = await phone.evaluate(() => {
    const root = (globalThis as unknown as InPage).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  });
  expect(fits).toBe(true);
  await check(phone, 'case-list-cards');
});

test('the operations dashboard shows the premium table’s coverage of this year and the next, with a warning when a year has no figure', async () => {
  const coverage = premiumCoverage(shanghaiDateOfMs(Date.now()));
  const page = await open('desktop');
  await devSignIn(page, 'admin');
  await page.getByRole('heading', { name: '运行概况' }).waitFor();
  const line = page.getByTestId('ops-premium-coverage');
  await line.waitFor();
  for (const y of coverage.years) await line.getByText(`${y.year}年度${y.yuan === null ? '尚未录入' : `${y.yuan}元`}`).waitFor();
  expect(await page.getByTestId('ops-premium-coverage-warning').count()).toBe(coverage.message ? 1 : 0);
  if (coverage.message) expect(await page.getByTestId('ops-premium-coverage-warning').innerText()).toContain(coverage.message);
  await check(page, 'admin-dashboard-premium-coverage');
});
