// The parents' sign-in codes and sessions (api/parent-session-store.ts), as one suite run on each database
// the project supports: SQLite in a temp dir (tests/unit/parent-sign-in-codes.test.ts) and PostgreSQL when
// TEST_POSTGRES_URL is set (tests/db/parent-sessions.pg.test.ts). A code works once, within its 5
// minutes, and is dead after 5 wrong tries; a phone never sent a code, a wrong code, an expired one and a
// used one give the same answer; codes per phone are limited; only keyed hashes and masked values are stored.
import fc from 'fast-check';
import { personKey } from '../../api/case-identity';
import { codeHash, createParentSessionStore, SIGN_IN_POLICY } from '../../api/parent-session-store';
import type { SignInPolicy } from '../../api/parent-session-store';
import { sessionKey } from '../../api/staff-sessions';
import { openDatabase } from '../../infra/database';
import type { DatabaseOptions } from '../../infra/database';

const SECRET = 'test-case-id-secret';
const PHONE = '13812345678';
const PHONE_KEY = personKey('phone', PHONE, SECRET);

type Store = ReturnType<typeof createParentSessionStore>;

export function parentStoreSuite(name: string, databaseOptions: () => Promise<DatabaseOptions>): void {
  async function setUp(policy: Partial<SignInPolicy> = {}) {
    const database = await databaseOptions();
    let clock = Date.parse('2026-12-01T08:00:00Z');
    const store = createParentSessionStore({ database, secret: SECRET, policy, now: () => clock });
    const advance = (ms: number) => { clock += ms; };
    /** every value stored in the module's tables, as text */
    const dump = async (): Promise<string> => {
      const raw = openDatabase(database);
      try {
        const db = raw.db.withTables<{ parent_sign_in_codes: Record<string, unknown>; parent_sessions: Record<string, unknown> }>();
        const rows = [...await db.selectFrom('parent_sign_in_codes').selectAll().execute(), ...await db.selectFrom('parent_sessions').selectAll().execute()];
        return JSON.stringify(rows);
      } finally {
        await raw.close();
      }
    };
    return { store, advance, dump };
  }

  describe(`parent sign-in store (${name})`, () => {
    async function issued(store: Store, phoneKey = PHONE_KEY): Promise<string> {
      const r = await store.issueCode(phoneKey);
      if (!r.ok) throw new Error(`code refused: ${r.limit}`);
      return r.code;
    }

    const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    describe('a sign-in code', () => {
      test('when a code is issued, then it is 6 digits and the database holds only its keyed hash, never the code or the phone', async () => {
        const { store, dump } = await setUp();
        const code = await issued(store);
        expect(code).toMatch(/^\d{6}$/);
        const stored = await dump();
        expect(stored).toContain(codeHash(SECRET, PHONE_KEY, code));
        expect(stored).not.toContain(`"${code}"`);
        expect(stored).not.toContain(PHONE);
        expect(stored).not.toContain(PHONE.slice(-8));
      });

      test('when the right code is given, then it works once; a second use fails', async () => {
        const { store } = await setUp();
        const code = await issued(store);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(true);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
      });

      test('when two requests give the right code at once, then only one signs in', async () => {
        const { store } = await setUp();
        const code = await issued(store);
        const answers = await Promise.all([store.checkCode(PHONE_KEY, code), store.checkCode(PHONE_KEY, code), store.checkCode(PHONE_KEY, code)]);
        expect(answers.filter(Boolean)).toHaveLength(1);
      });

      test('when 5 wrong codes are tried, then the right code no longer works', async () => {
        const { store } = await setUp();
        const code = await issued(store);
        for (let i = 0; i < SIGN_IN_POLICY.triesPerCode; i++) expect(await store.checkCode(PHONE_KEY, otherCode(code))).toBe(false);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
      });

      test('when 4 wrong codes are tried, then the right one still works (the fifth try)', async () => {
        const { store } = await setUp();
        const code = await issued(store);
        for (let i = 0; i < SIGN_IN_POLICY.triesPerCode - 1; i++) expect(await store.checkCode(PHONE_KEY, otherCode(code))).toBe(false);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(true);
      });

      test('when 5 minutes have passed, then the code has expired', async () => {
        const { store, advance } = await setUp();
        const code = await issued(store);
        advance(SIGN_IN_POLICY.codeTtlMs);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
      });

      test('when a phone was never sent a code, then checking answers as for a wrong code, and nothing is stored for it', async () => {
        const { store, dump } = await setUp();
        const stranger = personKey('phone', '13900001111', SECRET);
        expect(await store.checkCode(stranger, '123456')).toBe(false);
        expect(await dump()).not.toContain(stranger);
      });

      test('when a new code is sent, then the earlier one stops working', async () => {
        const { store, advance } = await setUp();
        const first = await issued(store);
        advance(SIGN_IN_POLICY.resendAfterMs);
        const second = await issued(store);
        if (first !== second) expect(await store.checkCode(PHONE_KEY, first)).toBe(false);
        expect(await store.checkCode(PHONE_KEY, second)).toBe(true);
      });

      test('when a code could not be sent and is withdrawn, then it does not work, and a new one may be asked at once', async () => {
        const { store } = await setUp();
        const code = await issued(store);
        await store.withdrawCode(PHONE_KEY);
        expect(await store.checkCode(PHONE_KEY, code)).toBe(false);
        expect((await store.issueCode(PHONE_KEY)).ok).toBe(true);
      });

      test('for any code but the one sent, the answer is no (and each try is spent)', async () => {
        const { store } = await setUp({ resendAfterMs: 0, codesPerHour: 10_000, codesPerDay: 10_000 });
        await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 999_999 }), async (n) => {
          const code = await issued(store);
          const guess = String(n).padStart(6, '0');
          fc.pre(guess !== code);
          expect(await store.checkCode(PHONE_KEY, guess)).toBe(false);
        }), { numRuns: 60 });
      });
    });

    describe('codes per phone', () => {
      test('when codes are asked for one phone at once, then one is sent and the others refused', async () => {
        const { store } = await setUp();
        const answers = await Promise.all(Array.from({ length: 6 }, () => store.issueCode(PHONE_KEY)));
        expect(answers.filter((a) => a.ok)).toHaveLength(1);
        expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.limit === 'resend')).toBe(true);
      });

      test('when a code is asked again within 60 s, then it is refused with the seconds to wait', async () => {
        const { store, advance } = await setUp();
        await issued(store);
        advance(20_000);
        expect(await store.issueCode(PHONE_KEY)).toEqual({ ok: false, limit: 'resend', retryAfterSeconds: 40 });
        advance(40_000);
        expect((await store.issueCode(PHONE_KEY)).ok).toBe(true);
      });

      test('when 5 codes were sent within an hour, then a sixth waits for the hour; 10 a day at most', async () => {
        const { store, advance } = await setUp();
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
        const { store, dump } = await setUp();
        const { id, session } = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
        expect(id).toMatch(/^[\w-]{43}$/);
        expect(session.key).toBe(sessionKey(id));
        const idKey = personKey('idNumber', '370102199003150026', SECRET);
        const named = await store.setRealName(id, { idKey, nameMasked: '王*', idNumberMasked: '3701**********0026' });
        expect(named?.realName).toEqual({ idKey, nameMasked: '王*', idNumberMasked: '3701**********0026' });
        expect((await store.getSession(id))?.realName?.idKey).toBe(idKey);
        const stored = await dump();
        expect(stored).not.toContain(id);
        expect(stored).toContain(sessionKey(id));
        for (const clear of [PHONE, '370102199003150026', '王芳']) expect(stored).not.toContain(clear);
      });

      test('when a session is ended, then its id no longer finds it', async () => {
        const { store } = await setUp();
        const { id } = await store.createSession({ phoneKey: PHONE_KEY, phoneMasked: '138****5678' });
        expect(await store.endSession(id)).toBeDefined();
        expect(await store.getSession(id)).toBeUndefined();
        expect(await store.setRealName(id, { idKey: 'k', nameMasked: '王*', idNumberMasked: 'x' })).toBeUndefined();
      });

      test('when a session is unused for 30 minutes, or 2 hours have passed, then it is over', async () => {
        const { store, advance } = await setUp();
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
        const { store } = await setUp();
        for (const id of ['', 'x', 'A'.repeat(43), '../../etc']) expect(await store.getSession(id)).toBeUndefined();
      });
    });
  });
}
