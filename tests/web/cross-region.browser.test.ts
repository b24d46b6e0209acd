// 异地通办 (issue 19) in a real browser against the real stack: a hospital clerk files a family whose
// household is in Beijing — the form names each parent's place and channel, asks where the child is
// insured and says plainly that Jinan's premium waiver will not apply — and both the clerk's case page and
// the parents' page (on a phone) say where each item is handled and how long that usually takes; a service
// hall's clerk files a child born in Qingdao with the other hospital's birth certificate number. Every page
// is checked with axe-core and photographed.
import type { Browser, Page } from 'playwright-core';
import { makeCitizenId } from '../../domain/identity/citizen-id';

import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { axeViolations, buildPages, launchBrowser, newContext, screenshot } from '../helpers/browser';
import type { Watched } from '../helpers/browser';

jest.setTimeout(240_000);

let stack: Stack;
let browser: Browser;
const watched: Watched[] = [];

beforeAll(async () => {
  buildPages();
  [stack, browser] = await Promise.all([startStack({ config: { ALLOW_DEV_SECRETS: true } }), launchBrowser()]);
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

/** Signs in through the identity provider's own page as a dev user (account, password), and back. */
async function signIn(page: Page, user: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByTestId('oidc-sign-in').click();
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByRole('textbox', { name: '账号', exact: true }).fill(user);
  await page.getByLabel('密码', { exact: true }).fill('dev-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(`${stack.apiUrl}/**`);
}

const radio = (page: Page, group: string, label: string) =>
  page.getByRole('radiogroup', { name: group }).locator('label', { hasText: label }).first().click();

const birthAt = (daysAgo: number): string => {
  const d = new Date(Date.now() - daysAgo * 86_400_000 + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 10)} 08:30`;
};

/** The parts of the form every case has: the newborn, the parents (their region codes given), delivery. */
async function fillFamily(page: Page, f: { motherId: string; motherRegion: string; fatherId: string; fatherRegion: string; order: number }): Promise<void> {
  await radio(page, '新生儿性别', '女');
  await page.locator('#nb-birth').fill(birthAt(2));
  await page.locator('#nb-birth').press('Enter');
  await page.locator('#nb-weight').fill('3250');
  await page.locator('#nb-order').fill(String(f.order));
  await page.locator('#m-name').fill('王芳');
  await page.locator('#m-id').fill(f.motherId);
  await page.locator('#m-phone').fill('13800138000');
  await page.locator('#m-region').fill(f.motherRegion);
  await page.locator('#m-ins').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: '城乡居民医保' }).click();
  await page.locator('#f-name').fill('李强');
  await page.locator('#f-id').fill(f.fatherId);
  await page.locator('#f-phone').fill('13900139000');
  await page.locator('#f-region').fill(f.fatherRegion);
  await radio(page, '父母婚姻状况', '已婚');
  await page.locator('#d-addr').fill('济南市历下区泉城路1号');
}

test('a clerk files a family whose household is in Beijing; the clerk and the parents see where each item is handled', async () => {
  const page = await open('desktop');
  await signIn(page, 'clerk.H0001');
  await page.getByRole('link', { name: '新建办件' }).click();
  await page.getByRole('heading', { name: '新建办件' }).waitFor();

  // A mother with one child on record at the health commission (ID sequence mod 3), so this is her second.
  const seq = 100 + 6 * (process.pid % 150);
  await fillFamily(page, {
    motherId: makeCitizenId('110105', '1994-03-15', seq), motherRegion: '110105',
    fatherId: makeCitizenId('370203', '1992-07-01', seq + 1), fatherRegion: '370203', order: 2,
  });
  // Each parent's place, from the GB/T 2260 table, and the channel a case there goes through.
  await page.getByTestId('m-region-place').filter({ hasText: '北京市 · 跨省通办' }).waitFor();
  await page.getByTestId('f-region-place').filter({ hasText: '山东省青岛市 · 省内跨域通办' }).waitFor();

  await radio(page, '新生儿落户', '随母亲落户');
  await page.getByTestId('household-place').filter({ hasText: '户籍地：北京市（跨省通办' }).waitFor();
  // Insured in Jinan without a residence permit: refused beside the field, in the API's words.
  await radio(page, '新生儿参保地', '在济南参保');
  await page.getByText('须父母一方持有济南市居住证').first().waitFor();
  // Insured at home: the plain statement that Jinan's waiver does not apply.
  await radio(page, '新生儿参保地', '在户籍地参保');
  const waiver = page.getByTestId('waiver-note');
  await waiver.waitFor();
  expect(await waiver.innerText()).toContain('孩子在户籍地（北京市）参加城乡居民医保：未在济南参保，济南市的新生儿居民医保保费减免不适用');
  const plan = await page.getByTestId('service-plan').innerText();
  expect(plan).toMatch(/户口登记\s*跨省通办（北京市），通常约10个工作日/);
  expect(plan).toMatch(/出生医学证明\s*济南本地办理/);
  await check(page, 'cross-region-new-case');

  await page.getByRole('button', { name: '提交办件' }).click();
  const caseId = (await page.getByTestId('created-case-id').textContent())?.trim() as string;
  const trackingCode = (await page.getByTestId('created-tracking-code').textContent())?.trim() as string;
  expect(caseId).toMatch(/^[0-9A-Z]{16}$/);

  // The clerk's case page: each item says where it is handled.
  await page.getByRole('button', { name: '查看办件' }).click();
  const household = page.getByTestId('handled-at-household');
  await household.waitFor({ timeout: 60_000 });
  expect(await household.innerText()).toContain('跨省通办（北京市），通常约10个工作日');
  expect(await page.getByTestId('handled-at-medicalInsurance').innerText()).toContain('跨省通办（北京市）');
  expect(await page.getByTestId('handled-at-birthCertificate').innerText()).toContain('济南本地办理');
  await page.getByText(/受理时间 \d{4}年/).waitFor();
  expect(await page.locator('body').innerText()).toContain('北京市（110105）');
  await check(page, 'cross-region-case-page');

  // The parents, on a phone, by the tracking code: the same places, in the same words.
  const phone = await open('phone');
  await phone.goto(`${stack.apiUrl}/track`);
  await phone.locator('#tracking-code').fill(trackingCode);
  await phone.locator('#phone-last4').fill('8000');
  await phone.locator('#phone-last4').press('Enter');
  const parentHousehold = phone.getByTestId('parent-handled-at-household');
  await parentHousehold.waitFor({ timeout: 60_000 });
  expect(await parentHousehold.innerText()).toContain('跨省通办（北京市），通常约10个工作日');
  expect(await phone.getByTestId('parent-handled-at-vaccination').innerText()).toContain('济南本地办理');
  await check(phone, 'cross-region-parent');
});

test('a service hall clerk files a child born in Qingdao with the other hospital\'s birth certificate', async () => {
  const page = await open('desktop');
  await signIn(page, 'hall.JN-HALL-01');
  await page.getByTestId('signed-in-as').filter({ hasText: '政务服务大厅窗口 · JN-HALL-01' }).waitFor();
  await page.getByRole('link', { name: '外地出生办件' }).click();
  await page.getByRole('heading', { name: '外地出生新建办件' }).waitFor();

  await page.locator('#b-hospital').fill('青岛市妇女儿童医院');
  await page.locator('#b-region').fill('370202');
  await page.getByTestId('birth-place').filter({ hasText: '山东省青岛市 · 省内跨域通办' }).waitFor();
  // A malformed certificate number: said beside the field.
  await page.locator('#b-cert').fill('37021234');
  await page.locator('#b-cert').blur();
  await page.getByText('出生医学证明编号格式不正确').waitFor();
  await page.locator('#b-cert').fill('Q370212345');

  const seq = 102 + 6 * (process.pid % 150);
  await fillFamily(page, {
    motherId: makeCitizenId('370102', '1993-05-20', seq), motherRegion: '370102',
    fatherId: makeCitizenId('370103', '1991-02-11', seq + 1), fatherRegion: '370103', order: 1, // none on record (sequence mod 3 = 0)
  });
  await radio(page, '新生儿落户', '随父亲落户');
  await page.getByTestId('household-place').filter({ hasText: '户籍地：山东省济南市' }).waitFor();
  await expect(page.getByTestId('waiver-note').count()).resolves.toBe(0);
  await check(page, 'hall-new-case');

  await page.getByRole('button', { name: '提交办件' }).click();
  const problems = page.getByRole('alert').filter({ hasText: '处需要修改' });
  const created = page.getByTestId('created-case-id');
  await Promise.race([created.waitFor(), problems.waitFor().then(async () => { throw new Error(await problems.innerText()); })]);
  const caseId = (await created.textContent())?.trim() as string;
  await check(page, 'hall-case-created', false);

  await page.getByRole('button', { name: '查看办件' }).click();
  await page.waitForURL(/\/hall\/cases\/[0-9A-Z]{16}$/);
  const birth = page.getByTestId('handled-at-birthCertificate');
  await birth.waitFor({ timeout: 60_000 });
  expect(await birth.innerText()).toContain('省内跨域通办（山东省青岛市），通常约5个工作日');
  expect(await page.getByTestId('handled-at-household').innerText()).toContain('济南本地办理');
  expect(await page.locator('body').innerText()).toMatch(/青岛市妇女儿童医院，山东省青岛市（370202），出生医学证明编号 Q370212345/);
  await check(page, 'hall-case-page');

  // The hall's list shows the case it filed.
  await page.getByRole('link', { name: '大厅办件' }).click();
  await page.getByRole('link', { name: caseId }).first().waitFor();
  await check(page, 'hall-case-list', false);
});

test('an operations admin reads the cross-region section of the dashboard, per channel', async () => {
  const page = await open('desktop');
  await signIn(page, 'admin');
  const section = page.getByTestId('ops-cross-region');
  await section.waitFor();
  const text = await section.innerText();
  expect(text).toContain('济南本地办理');
  expect(await page.getByTestId('ops-channel-inProvince').innerText()).toMatch(/^省内跨域通办\s*通常约5个工作日/);
  expect(await page.getByTestId('ops-channel-crossProvince').innerText()).toMatch(/^跨省通办\s*通常约10个工作日/);
  expect(text).toContain('等待家长邮寄原件的在办件');
  await section.scrollIntoViewIfNeeded();
  await check(page, 'cross-region-dashboard');
});
