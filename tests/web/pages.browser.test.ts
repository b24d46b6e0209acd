// The pages in a real browser (Debian's Chromium) against the real stack: a clerk signs in, sees a
// field error, starts a case; the parent follows it on a phone, names the baby and watches it finish;
// an officer approves a review on the desk and that case completes; a correction notice is answered
// from the case page, a service that needs attention is resubmitted from it; an operations admin reads a hospital's figures on the dashboard. Every page is checked with axe-core and photographed at desktop and phone width.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import { createClient } from '../../infra/temporal';
import { testConfig } from '../helpers/temporal';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { startStack } from '../helpers/stack';
import { birthCaseWorkflowId } from '../../workflows/birth-case.contract';
import type { Stack } from '../helpers/stack';
import { axeViolations, buildPages, launchBrowser, newContext, screenshot } from '../helpers/browser';
import type { Watched } from '../helpers/browser';

jest.setTimeout(240_000);

let stack: Stack;
let browser: Browser;
let clerkToken: string;
const watched: Watched[] = [];

beforeAll(async () => {
  buildPages();
  [stack, browser] = await Promise.all([startStack({ config: { ALLOW_DEV_SECRETS: true } }), launchBrowser()]);
  clerkToken = await stack.token({ role: 'clerk', hospitalId: 'H0001' }); // the provider's user clerk.H0001, as the pages sign in
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  // Nothing is fetched from anywhere but the API, and no script fails.
  for (const w of watched) {
    expect(w.offsite).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  }
});

async function open(device: 'desktop' | 'phone'): Promise<Page> {
  // the identity provider's sign-in pages are the one other origin a staff member's browser visits
  const w = await newContext(browser, stack.apiUrl, device, [stack.oidc.issuer]);
  watched.push(w);
  return w.context.newPage();
}

/** The page passes axe-core and is photographed; `phoneToo` repeats both at phone width. */
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

const DEV_USERS = { clerk: 'clerk.H0001', officer: 'officer.publicSecurity', admin: 'admin' } as const;

/** Signs in as staff do: the pages' button, then the identity provider's own page (account and password), and back. */
async function signIn(page: Page, role: keyof typeof DEV_USERS): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  const button = page.getByTestId('oidc-sign-in');
  await button.waitFor();
  await check(page, 'signin');
  await button.click();
  await page.waitForURL(`${stack.oidc.issuer}/interaction/**`);
  await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
  await check(page, 'provider-signin');
  await page.getByRole('textbox', { name: '账号', exact: true }).fill(DEV_USERS[role]);
  await page.getByLabel('密码', { exact: true }).fill('dev-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(`${stack.apiUrl}/**`);
}

const caseView = (caseId: string) => stack.call('GET', `/api/cases/${caseId}`, { token: clerkToken }).then((r) => r.body);
async function caseUntil(caseId: string, ok: (c: any) => boolean, timeoutMs = 90_000): Promise<any> {
  return eventually(async () => {
    const c = await caseView(caseId);
    if (!ok(c)) throw new Error(`case ${caseId} is ${c?.status}`);
    return c;
  }, { timeoutMs, intervalMs: 300 });
}

const radio = (page: Page, group: string, label: string) =>
  page.getByRole('radiogroup', { name: group }).locator('label', { hasText: label }).first().click();

test('a clerk signs in, sees a field error as she types, and starts a case; the parent names the baby on a phone and watches it finish', async () => {
  const page = await open('desktop');
  await signIn(page, 'clerk');
  await page.getByTestId('signed-in-as').filter({ hasText: '医院编码 H0001' }).waitFor();
  await page.getByText('没有符合条件的办件').waitFor();
  await check(page, 'case-list-empty');

  await page.getByRole('link', { name: '新建办件' }).click();
  await page.getByRole('heading', { name: '新建办件' }).waitFor();
  // A second child, as the clerk types it, and a mother the health commission has one child on record for
  // (ID sequence mod 3, mock-agencies/family-registry.ts): the case registers the family (生育登记) as it goes.
  const app = application({ mother: { idNumber: makeCitizenId('370102', '1994-03-15', 100 + 6 * (process.pid % 150)) } });
  // A wrong check character: the page says so next to the field, in the API's words, before submitting.
  const wrongId = app.mother.idNumber.slice(0, 17) + (app.mother.idNumber.endsWith('0') ? '1' : '0');
  await page.locator('#m-id').fill(wrongId);
  await page.locator('#m-id').blur();
  await page.getByText('母亲身份证号码校验码不正确，请逐位核对').waitFor();
  await check(page, 'new-case-field-error');

  // Submitting an incomplete form lists every problem at once.
  await page.getByRole('button', { name: '提交办件' }).click();
  const summary = page.getByRole('alert').filter({ hasText: '处需要修改' });
  await summary.waitFor();
  expect(await summary.locator('li').count()).toBeGreaterThanOrEqual(5);

  await page.locator('#m-id').fill(app.mother.idNumber);
  await radio(page, '新生儿性别', '女');
  // The birth time through the Chinese date-time picker: typed as 2026-11-20 08:30, Enter takes it.
  await page.locator('#nb-birth').fill(app.newborn.birthAt.slice(0, 16).replace('T', ' '));
  await page.locator('#nb-birth').press('Enter');
  await page.locator('#nb-weight').fill('3250');
  await page.locator('#nb-order').fill('2');
  await page.locator('#m-name').fill('王芳');
  await page.locator('#m-phone').fill('13800138000');
  await page.locator('#m-region').fill('370102');
  await page.locator('#m-ins').focus(); // by keyboard: Enter opens the list
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: '城乡居民医保' }).click();
  await page.locator('#f-name').fill('李强');
  await page.locator('#f-id').fill(app.father?.idNumber as string);
  await page.locator('#f-phone').fill('13900139000');
  await page.locator('#f-region').fill('370103');
  await radio(page, '父母婚姻状况', '已婚');
  await radio(page, '新生儿落户', '随父亲落户');
  await page.locator('#d-addr').fill('济南市历下区泉城路1号');
  await expect(page.getByRole('alert').filter({ hasText: '处需要修改' }).count()).resolves.toBe(0);
  await page.getByRole('button', { name: '提交办件' }).click();

  const caseId = (await page.getByTestId('created-case-id').textContent())?.trim() as string;
  const trackingCode = (await page.getByTestId('created-tracking-code').textContent())?.trim() as string;
  expect(caseId).toMatch(/^[0-9A-Z]{16}$/);
  expect(trackingCode.startsWith(caseId)).toBe(true);
  // What the picker took is the minute the clerk typed, in Beijing time.
  expect(Date.parse((await caseView(caseId)).newborn.birthAt)).toBe(Date.parse(`${app.newborn.birthAt.slice(0, 16)}:00+08:00`));
  await check(page, 'new-case-created');

  // The case page: the clerk sees it waiting for the parents.
  await page.getByRole('button', { name: '查看办件' }).click();
  await page.getByText('等待家长提供新生儿姓名').first().waitFor({ timeout: 60_000 });
  await check(page, 'case-page-waiting');

  // The parent, on a phone, by keyboard: code, Tab, last four digits, Enter.
  const phone = await open('phone');
  await phone.goto(`${stack.apiUrl}/track`);
  await check(phone, 'parent-lookup');
  await phone.locator('#tracking-code').fill(trackingCode);
  await phone.keyboard.press('Tab');
  await phone.keyboard.type('0000');
  await phone.keyboard.press('Enter');
  await phone.getByText('查询码或手机号后4位不正确').waitFor();
  await phone.locator('#phone-last4').fill('8000');
  await phone.locator('#phone-last4').press('Enter');
  await phone.getByRole('heading', { name: '请为宝宝取名' }).waitFor();
  const text = await phone.locator('body').innerText();
  expect(text).not.toContain('13800138000');
  expect(text).not.toContain(app.mother.idNumber);
  expect(text).toContain('出生医学证明');
  await check(phone, 'parent-name-asked');

  await phone.locator('#newborn-name').fill('李安然');
  await phone.getByRole('button', { name: '提交姓名' }).click();
  await phone.getByTestId('parent-status').filter({ hasText: '已办结' }).waitFor({ timeout: 120_000 });
  await phone.getByTestId('parent-service-socialSecurityCard').filter({ hasText: '已办结' }).waitFor();
  const done = await phone.locator('body').innerText();
  expect(done).toMatch(/公民身份号码：\d{4}\*+\w{4}/); // the child's ID, masked as the API masks it
  expect(done).toMatch(/社保卡邮件单号\s*EM\d+CN/); // the post's number, in full, to follow the card
  expect(done).toContain('李*然');
  await check(phone, 'parent-completed');
  await phone.getByRole('switch', { name: '大字模式' }).click();
  await expect(phone.locator('.parent.large-text').count()).resolves.toBe(1);
  await check(phone, 'parent-completed-large-text');
});

test('an officer approves a review on the desk, and the case completes', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body: application({ married: false, father: null, householdOf: 'mother' }) });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  await caseUntil(caseId, (c) => c.services.household.status === 'under_review');

  const page = await open('desktop');
  await signIn(page, 'officer');
  await page.getByRole('heading', { name: '待审核' }).waitFor();
  const row = page.getByRole('row').filter({ hasText: caseId });
  await row.waitFor();
  await check(page, 'officer-queue');
  await row.getByRole('link', { name: '审核' }).click();
  await page.getByRole('heading', { name: '办件信息' }).waitFor();
  const facts = await page.locator('body').innerText();
  expect(facts).toContain('未婚');
  expect(facts).not.toContain(created.body.caseId ? application().mother.idNumber : '');
  expect(facts).toMatch(/\d{4}\*{10}\w{4}/); // the mother's ID, masked
  await check(page, 'officer-review');
  await page.getByRole('button', { name: '提交审核决定' }).click();
  await page.getByText('请选择审核决定').waitFor();
  await radio(page, '审核决定', '通过');
  await page.locator('#review-reason').fill('材料齐全，准予随母落户');
  await page.getByRole('button', { name: '提交审核决定' }).click();
  await page.getByText('已通过审核').waitFor();

  await caseUntil(caseId, (c) => c.status === 'completed');
  // The clerk's case page shows it finished, with the audit naming the officer's decision.
  const clerk = await open('desktop');
  await signIn(clerk, 'clerk');
  await clerk.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
  await clerk.getByTestId('case-status').filter({ hasText: '已办结' }).waitFor();
  await clerk.getByText('审核决定').first().waitFor();
  await check(clerk, 'case-page-completed');

  // The hospital's list finds it by status, each row with its services at a glance.
  await eventually(async () => {
    await clerk.goto(`${stack.apiUrl}/clerk/cases`);
    await clerk.getByRole('link', { name: caseId }).waitFor({ timeout: 3_000 });
  }, { timeoutMs: 60_000, intervalMs: 500 });
  await clerk.locator('#f-status').focus();
  await clerk.keyboard.press('Enter');
  await clerk.getByRole('option', { name: '已办结' }).click();
  await clerk.getByRole('button', { name: '查询' }).click();
  const listed = clerk.getByRole('row').filter({ hasText: caseId });
  await listed.getByText('户口').waitFor();
  expect(await clerk.getByRole('row').filter({ hasText: '办理中' }).count()).toBe(0);
  await check(clerk, 'case-list');
});

test('a correction notice is answered from the case page, offering only the fields it names', async () => {
  // A father the household register does not know (sequence 999): the agency asks for a correction.
  const unknownFather = makeCitizenId('370103', '1992-07-01', 999);
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body: application({ father: { idNumber: unknownFather } }) });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  const notice = await caseUntil(caseId, (c) => c.actionsRequired.some((a: any) => a.kind === 'correction'));
  const named: string[] = notice.actionsRequired.find((a: any) => a.kind === 'correction').items.map((i: any) => i.path);

  const page = await open('desktop');
  await signIn(page, 'clerk');
  await page.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
  await page.getByRole('button', { name: '回复更正' }).click();
  const dialog = page.getByRole('dialog', { name: '回复更正' });
  await dialog.waitFor();
  const inputs = dialog.locator('input[id^="fix-"]');
  expect(await inputs.count()).toBe(named.length);
  expect(await dialog.locator('#fix-father\\.idNumber').count()).toBe(1);
  await check(page, 'case-correction-dialog', false);
  // The same rules as the API: a wrong number is refused on the page.
  await dialog.locator('#fix-father\\.idNumber').fill('370103199207010');
  await dialog.getByRole('button', { name: '提交更正' }).click();
  await dialog.getByText('父亲身份证号码应为18位，当前为15位').waitFor();
  await dialog.locator('#fix-father\\.idNumber').fill(makeCitizenId('370103', '1992-07-01', 171));
  await dialog.getByRole('button', { name: '提交更正' }).click();
  await page.getByText('更正已提交').waitFor();
  const after = await caseUntil(caseId, (c) => !c.actionsRequired.some((a: any) => a.kind === 'correction'));
  expect(after.father.idNumber).toBe(makeCitizenId('370103', '1992-07-01', 171));
  await page.getByText('更正信息').first().waitFor({ timeout: 30_000 });
  await check(page, 'case-page-corrected');
});

test('an operations admin signs in and the dashboard counts a hospital\'s cases by status as the cases themselves say', async () => {
  // A hospital of its own, so the figures are this test's cases alone.
  const clerk = await stack.token({ sub: 'dev-clerk-H0777', role: 'clerk', hospitalId: 'H0777' });
  const ids: string[] = [];
  for (const body of [application({ newborn: { name: undefined } }), application({ married: false, father: null, householdOf: 'mother' })]) {
    const created = await stack.call('POST', '/api/cases', { token: clerk, body });
    expect(created.status).toBe(201);
    ids.push(created.body.caseId as string);
  }
  const read = (id: string) => stack.call('GET', `/api/cases/${id}`, { token: clerk }).then((r) => r.body);
  // Each settles where it waits for a person: the first on the parents' name, the second on an officer.
  await eventually(async () => {
    const [named, reviewed] = await Promise.all(ids.map(read));
    if (!named.actionsRequired.some((a: any) => a.kind === 'newborn_name')) throw new Error('first case not waiting on the name yet');
    if (reviewed.services.household.status !== 'under_review') throw new Error('second case not under review yet');
  }, { timeoutMs: 90_000, intervalMs: 300 });
  const statuses: Record<string, number> = {};
  for (const c of await Promise.all(ids.map(read))) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  // Temporal's visibility catches up with the cases (eventually consistent).
  const admin = await stack.token({ sub: 'dev-admin', role: 'admin' });
  await eventually(async () => {
    const d = (await stack.call('GET', '/api/ops/dashboard?hospitalId=H0777', { token: admin })).body;
    const nonZero = Object.entries(d.cases.byStatus as Record<string, number>).filter(([, n]) => n > 0).sort();
    if (d.cases.total !== 2 || JSON.stringify(nonZero) !== JSON.stringify(Object.entries(statuses).sort())) {
      throw new Error(`dashboard says ${JSON.stringify(d.cases)}`);
    }
  }, { timeoutMs: 60_000, intervalMs: 500 });

  const page = await open('desktop');
  await signIn(page, 'admin');
  await page.getByRole('heading', { name: '运行概况' }).waitFor();
  await page.getByTestId('signed-in-as').filter({ hasText: '运维管理员' }).waitFor();
  // By keyboard: the hospital field, then Enter submits.
  await page.locator('#ops-hospital').fill('H0999');
  await page.locator('#ops-hospital').press('Enter');
  await page.getByText('所选期间没有受理的办件').waitFor();
  await check(page, 'admin-dashboard-empty', false);
  await page.locator('#ops-hospital').fill('H0777');
  await page.locator('#ops-hospital').press('Enter');
  await page.getByTestId('ops-period').filter({ hasText: '医院 H0777' }).waitFor();
  await expect(page.getByTestId('ops-total').textContent()).resolves.toBe('2');
  for (const [status, n] of Object.entries(statuses)) {
    await expect(page.getByTestId(`ops-status-${status}`).locator('td.num').textContent()).resolves.toBe(String(n));
  }
  await expect(page.getByTestId('ops-waiting-officer').locator('td.num').textContent()).resolves.toBe('1');
  await expect(page.getByTestId('ops-waiting-parent').locator('td.num').textContent()).resolves.toBe('1');
  expect(await page.locator('body').innerText()).not.toMatch(/\d{17}[\dX]/); // no ID number anywhere
  await check(page, 'admin-dashboard');
  // A clerk is not let in.
  const other = await open('desktop');
  await signIn(other, 'clerk');
  await other.getByTestId('signed-in-as').waitFor();
  await other.goto(`${stack.apiUrl}/admin`);
  await other.getByRole('heading', { name: '办件列表' }).waitFor();
});

test('a clerk\'s reads appear in the admin\'s 访问记录, by keyboard, and on the parents\' page as organisation, role and time', async () => {
  const app = application();
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body: app });
  expect(created.status).toBe(201);
  const { caseId, trackingCode } = created.body as { caseId: string; trackingCode: string };
  expect((await stack.call('GET', `/api/cases/${caseId}`, { token: clerkToken })).status).toBe(200);
  expect((await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerkToken })).status).toBe(200);

  const page = await open('desktop');
  await signIn(page, 'admin');
  await page.getByRole('link', { name: '访问记录' }).click();
  await page.getByRole('heading', { name: '访问记录' }).waitFor();
  // By keyboard: the case field, then Enter runs the query.
  await page.locator('#acc-case').fill(caseId);
  await page.locator('#acc-case').press('Enter');
  await page.getByText('共 2 条，按时间从新到旧。').waitFor();
  const table = page.getByRole('table').last();
  await table.getByText('案件详情').waitFor();
  await table.getByText('办理记录').waitFor();
  await table.getByText('医院登记员').first().waitFor();
  await page.getByRole('button', { name: '校验记录完整性' }).click();
  await page.getByText(/记录完整：共 \d+ 条/).waitFor();
  await check(page, 'admin-accesses');

  const phone = await open('phone');
  await phone.goto(`${stack.apiUrl}/track`);
  await phone.locator('#tracking-code').fill(trackingCode);
  await phone.locator('#phone-last4').fill(app.mother.phone.slice(-4));
  await phone.locator('#phone-last4').press('Enter');
  await phone.getByRole('heading', { name: '谁查看了我的信息' }).waitFor();
  await phone.getByRole('button', { name: '查看记录' }).click();
  const list = phone.getByTestId('parent-accesses');
  await list.filter({ hasText: '医院登记员' }).waitFor();
  const text = await list.innerText();
  expect(text).toContain('医院（H0001）');
  expect(text).not.toMatch(/clerk\.H0001|127\.0\.0\.1/); // never who, never from where
  await check(phone, 'parent-accesses', false);
});

test('a service that needs attention is resubmitted from the case page, with a reason, and then completes', async () => {
  const app = application({ newborn: { name: undefined } });
  const created = await stack.call('POST', '/api/cases', { token: clerkToken, body: app });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  await caseUntil(caseId, (c) => c.actionsRequired.some((a: any) => a.kind === 'newborn_name'));
  // Another request took the birth certificate's idempotency key first: the agency will answer 409 IDEMPOTENCY_CONFLICT.
  const key = `${birthCaseWorkflowId(caseId)}:birthCertificate`;
  const person = (p: { name: string; idNumber: string; hukouRegionCode: string }) => ({ name: p.name, idNumber: p.idNumber, hukouRegionCode: p.hukouRegionCode });
  const squat = await fetch(`${stack.agenciesUrl}/health-commission/birth-certificates`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, signal: AbortSignal.timeout(10_000),
    body: JSON.stringify({
      idempotencyKey: key, caseId, hospitalId: 'H0001',
      newborn: { name: '张冒名', sex: app.newborn.sex, birthAt: app.newborn.birthAt, birthWeightGrams: app.newborn.birthWeightGrams },
      mother: person(app.mother), father: app.father ? person(app.father) : null,
    }),
  });
  expect(squat.status).toBeLessThan(300);
  const named = await stack.call('POST', '/api/track/input', { body: { trackingCode: created.body.trackingCode, phoneLast4: app.mother.phone.slice(-4), input: { newbornName: '李安然' } } });
  expect(named.status).toBeLessThan(300);
  await caseUntil(caseId, (c) => c.services.birthCertificate.status === 'needs_attention');

  const page = await open('desktop');
  await signIn(page, 'clerk');
  await page.goto(`${stack.apiUrl}/clerk/cases/${caseId}`);
  await page.getByRole('heading', { name: '出生医学证明：需要人工处理' }).waitFor();
  // The clerk reads why in Chinese; the agency's protocol detail stays in the audit for operators.
  await page.getByText('市卫生健康委答复异常，需人工处理').first().waitFor();
  expect(await page.locator('body').innerText()).not.toMatch(/IDEMPOTENCY_CONFLICT|issueBirthCertificate/);
  await page.getByTestId('resolve-birthCertificate').click();
  const dialog = page.getByRole('dialog', { name: '处理异常：出生医学证明' });
  await dialog.waitFor();
  // Nothing chosen, no reason: both are asked for, nothing is sent.
  await dialog.getByRole('button', { name: '确认处理' }).click();
  await dialog.getByText('请选择处理方式').waitFor();
  await dialog.getByText('请填写处理原因').waitFor();
  await radio(page, '处理方式', '作为新申请重新提交');
  await dialog.getByTestId('resolve-help').filter({ hasText: '新的申请编号' }).waitFor();
  await dialog.locator('#resolve-note').fill('已与卫生健康部门电话核实，原申请未被受理');
  await check(page, 'case-resolve-dialog', false);
  await dialog.getByRole('button', { name: '确认处理' }).click();
  await page.getByText('已重新提交部门办理').waitFor();
  const after = await caseUntil(caseId, (c) => c.services.birthCertificate.status === 'completed');
  expect(after.actionsRequired.some((a: any) => a.kind === 'needs_attention')).toBe(false);
  const audit = (await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerkToken })).body.entries;
  expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'service.resolved', reason: '已与卫生健康部门电话核实，原申请未被受理', actor: expect.objectContaining({ id: 'clerk.H0001' }) })]));
});

test('when the back end cannot reach Temporal, the list still answers from the read model, and a case it does not hold says so in Chinese and retries by itself', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`, ALLOW_DEV_SECRETS: true, ALLOW_DEV_TOKENS: true });
  const app = createApp({ client: createClient(config), config, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: 'http://127.0.0.1:9' }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const w = await newContext(browser, origin, 'phone');
    watched.push(w);
    const phone = await w.context.newPage();
    await phone.goto(`${origin}/track`);
    await phone.locator('#tracking-code').fill('0123456789ABCDEF-ABCDEFGHJKMN');
    await phone.locator('#phone-last4').fill('8000');
    await phone.getByRole('button', { name: '查询办理进度' }).click();
    await phone.getByText('服务暂时不可用').waitFor({ timeout: 30_000 });
    await phone.getByText(/秒后自动重试/).waitFor();
    await check(phone, 'parent-unavailable');

    const w2 = await newContext(browser, origin, 'desktop');
    watched.push(w2);
    const page = await w2.context.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    // the list is the read model's (here empty): it answers without Temporal
    await page.getByText('没有符合条件的办件').waitFor({ timeout: 30_000 });
    expect(await page.getByText('服务暂时不可用').count()).toBe(0);
    // a case the read model does not hold is asked of Temporal, which cannot answer
    await page.goto(`${origin}/clerk/cases/0123456789ABCDEF`);
    await page.getByText('服务暂时不可用').waitFor({ timeout: 30_000 });
    await page.getByText(/秒后自动重试/).waitFor();
    await check(page, 'case-unavailable', false);
  } finally {
    await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
  }
});
