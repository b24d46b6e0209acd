// 生育登记 in a real browser (Debian's Chromium) against the real stack (issue 18), at phone width: a
// mother signs in with the code the SMS brings, registers (the health commission's conflict on the
// children is shown beside the field first), amends and shows her e-certificate; a clerk files the birth,
// the form fills in from the registration, marks what she changes and derives the birth order — a
// different number of children is refused in plain words — and the mother, signed in, follows the case;
// a family with no registration gets the sixth item (生育登记) done by the case. Every page is checked with
// axe-core and photographed under test-artifacts/screenshots.
import type { Browser, Page } from 'playwright-core';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { SERVICE_KEYS } from '../../domain/catalog';
import { shanghaiDateOfMs } from '../../domain/dates';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { axeViolations, buildPages, launchBrowser, newContext, screenshot } from '../helpers/browser';
import type { Watched } from '../helpers/browser';

jest.setTimeout(300_000);

let stack: Stack;
let browser: Browser;
let clerkToken: string;
const watched: Watched[] = [];

beforeAll(async () => {
  buildPages();
  [stack, browser] = await Promise.all([startStack({ config: { ALLOW_DEV_SECRETS: true } }), launchBrowser()]);
  clerkToken = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(async () => {
  // Every page as it was when the test ended (what a failure looked like), then closed.
  let n = 0;
  for (const w of watched.splice(0)) {
    for (const p of w.context.pages()) await screenshot(p, `reg-last-${(n += 1)}`).catch(() => undefined);
    await w.context.close();
    expect(w.offsite).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  }
});

async function open(device: 'desktop' | 'phone'): Promise<Page> {
  const w = await newContext(browser, stack.apiUrl, device, [stack.oidc.issuer]);
  watched.push(w);
  return w.context.newPage();
}

/** axe-core finds nothing serious, and the page is photographed at its width (and at phone width too). */
async function check(page: Page, name: string, phoneToo = false): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  const size = page.viewportSize();
  const phone = size !== null && size.width < 600;
  await screenshot(page, `reg-${name}-${phone ? 'phone' : 'desktop'}`);
  if (phoneToo && !phone) {
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `reg-${name}-phone`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

// A family: the mother's ID sequence decides how many children the health commission has on record for
// her (sequence mod 3, family-registry.ts); even sequences are women, odd ones men.
let families = 0;
function family(childrenOnRecord: 0 | 1 | 2) {
  families += 1;
  const base = 100 + families * 6 + (process.pid % 50) * 12;
  const seq = [0, 1, 2].map((k) => base + k * 2).find((s) => s % 3 === childrenOnRecord) as number;
  return {
    mother: { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', seq), phone: `1381234${String(1000 + families * 37).slice(-4)}`, hukouRegionCode: '370102' },
    father: { name: '李强', idNumber: makeCitizenId('370103', '1992-07-01', seq + 1), phone: `1391234${String(1000 + families * 37).slice(-4)}`, hukouRegionCode: '370103' },
  };
}
type Family = ReturnType<typeof family>;
const thisMonth = () => shanghaiDateOfMs(Date.now()).slice(0, 7);
const nextMonth = () => {
  const [y, m] = thisMonth().split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/** The sign-in code the SMS mock sent to `phone` last (its outbox, as a gateway keeps it). */
async function smsCode(phone: string): Promise<string> {
  return eventually(async () => {
    const res = await fetch(`${stack.agenciesUrl}/admin/sms/outbox`, { headers: stack.agenciesAdmin });
    const { messages } = (await res.json()) as { messages: Array<{ phone: string; template: string; params: Record<string, string>; sentAt: string }> };
    const mine = messages.filter((m) => m.phone === phone && m.template === 'sign_in_code');
    const code = Object.values(mine.at(-1)?.params ?? {}).find((v) => /^\d{6}$/.test(v));
    if (!code) throw new Error(`no sign-in code sent to ${phone} yet`);
    return code;
  }, { timeoutMs: 20_000, intervalMs: 200 });
}

/** A parent signs in on the phone page: number, the code from the SMS, then name and ID number. */
async function parentSignsIn(page: Page, who: { name: string; idNumber: string; phone: string }, photo?: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/track`);
  await page.getByTestId('to-sign-in').click();
  await page.locator('#sign-in-phone').fill(who.phone);
  if (photo) await check(page, `${photo}-phone-number`);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByTestId('code-sent').filter({ hasText: `${who.phone.slice(0, 3)}****${who.phone.slice(7)}` }).waitFor();
  // A wrong code first: the same plain answer as for any code that does not work.
  const code = await smsCode(who.phone);
  await page.locator('#sign-in-code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: '验证码' }).waitFor();
  if (photo) await check(page, `${photo}-wrong-code`);
  await page.locator('#sign-in-code').fill(code);
  await page.locator('#sign-in-code').press('Enter');
  await page.locator('#real-name').waitFor();
  await page.locator('#real-name').fill(who.name);
  await page.locator('#real-id').fill(who.idNumber);
  if (photo) await check(page, `${photo}-real-name`);
  await page.getByRole('button', { name: '实名核验' }).click();
  await page.getByRole('heading', { name: /您好/ }).waitFor();
}

async function fillPerson(page: Page, prefix: 'm' | 'f', p: Family['mother']): Promise<void> {
  await page.locator(`#${prefix}-name`).fill(p.name);
  await page.locator(`#${prefix}-idNumber`).fill(p.idNumber);
  await page.locator(`#${prefix}-phone`).fill(p.phone);
  await page.locator(`#${prefix}-hukouRegionCode`).fill(p.hukouRegionCode);
}

/** The 生育登记 form filled in for `fam` (married, both parents, the household with the father). */
async function fillRegistration(page: Page, fam: Family, childrenBefore: number): Promise<void> {
  await page.locator('#m-name').waitFor();
  await fillPerson(page, 'm', fam.mother);
  await fillPerson(page, 'f', fam.father);
  await page.getByRole('radio', { name: '已婚' }).check();
  await page.locator('#married-on').fill('2020-05-01');
  await page.locator('#children-before').fill(String(childrenBefore));
  await page.locator('#expected-month').selectOption(thisMonth());
  await page.locator('#hospital-id').fill('H0001');
  await page.getByRole('radio', { name: '随父亲落户' }).check();
}

const DEV_CLERK = 'clerk.H0001';
async function clerkSignsIn(page: Page): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByTestId('oidc-sign-in').click();
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByRole('textbox', { name: '账号', exact: true }).fill(DEV_CLERK);
  await page.getByLabel('密码', { exact: true }).fill('dev-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(`${stack.apiUrl}/**`);
  await page.getByTestId('signed-in-as').waitFor();
}

const radio = (page: Page, group: string, label: string) =>
  page.getByRole('radiogroup', { name: group }).locator('label', { hasText: label }).first().click();

/** The rest of the new-case form a registration does not give: the newborn, insurance, delivery. */
async function fillBirth(page: Page): Promise<void> {
  const birthAt = application().newborn.birthAt;
  await radio(page, '新生儿性别', '女');
  await page.locator('#nb-birth').fill(birthAt.slice(0, 16).replace('T', ' '));
  await page.locator('#nb-birth').press('Enter');
  await page.locator('#nb-weight').fill('3300');
  await page.locator('#m-ins').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: '城乡居民医保' }).click();
  await page.locator('#d-addr').fill('济南市历下区泉城路1号');
}

test('a mother registers on her phone and amends; the clerk files the birth from the registration; the mother follows the case signed in', async () => {
  const fam = family(1);
  const phone = await open('phone');
  await parentSignsIn(phone, fam.mother, 'sign-in');
  await phone.getByText('您还没有生育登记').waitFor();
  await check(phone, 'home-empty');

  // 生育登记: both spouses, married, children declared 0 — the health commission has one on record.
  await phone.getByRole('button', { name: '办理生育登记' }).click();
  await fillRegistration(phone, fam, 0);
  await check(phone, 'form-filled');
  await phone.getByRole('button', { name: '提交生育登记' }).click();
  const problems = phone.getByTestId('registration-problems');
  await problems.filter({ hasText: '卫生健康部门核对登记信息时发现以下问题' }).waitFor();
  // In plain words, beside the field: the record has one child, the mother declared none.
  const fieldNote = phone.locator('.van-field', { has: phone.locator('#children-before') }).locator('.van-field__error-message');
  await expect(fieldNote.innerText()).resolves.toMatch(/此前已生育1个子女.*申报的是0个/);
  await check(phone, 'form-conflict');

  await phone.locator('#children-before').fill('1');
  await phone.getByRole('button', { name: '提交生育登记' }).click();
  await phone.getByText('生育登记已完成').waitFor();
  await phone.getByTestId('registration-status').filter({ hasText: '已登记' }).waitFor();
  const number = (await phone.locator('.van-cell', { hasText: '生育服务登记号' }).locator('.van-cell__value').innerText()).trim();
  expect(number).toMatch(/^SY\d+/);
  await phone.getByText('第2孩').waitFor();
  await check(phone, 'registered');
  // The same page on a desktop browser, and in large type (适老化).
  await phone.setViewportSize({ width: 1280, height: 800 });
  await check(phone, 'registered-wide');
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.getByRole('switch', { name: '大字模式' }).click();
  await check(phone, 'registered-large-text');
  await phone.getByRole('switch', { name: '大字模式' }).click();

  // Amend: another hospital and next month.
  await phone.getByRole('link', { name: '修改登记信息' }).or(phone.getByRole('button', { name: '修改登记信息' })).click();
  await phone.locator('#hospital-id').waitFor();
  await eventually(async () => expect(await phone.locator('#m-idNumber').inputValue()).toBe(fam.mother.idNumber), { timeoutMs: 10_000, intervalMs: 100 });
  await phone.locator('#hospital-id').fill('H0002');
  await phone.locator('#expected-month').selectOption(nextMonth());
  await phone.getByRole('button', { name: '提交修改' }).click();
  await phone.getByText('修改已提交').waitFor();
  await phone.locator('.van-cell', { hasText: '分娩医院' }).filter({ hasText: 'H0002' }).waitFor();
  await check(phone, 'amended');

  // The e-certificate: the number, the family, printable.
  await phone.getByRole('button', { name: '查看电子凭证' }).or(phone.getByRole('link', { name: '查看电子凭证' })).click();
  await phone.getByTestId('certificate-number').filter({ hasText: number }).waitFor();
  const certificate = await phone.getByTestId('certificate').innerText();
  expect(certificate).toContain('王芳');
  expect(certificate).not.toContain(fam.mother.idNumber);
  await check(phone, 'certificate');
  await phone.emulateMedia({ media: 'print' });
  expect(await phone.locator('.van-nav-bar').isVisible()).toBe(false);
  await screenshot(phone, 'reg-certificate-print');
  await phone.emulateMedia({ media: 'screen' });

  // The clerk files the birth: the mother's ID number finds the registration; the form fills in from it.
  const clerk = await open('desktop');
  await clerkSignsIn(clerk);
  await clerk.goto(`${stack.apiUrl}/clerk/cases/new`);
  await clerk.getByRole('heading', { name: '新建办件' }).waitFor();
  await clerk.locator('#m-id').fill(fam.mother.idNumber);
  await clerk.getByText('找到该母亲的生育登记').waitFor();
  await clerk.getByText(number).waitFor();
  await check(clerk, 'clerk-found');
  await clerk.getByTestId('apply-registration').click();
  await clerk.getByText(`已按生育登记 ${number} 填写`).waitFor();
  expect(await clerk.locator('#m-name').inputValue()).toBe('王芳');
  expect(await clerk.locator('#f-id').inputValue()).toBe(fam.father.idNumber);
  expect(await clerk.locator('#nb-order').inputValue()).toBe('2');
  await clerk.getByTestId('derived-order').filter({ hasText: '按生育登记推算：第2孩' }).waitFor();
  // Twins: the second-born's order is the record plus her position; back to one child, back to 2.
  await clerk.getByText('本次分娩为多胞胎').click();
  await clerk.locator('#nb-position').fill('2');
  await clerk.getByTestId('derived-order').filter({ hasText: '第3孩' }).filter({ hasText: '本孩子为本次分娩第2个' }).waitFor();
  expect(await clerk.locator('#nb-order').inputValue()).toBe('3');
  await clerk.getByText('本次分娩为多胞胎').click();
  await clerk.getByTestId('derived-order').filter({ hasText: '第2孩' }).waitFor();
  expect(await clerk.locator('#nb-order').inputValue()).toBe('2');
  // What the clerk changes is marked, with what the registration said.
  await clerk.locator('#f-phone').fill('13700137000');
  await clerk.getByText(`已改动（生育登记为：${fam.father.phone}）`).waitFor();
  await fillBirth(clerk);
  // A different birth order: the API refuses it, in plain words, beside the field.
  await clerk.locator('#nb-order').fill('1');
  await clerk.getByText('您填写的孩次与此不同').waitFor();
  await clerk.getByRole('button', { name: '提交办件' }).click();
  await clerk.getByRole('alert').filter({ hasText: /生育登记记录显示此前已生育1孩.*第2孩.*第1孩/ }).first().waitFor();
  await check(clerk, 'clerk-order-conflict', true);
  await clerk.locator('#nb-order').fill('2');
  await clerk.locator('#f-phone').fill(fam.father.phone);
  expect(await clerk.locator('.changed-note').count()).toBe(0);
  await clerk.getByRole('button', { name: '提交办件' }).click();
  const caseId = (await clerk.getByTestId('created-case-id').textContent())?.trim() as string;
  expect(caseId).toMatch(/^[0-9A-Z]{16}$/);
  const filed = await stack.caseUntil(clerkToken, caseId, (c) => c.services.familyRegistration?.status === 'completed');
  expect(filed.services.familyRegistration.result).toMatchObject({ registrationNumber: number, childrenOnRecord: 1, source: 'online' });
  expect(filed.newborn.birthOrder).toBe(2);

  // The mother, signed in, finds the case among hers and names the baby there.
  await phone.goto(`${stack.apiUrl}/track#/me`);
  const myCase = phone.getByTestId('my-case');
  await eventually(async () => {
    await phone.reload();
    await myCase.first().waitFor({ timeout: 3_000 });
  }, { timeoutMs: 60_000, intervalMs: 500 });
  await phone.getByTestId('registration-born').or(phone.getByTestId('registration-registered')).first().waitFor();
  await check(phone, 'home-with-case');
  await myCase.first().click();
  await phone.getByTestId('parent-service-familyRegistration').filter({ hasText: '已办结' }).waitFor();
  await phone.getByRole('heading', { name: '请为宝宝取名' }).waitFor({ timeout: 60_000 });
  await check(phone, 'my-case-name-asked');
  await phone.locator('#newborn-name').fill('李安然');
  await phone.getByRole('button', { name: '提交姓名' }).click();
  await phone.getByTestId('parent-service-birthCertificate').filter({ hasText: '已办结' }).waitFor({ timeout: 120_000 });
  await check(phone, 'my-case-progress');
  // The registration is closed as born once the case links it.
  await phone.goto(`${stack.apiUrl}/track#/me`);
  await eventually(async () => {
    await phone.reload();
    await phone.getByTestId('registration-born').waitFor({ timeout: 3_000 });
  }, { timeoutMs: 60_000, intervalMs: 500 });
  await check(phone, 'home-born');
});

test('a family with no registration gets 生育登记 done by the case, first of the items, and sees it signed in', async () => {
  const fam = family(1);
  const body = application({ mother: { ...fam.mother }, father: { ...fam.father }, newborn: { birthOrder: 2 }, services: [...SERVICE_KEYS] });
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  const done = await stack.caseUntil(clerkToken, caseId, (c) => c.services.familyRegistration?.status === 'completed', 90_000);
  expect(done.services.familyRegistration.result).toMatchObject({ childrenOnRecord: 1, source: 'case' });

  const phone = await open('phone');
  await parentSignsIn(phone, fam.mother);
  await phone.getByTestId('my-case').first().click();
  const item = phone.getByTestId('parent-service-familyRegistration');
  await item.filter({ hasText: '已办结' }).waitFor();
  // First in the bundle's order.
  const steps = await phone.locator('.van-step .step-head strong').allInnerTexts();
  expect(steps[0]).toBe('生育登记');
  await check(phone, 'case-registered-by-case');
});

test('the clerk sees the health commission disagree on the number of children, in plain words', async () => {
  // No registration; the clerk says second child, the commission has none on record for this mother.
  const fam = family(0);
  const body = application({ mother: { ...fam.mother }, father: { ...fam.father }, newborn: { birthOrder: 2 }, services: [...SERVICE_KEYS] });
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  await stack.caseUntil(clerkToken, caseId, (c) => c.actionsRequired.some((a: any) => a.kind === 'correction'), 90_000);

  const page = await open('desktop');
  await clerkSignsIn(page);
  await page.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
  const text = page.locator('body');
  await page.getByText(/此前已生育0/).first().waitFor();
  expect(await text.innerText()).not.toMatch(/CHILDREN_MISMATCH|childrenBefore/);
  // The birth order is part of the case's identity: the page says how to put it right.
  await page.getByTestId('birth-order-not-correctable').filter({ hasText: '撤销办件' }).waitFor();
  await check(page, 'clerk-children-mismatch', true);
});

test('a mother withdraws her registration after confirming, by keyboard; its certificate then says it no longer holds', async () => {
  const fam = family(2);
  const phone = await open('phone');
  await parentSignsIn(phone, fam.mother);
  await phone.getByRole('button', { name: '办理生育登记' }).click();
  // Submitting an empty form: the API's own rules, in its words, on the page, before anything is sent.
  await phone.getByRole('button', { name: '提交生育登记' }).click();
  await phone.getByTestId('registration-problems').filter({ hasText: '处需要填写或修改' }).waitFor();
  await check(phone, 'form-empty-submitted');
  // By keyboard, the father's fields go and come back (Space on the checkbox).
  await phone.locator('#has-father').focus();
  await phone.keyboard.press('Space');
  await expect(phone.locator('#f-name').count()).resolves.toBe(0);
  await phone.keyboard.press('Space');
  await phone.locator('#f-name').waitFor();
  await fillRegistration(phone, fam, 2);
  await expect(phone.getByTestId('registration-problems').count()).resolves.toBe(0);
  await phone.getByRole('button', { name: '提交生育登记' }).click();
  await phone.getByTestId('registration-status').filter({ hasText: '已登记' }).waitFor();
  await phone.getByText('第3孩').waitFor();

  await phone.getByRole('button', { name: '撤回生育登记' }).click();
  const dialog = phone.getByRole('dialog', { name: '确认撤回生育登记？' });
  await dialog.waitFor();
  // Confirming without a reason is refused; with one, the confirm button (by keyboard) withdraws.
  await dialog.getByRole('button', { name: '确认撤回' }).click();
  await dialog.getByText('请填写撤回原因', { exact: true }).waitFor();
  await phone.locator('#withdraw-reason').fill('计划变更');
  await check(phone, 'withdraw-confirm');
  await dialog.getByRole('button', { name: '确认撤回' }).focus();
  await phone.keyboard.press('Enter');
  await phone.getByRole('status').filter({ hasText: '生育登记已撤回' }).first().waitFor();
  await phone.getByTestId('registration-status').filter({ hasText: '已撤回' }).waitFor();
  expect(await phone.getByRole('button', { name: '修改登记信息' }).count()).toBe(0);
  await phone.getByText('撤回登记').first().waitFor(); // the history names it
  await check(phone, 'withdrawn');
  await phone.getByRole('button', { name: '查看电子凭证' }).click();
  await phone.getByText('本登记已撤回，凭证已失效').waitFor();
  await check(phone, 'certificate-withdrawn');

  // Signing out ends it: the signed-in pages ask to sign in again.
  await phone.goto(`${stack.apiUrl}/track#/me`);
  await phone.getByRole('button', { name: '退出登录' }).click();
  await phone.locator('#tracking-code').waitFor();
  await phone.goto(`${stack.apiUrl}/track#/me`);
  await phone.locator('#sign-in-phone').waitFor();
  const session = await phone.evaluate(async () => (await fetch('/api/parent/session')).json());
  expect(session).toMatchObject({ signedIn: false });
});
