// Parents sign in on their phone (issue 18), over real HTTP against the real stack: the code arrives
// through the SMS gateway (read from its outbox, as the phone would), the real-name check asks the
// public-security bureau, the session is a cookie that sign-out ends at once; 5 wrong tries kill a code;
// per-phone and per-address limits answer 429; a parent sees their own cases and never another family's.
import type { AddressInfo } from 'node:net';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import { createParentLinks } from '../../api/parent-links';
import { createLogger } from '../../infra/logger';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';
import { lastCode, parentCookieOf, signInMessages, signInParent } from '../helpers/parent-sign-in';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
let addressCount = 0;

beforeAll(async () => {
  // as behind a proxy on this machine that writes X-Forwarded-For: each test is its own client address
  stack = await startStack({ config: { TRUST_PROXY: 'loopback', TEMPORAL_CALL_TIMEOUT_MS: 5000 } });
  clerk = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** A client address of its own for the calls of one test. */
const newAddress = (): Record<string, string> => ({ 'x-forwarded-for': `203.0.113.${++addressCount}` });
let phoneCount = 0;
/** A phone number no other test uses (never ending in 0000: those have opted out of government SMS). */
const newPhone = (): string => `1371234${String(1000 + ++phoneCount).slice(-4)}`;

const asParent = (cookie: string, address: Record<string, string>) => ({ ...address, cookie });
const REFUSED = { error: { code: 'UNAUTHENTICATED', message: '验证码错误或已失效' } };

describe('signing in with an SMS code', () => {
  test('when a parent asks for a code and types it in, then she is signed in with an HttpOnly cookie; the code went only to the SMS gateway', async () => {
    const phone = newPhone();
    const address = newAddress();
    const sent = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ sentTo: `${phone.slice(0, 3)}****${phone.slice(-4)}`, expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(JSON.stringify(sent.body)).not.toContain(phone);
    const [sms] = await signInMessages(stack, phone);
    expect(sms).toMatchObject({ template: 'sign_in_code', params: { code: expect.stringMatching(/^\d{6}$/), minutes: '5' } });

    const signedIn = await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: sms!.params.code }, headers: address });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ signedIn: true, phoneMasked: sent.body.sentTo, realName: null, expiresAt: expect.any(String) });
    const set = signedIn.headers.getSetCookie().find((c) => c.startsWith('bot_parent=')) ?? '';
    expect(set).toMatch(/^bot_parent=[\w-]{43}; /);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Path=\/api\/parent/i);

    const cookie = parentCookieOf(signedIn.headers)!;
    expect((await stack.call('GET', '/api/parent/session', { headers: asParent(cookie, address) })).body).toMatchObject({ signedIn: true, phoneMasked: sent.body.sentTo });
    expect((await stack.call('GET', '/api/parent/session', { headers: address })).body).toEqual({ signedIn: false, phoneMasked: null, realName: null, expiresAt: null });
    // the code works once
    expect(await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: sms!.params.code }, headers: address })).toMatchObject({ status: 401, body: REFUSED });
  });

  test('when a parent signs out, then the session ends at once: the old cookie is 401 everywhere', async () => {
    const address = newAddress();
    const { cookie } = await signInParent(stack, newPhone(), address);
    expect((await stack.call('GET', '/api/parent/cases', { headers: asParent(cookie, address) })).status).toBe(200);
    // another site's form cannot sign her out (nor do anything else with the cookie)
    const form = await stack.call('POST', '/api/parent/sign-out', { body: 'x=1', headers: { ...asParent(cookie, address), 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(403);
    expect((await stack.call('GET', '/api/parent/cases', { headers: asParent(cookie, address) })).status).toBe(200);

    const out = await stack.call('POST', '/api/parent/sign-out', { body: {}, headers: asParent(cookie, address) });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/bot_parent=; .*Max-Age=0/i);
    const after = await stack.call('GET', '/api/parent/cases', { headers: asParent(cookie, address) });
    expect(after).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect((await stack.call('GET', '/api/parent/session', { headers: asParent(cookie, address) })).body.signedIn).toBe(false);
    expect((await stack.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', 2) }, headers: asParent(cookie, address) })).status).toBe(401);
  });

  test('when 5 wrong codes are tried, then the code is dead: the right one answers as a wrong one, as does a used code and a phone never sent one', async () => {
    const phone = newPhone();
    const address = newAddress();
    expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address })).status).toBe(202);
    const code = await lastCode(stack, phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      expect(await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: wrong }, headers: address })).toMatchObject({ status: 401, body: REFUSED });
    }
    const dead = await stack.call('POST', '/api/parent/sign-in', { body: { phone, code }, headers: address });
    expect(dead).toMatchObject({ status: 401, body: REFUSED });
    expect(parentCookieOf(dead.headers)).toBeNull();
    const never = await stack.call('POST', '/api/parent/sign-in', { body: { phone: newPhone(), code }, headers: address });
    expect(never).toMatchObject({ status: 401, body: REFUSED });
    expect(never.body).toEqual(dead.body);
  });

  test('when a parent asks for a second code within a minute, then 429 with Retry-After; the first code still works', async () => {
    const phone = newPhone();
    const address = newAddress();
    expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address })).status).toBe(202);
    const again = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: newAddress() });
    expect(again).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED', message: '验证码发送过于频繁，请稍后再试' } } });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(await signInMessages(stack, phone)).toHaveLength(1);
    expect((await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: await lastCode(stack, phone) }, headers: address })).status).toBe(200);
  });

  test('when one address asks codes for 20 phones in an hour, then the 21st is refused 429 and no SMS goes out; another address is not held back', async () => {
    const address = newAddress();
    for (let i = 0; i < 20; i++) expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone: newPhone() }, headers: address })).status).toBe(202);
    const phone = newPhone();
    const refused = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address });
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(await signInMessages(stack, phone)).toHaveLength(0);
    expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: newAddress() })).status).toBe(202);
  });

  test('when one address fails 30 sign-ins in 15 minutes, then the next is 429 even with the right code', async () => {
    const address = newAddress();
    const phone = newPhone();
    expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: newAddress() })).status).toBe(202);
    for (let i = 0; i < 30; i++) {
      expect((await stack.call('POST', '/api/parent/sign-in', { body: { phone: newPhone(), code: '000000' }, headers: address })).status).toBe(401);
    }
    const blocked = await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: await lastCode(stack, phone) }, headers: address });
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    // the code was not spent by the refused request: from another address it signs in
    expect((await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: await lastCode(stack, phone) }, headers: newAddress() })).status).toBe(200);
  });

  test('when a body is malformed, then 400 and no code is sent', async () => {
    const address = newAddress();
    for (const body of [{ phone: '1381234' }, { phone: '+8613712341234' }, { phone: '13712341234', extra: 1 }, {}]) {
      expect((await stack.call('POST', '/api/parent/sign-in/code', { body, headers: address })).status).toBe(400);
    }
    expect(await signInMessages(stack, '13712341234')).toHaveLength(0);
    const optedOut = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone: '13712340000' }, headers: address });
    expect(optedOut).toMatchObject({ status: 400, body: { error: { issues: [{ path: 'phone', code: 'PHONE_SMS_REFUSED' }] } } });
  });
});

describe('the real-name check', () => {
  test('when the name and ID number match the register, then the session shows them masked; an ID the register does not know is refused', async () => {
    const address = newAddress();
    const { cookie } = await signInParent(stack, newPhone(), address);
    const unknown = await stack.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', 999) }, headers: asParent(cookie, address) });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: '姓名与身份证号码不一致', issues: [{ code: 'REAL_NAME_MISMATCH' }] } } });
    expect((await stack.call('GET', '/api/parent/session', { headers: asParent(cookie, address) })).body.realName).toBeNull();

    const idNumber = makeCitizenId('370102', '1994-03-15', 2);
    const ok = await stack.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber }, headers: asParent(cookie, address) });
    expect(ok.status).toBe(200);
    expect(ok.body.realName).toEqual({ nameMasked: '王*', idNumberMasked: `3701**********${idNumber.slice(-4)}` });
    expect(JSON.stringify(ok.body)).not.toContain(idNumber);
    expect((await stack.call('GET', '/api/parent/session', { headers: asParent(cookie, address) })).body.realName).toEqual(ok.body.realName);
  });

  test('when a session fails the check 5 times, then the sixth is 429', async () => {
    const address = newAddress();
    const { cookie } = await signInParent(stack, newPhone(), address);
    const body = { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', 999) };
    for (let i = 0; i < 5; i++) expect((await stack.call('POST', '/api/parent/real-name', { body, headers: asParent(cookie, address) })).status).toBe(400);
    expect((await stack.call('POST', '/api/parent/real-name', { body: { ...body, idNumber: makeCitizenId('370102', '1994-03-15', 2) }, headers: asParent(cookie, address) })).status).toBe(429);
  });

  test('when no parent is signed in, then 401', async () => {
    const answer = await stack.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', 2) }, headers: newAddress() });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});

describe("a parent's cases", () => {
  const links = () => createParentLinks(stack.config);

  async function startCase(motherPhone: string, open = false): Promise<string> {
    const app = application({ mother: { phone: motherPhone }, father: { phone: '13912349876' }, ...(open ? { newborn: { name: undefined } } : {}) });
    const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
    expect(created.status).toBe(201);
    // what the case's start writes (H3); linking twice is a no-op
    await links().link([motherPhone, '13912349876'], 'case', created.body.caseId);
    return created.body.caseId as string;
  }

  test('when a mother signs in, then she sees her case, supplies the name, and never sees another family\'s case (404, even with a stray link); unknown ids are skipped', async () => {
    const phone = newPhone();
    const address = newAddress();
    const own = await startCase(phone, true);
    const other = await startCase(newPhone());
    // a stray link of her phone to the other family's case: the case does not name her phone
    await links().link([phone], 'case', other);
    // and a link to a case whose start failed (an id Temporal does not know): skipped
    await links().link([phone], 'case', 'ZZZZZZZZZZZZZZZZ');
    const { cookie } = await signInParent(stack, phone, address);

    const list = await stack.call('GET', '/api/parent/cases', { headers: asParent(cookie, address) });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([own]);
    expect(list.body.items[0].mother.phone).not.toBe(phone);

    const one = await stack.call('GET', `/api/parent/cases/${own}`, { headers: asParent(cookie, address) });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ caseId: own, newborn: { name: null } });

    for (const path of [`/api/parent/cases/${other}`, '/api/parent/cases/ZZZZZZZZZZZZZZZZ', '/api/parent/cases/0000000000000000', '/api/parent/cases/not-an-id']) {
      expect(await stack.call('GET', path, { headers: asParent(cookie, address) })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    }
    const foreign = await stack.call('POST', `/api/parent/cases/${other}/input`, { body: { input: { newbornName: '李安然' } }, headers: asParent(cookie, address) });
    expect(foreign.status).toBe(404);

    const named = await stack.call('POST', `/api/parent/cases/${own}/input`, { body: { input: { newbornName: '李安然' } }, headers: asParent(cookie, address) });
    expect(named.status).toBe(200);
    expect(named.body.newborn.name).not.toBeNull();
  });

  test('when the father signs in with his phone, then he sees the case too; a phone with no case sees none', async () => {
    const caseId = await startCase(newPhone());
    const father = await signInParent(stack, '13912349876', newAddress());
    const list = await stack.call('GET', '/api/parent/cases', { headers: { cookie: father.cookie } });
    expect(list.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    const stranger = await signInParent(stack, newPhone(), newAddress());
    expect((await stack.call('GET', '/api/parent/cases', { headers: { cookie: stranger.cookie } })).body).toEqual({ items: [] });
  });
});

test('when a clerk corrects the mother\'s phone, then the new phone finds the case signed in and the old one no longer does', async () => {
  const oldPhone = newPhone();
  const newNumber = newPhone();
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ mother: { phone: oldPhone }, father: { phone: '13912349876' } }) });
  expect(created.status).toBe(201);
  const caseId = created.body.caseId as string;
  const corrected = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': newNumber } } });
  expect(corrected.status).toBe(200);
  const now = await signInParent(stack, newNumber, newAddress());
  expect((await stack.call('GET', '/api/parent/cases', { headers: { cookie: now.cookie } })).body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
  const before = await signInParent(stack, oldPhone, newAddress());
  expect((await stack.call('GET', '/api/parent/cases', { headers: { cookie: before.cookie } })).body).toEqual({ items: [] });
});

describe('when an agency does not answer', () => {
  const setFaults = async (agency: string, faults: object) => {
    const res = await fetch(`${stack.agenciesUrl}/admin/faults/${agency}`, { method: 'PUT', headers: { ...stack.agenciesAdmin, 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    expect(res.status).toBe(200);
  };

  test('when the SMS gateway hangs, then the parent gets 503 within the 5 s deadline, no code lives, and she may ask again at once', async () => {
    const phone = newPhone();
    const address = newAddress();
    await setFaults('sms', { errorRate: 1, errorKinds: ['hang'], hangMs: 30_000 });
    try {
      const started = Date.now();
      const hung = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address });
      expect(hung).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE', message: '短信暂时无法发送，请稍后再试' } } });
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await setFaults('sms', {});
    }
    expect((await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers: address })).status).toBe(202);
    expect((await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: await lastCode(stack, phone) }, headers: address })).status).toBe(200);
  }, 30_000);

  test('when the public-security bureau is down, then the real-name check answers 503 and the session is unchanged', async () => {
    const address = newAddress();
    const { cookie } = await signInParent(stack, newPhone(), address);
    await setFaults('publicSecurity', { errorRate: 1, errorKinds: ['unavailable'] });
    try {
      const down = await stack.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber: makeCitizenId('370102', '1994-03-15', 2) }, headers: asParent(cookie, address) });
      expect(down).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    } finally {
      await setFaults('publicSecurity', {});
    }
    expect((await stack.call('GET', '/api/parent/session', { headers: asParent(cookie, address) })).body).toMatchObject({ signedIn: true, realName: null });
  });
});

test('when a parent signs in and checks her real name, then the API\'s log holds neither the code, nor the phone, name or ID number', async () => {
  const lines: string[] = [];
  const logger = createLogger('api', 'info', { write: (l: string) => void lines.push(l) });
  const app = createApp({ client: stack.env.client, config: stack.config, logger, reviewDesk: createReviewDesk({ baseUrl: stack.agenciesUrl, token: stack.config.AGENCY_API_TOKEN }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const phone = newPhone();
  const idNumber = makeCitizenId('370102', '1994-03-15', 4);
  try {
    const logged = { ...stack, apiUrl, call: (method: string, path: string, opts?: Parameters<Stack['call']>[2]) => callAt(apiUrl, method, path, opts) };
    const { cookie } = await signInParent(logged as Stack, phone);
    expect((await logged.call('POST', '/api/parent/real-name', { body: { name: '王芳', idNumber }, headers: { cookie } })).status).toBe(200);
    expect((await logged.call('POST', '/api/parent/sign-in', { body: { phone, code: '000000' } })).status).toBe(401);
  } finally {
    server.close();
  }
  const code = (await signInMessages(stack, phone))[0]!.params.code!;
  const text = lines.join('');
  expect(text).toContain('parent signed in');
  // the code as a number of its own (a 13-digit timestamp may hold any 6 digits)
  expect(text).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  for (const secret of [phone, phone.slice(-8), idNumber, '王芳']) expect(text).not.toContain(secret);
});

async function callAt(apiUrl: string, method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${apiUrl}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}
