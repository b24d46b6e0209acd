// The parents' sign-in codes and sessions in the project database (api/parent-session-store.ts): a code
// works once, within its 5 minutes, and is dead after 5 wrong tries; a phone never sent a code, a wrong
// code, an expired one and a used one give the same answer; codes per phone are limited; only keyed
// hashes and masked values are stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { personKey } from '../../api/case-identity';
import { codeHash, createParentSessionStore, SIGN_IN_POLICY } from '../../api/parent-session-store';
import type { SignInPolicy } from '../../api/parent-session-store';
import { sessionKey } from '../../api/staff-sessions';

const SECRET = 'test-case-id-secret';
const PHONE = '13812345678';
const PHONE_KEY = personKey('phone', PHONE, SECRET);

function setUp(policy: Partial<SignInPolicy> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'parent-codes-')), 'app.sqlite');
  let clock = Date.parse('2026-12-01T08:00:00Z');
  const store = createParentSessionStore({ database: { dialect: 'sqlite', file }, secret: SECRET, policy, now: () => clock });
  const advance = (ms: number) => { clock += ms; };
  /** every value stored in the module's tables, as text */
  const dump = (): string => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const rows = [...db.prepare('SELECT * FROM parent_sign_in_codes').all(), ...db.prepare('SELECT * FROM parent_sessions').all()];
      return JSON.stringify(rows);
    } finally {
      db.close();
    }
  };
  return { store, advance, dump, file };
}

async function issued(store: ReturnType<typeof setUp>['store'], phoneKey = PHONE_KEY): Promise<string> {
  const r = await store.issueCode(phoneKey);
  if (!r.ok) throw new Error(`code refused: ${r.limit}`);
  return r.code;
}

const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('a sign-in code', () => {
  test('when a code is issued, then it is 6 digits and the database holds only its keyed hash, never the code or the phone', async () => {
    const { store, dump } = setUp();
    const code = await issued(store);
    expect(code).toMatch(/^\d{6}$/);
    const stored = dump();
    expect(stored).toContain(codeHash(SECRET, PHONE_KEY, code));
    expect(stored).not.toContain(`"${code}"`);
    expect(stored).not.toContain(PHONE);
    expect(stored).not.toContain(PHONE.slice(-8));
  });

  test('when the right code is given, then it works once; a second use fails', async () => {
    const { store } = setUp();
    const code = await issued(store);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(true);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
  });

  test('when two requests give the right code at once, then only one signs in', async () => {
    const { store } = setUp();
    const code = await issued(store);
    const answers = await Promise.all([store.checkCode(PHONE_KEY, code), store.checkCode(PHONE_KEY, code), store.checkCode(PHONE_KEY, code)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  test('when 5 wrong codes are tried, then the right code no longer works', async () => {
    const { store } = setUp();
    const code = await issued(store);
    for (let i = 0; i < SIGN_IN_POLICY.triesPerCode; i++) expect(await store.checkCode(PHONE_KEY, otherCode(code))).toBe(false);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
  });

  test('when 4 wrong codes are tried, then the right one still works (the fifth try)', async () => {
    const { store } = setUp();
    const code = await issued(store);
    for (let i = 0; i < SIGN_IN_POLICY.triesPerCode - 1; i++) expect(await store.checkCode(PHONE_KEY, otherCode(code))).toBe(false);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(true);
  });

  test('when 5 minutes have passed, then the code has expired', async () => {
    const { store, advance } = setUp();
    const code = await issued(store);
    advance(SIGN_IN_POLICY.codeTtlMs);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
  });

  test('when a phone was never sent a code, then checking answers as for a wrong code, and nothing is stored for it', async () => {
    const { store, dump } = setUp();
    const stranger = personKey('phone', '13900001111', SECRET);
    expect(await store.checkCode(stranger, '123456')).toBe(false);
    expect(dump()).not.toContain(stranger);
  });

  test('when a new code is sent, then the earlier one stops working', async () => {
    const { store, advance } = setUp();
    const first = await issued(store);
    advance(SIGN_IN_POLICY.resendAfterMs);
    const second = await issued(store);
    if (first !== second) expect(await store.checkCode(PHONE_KEY, first)).toBe(false);
    expect(await store.checkCode(PHONE_KEY, second)).toBe(true);
  });

  test('when a code could not be sent and is withdrawn, then it does not work, and a new one may be asked at once', async () => {
    const { store } = setUp();
    const code = await issued(store);
    await store.withdrawCode(PHONE_KEY);
    expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
    expect((await store.issueCode(PHONE_KEY)).ok).toBe(true);
  });

  test('for any code but the one sent, the answer is no (and each try is spent)', async () => {
    const { store } = setUp({ resendAfterMs: 0, codesPerHour: 10_000, codesPerDay: 10_000 });
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 999_999 }), async (n) => {
      const code = await issued(store);
      const guess = String(n).padStart(6, '0');
      fc.pre(guess !== code);
      expect(await store.checkCode(PHONE_KEY, guess)).toBe(false);
    }), { numRuns: 60 });
  });
});

describe('codes per phone', () => {
  test('when a code is asked again within 60 s, then it is refused with the seconds to wait', async () => {
    const { store, advance } = setUp();
    await issued(store);
    advance(20_000);
    expect(await store.issueCode(PHONE_KEY)).toEqual({ ok: false, limit: 'resend', retryAfterSeconds: 40 });
    advance(40_000);
    expect((await store.issueCode(PHONE_KEY)).ok).toBe(true);
  });

  test('when 5 codes were sent within an hour, then a sixth waits for the hour; 10 a day at most', async () => {
    const { store, advance } = setUp();
    for (let i = 0; i < SIGN_IN_POLICY.codesPerHour; i++) {
      await issued(store);
      advance(SIGN_IN_POLICY.resendAfterMs);
    }
    const refused = await store.issueCode(PHONE_KEY);
    expect(refused).toMatchObject({ ok: false, limit: 'hour' });
    advance(3600_000);
    for (let i = 0; i < SIGN_IN_POLICY.codesPerDay - SIGN_IN_POLICY.codesPerHour; i++) {
      await issued(store);
      advance(SIGN_IN_POLICY.resendAfterMs);
    }
    advance(3600_000);
    expect(await store.issueCode(PHONE_KEY)).toMatchObject({ ok: false, limit: 'day' });
    advance(86_400_000);
    expect((await store.issueCode(PHONE_KEY)).ok).toBe(true);
    // another phone is not held back by this one's limits
    expect((await store.issueCode(personKey('phone', '13900001111', SECRET))).ok).toBe(true);
  });
});

describe('a parent session', () => {
  test('when a session starts, then it is kept under the SHA-256 of its id with the phone masked, and the real name only as a keyed hash and masks', async () => {
    const { store, dump } = setUp();
    const { id, session } = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(session.key).toBe(sessionKey(id));
    const idKey = personKey('idNumber', '370102199003150026', SECRET);
    const named = await store.setRealName(id, { idKey, nameMasked: '王*', idNumberMasked: '3701**********0026' });
    expect(named?.realName).toEqual({ idKey, nameMasked: '王*', idNumberMasked: '3701**********0026' });
    expect((await store.getSession(id))?.realName?.idKey).toBe(idKey);
    const stored = dump();
    expect(stored).not.toContain(id);
    expect(stored).toContain(sessionKey(id));
    for (const clear of [PHONE, '370102199003150026', '王芳']) expect(stored).not.toContain(clear);
  });

  test('when a session is ended, then its id no longer finds it', async () => {
    const { store } = setUp();
    const { id } = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
    expect(await store.endSession(id)).toBeDefined();
    expect(await store.getSession(id)).toBeUndefined();
    expect(await store.setRealName(id, { idKey: 'k', nameMasked: '王*', idNumberMasked: 'x' })).toBeUndefined();
  });

  test('when a session is unused for 30 minutes, or 2 hours have passed, then it is over', async () => {
    const { store, advance } = setUp();
    const idle = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
    advance(SIGN_IN_POLICY.sessionIdleMs + 1);
    expect(await store.getSession(idle.id)).toBeUndefined();
    const busy = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
    for (let t = 0; t < SIGN_IN_POLICY.sessionMaxAgeMs - 60_000; t += 20 * 60_000) {
      expect(await store.getSession(busy.id)).toBeDefined();
      advance(20 * 60_000);
    }
    advance(60_000);
    expect(await store.getSession(busy.id)).toBeUndefined();
  });

  test('made-up ids find nothing', async () => {
    const { store } = setUp();
    for (const id of ['', 'x', 'A'.repeat(43), '../../etc']) expect(await store.getSession(id)).toBeUndefined();
  });
});
