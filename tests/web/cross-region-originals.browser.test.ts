// 异地通办 (issue 19): the other place asks the parents to post originals. The exchange mock asks when the
// household parent's ID sequence is 997 (mock-agencies/exchange.rules.ts) and gives them 15 agency days:
// this stack's agency day is 3 s (the other stories' 0.2 s would close the task before a page is read),
// so the task stands while the clerk and the parents read it.
import type { Browser, Page } from 'playwright-core';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { axeViolations, buildPages, launchBrowser, newContext, screenshot } from '../helpers/browser';
import type { Watched } from '../helpers/browser';

jest.setTimeout(240_000);

/** A man's ID sequence the exchange mock answers with a request for originals (mock-agencies/exchange.rules.ts). */
const ORIGINALS_SEQUENCE_NUMBER = 997;
let stack: Stack;
let browser: Browser;
const watched: Watched[] = [];

beforeAll(async () => {
  buildPages();
  [stack, browser] = await Promise.all([startStack({ config: { ALLOW_DEV_SECRETS: true }, secondsPerDay: 3 }), launchBrowser()]);
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
  const w = await newContext(browser, stack.apiUrl, device, [stack.oidc.issuer]);
  watched.push(w);
  return w.context.newPage();
}

async function check(page: Page, name: string, phoneToo = true): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  const size = page.viewportSize();
  const phone = size !== null && size.width < 600;
  await screenshot(page, `${name}-${phone ? 'phone' : 'desktop'}`);
  if (phoneToo && !phone) {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `${name}-phone`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

async function signIn(page: Page, user: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByTestId('oidc-sign-in').click();
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByRole('textbox', { name: '账号', exact: true }).fill(user);
  await page.getByLabel('密码', { exact: true }).fill('dev-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(`${stack.apiUrl}/**`);
}

// The father's household in Beijing, so the household registration goes there.
test('the originals the other place asks for are a task on the clerk\'s page and the parents\' page', async () => {
  const clerkToken = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
  const created = await stack.call('POST', '/api/cases', {
    token: clerkToken,
    body: application({
      father: { idNumber: makeCitizenId('110105', '1992-07-01', ORIGINALS_SEQUENCE_NUMBER), hukouRegionCode: '110105' },
      householdOf: 'father',
    }),
  });
  expect(created.status).toBe(201);
  const { caseId, trackingCode } = created.body as { caseId: string; trackingCode: string };
  await eventually(async () => {
    const c = (await stack.call('GET', `/api/cases/${caseId}`, { token: clerkToken })).body;
    if (!c.actionsRequired.some((a: { kind: string }) => a.kind === 'originals')) throw new Error(`case ${caseId}: no originals asked yet`);
  }, { timeoutMs: 90_000, intervalMs: 300 });

  const page = await open('desktop');
  await signIn(page, 'clerk.H0001');
  await page.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
  const task = page.getByTestId('originals-task');
  await task.waitFor({ timeout: 30_000 });
  expect(await page.locator('.action').filter({ has: task }).innerText()).toMatch(/户口登记：异地要求家长邮寄原件[\s\S]*北京市公安局户籍窗口[\s\S]*出生医学证明原件[\s\S]*父母结婚证原件[\s\S]*户口簿原件/);
  expect(await page.locator('.waits').innerText()).toContain('家长：向北京市公安局户籍窗口（跨域通办专窗）邮寄户口登记所需原件');
  expect(await page.getByTestId('handled-at-household').innerText()).toContain('跨省通办（北京市），通常约10个工作日');
  // The household waits on Beijing through the exchange, not on Jinan's police.
  expect(await page.locator('.waits').innerText()).toContain('北京市（经跨域通办平台）：办理户口登记，通常约10个工作日');
  await check(page, 'cross-region-originals-clerk', false);

  const phone = await open('phone');
  await phone.goto(`${stack.apiUrl}/track`);
  await phone.locator('#tracking-code').fill(trackingCode);
  await phone.locator('#phone-last4').fill('8000');
  await phone.locator('#phone-last4').press('Enter');
  const parentTask = phone.getByTestId('parent-originals');
  await parentTask.waitFor({ timeout: 60_000 });
  const text = await parentTask.innerText();
  expect(text).toContain('请邮寄原件：户口登记');
  expect(text).toContain('北京市公安局户籍窗口（跨域通办专窗）');
  expect(text).toContain('户口簿原件');
  await check(phone, 'cross-region-originals-parent');
});
