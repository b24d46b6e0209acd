// Parents' sign-in codes and sessions (issue 18) in the project database (infra/database.ts; SQLite under
// DATA_DIR, PostgreSQL with DATABASE_URL), module `parent_sessions`. Every API process sees the same codes
// and sessions, so the limits below hold however many processes answer.
//
// - A sign-in code is kept only as a keyed hash (HMAC-SHA256 under CASE_ID_SECRET, bound to the phone's
//   keyed hash), with its expiry and the tries left. Each check spends a try first, in one statement,
//   then compares in constant time; the right code is taken once (a second use fails). A new code
//   replaces the old one. Codes per phone are counted here too (one per minute, 5 an hour, 10 a day).
// - A session is kept under the SHA-256 of its opaque id (as staff sessions are), with the phone's keyed
//   hash and masked number and, after the real-name check, the ID number's keyed hash and the masked
//   name and ID. No clear phone, name or ID number is ever stored.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely, Migration, Transaction } from 'kysely';
import type pino from 'pino';
import { openMigratedDatabase } from '../infra/database';
import type { DatabaseDialect, DatabaseOptions, ModuleSchema } from '../infra/database';
import { newSessionId, SESSION_ID, sessionAlive, sessionKey } from './staff-sessions';

/** The sign-in's numbers (the README's note on guessing works them out). */
export const SIGN_IN_POLICY = {
  codeDigits: 6,
  codeTtlMs: 5 * 60_000,
  triesPerCode: 5,
  resendAfterMs: 60_000,
  codesPerHour: 5,
  codesPerDay: 10,
  sessionMaxAgeMs: 2 * 3600_000,
  sessionIdleMs: 30 * 60_000,
} as const;
export type SignInPolicy = { -readonly [K in keyof typeof SIGN_IN_POLICY]: number };

type CodeRow = {
  phone_key: string; code_hash: string; expires_at: number; tries_left: number; sent_at: number;
  hour_start: number; hour_sends: number; day_start: number; day_sends: number;
};
type SessionRow = {
  id_hash: string; phone_key: string; phone_masked: string; real_name: string | null;
  created_at: number; expires_at: number; last_seen_at: number;
};
type Tables = { parent_sign_in_codes: CodeRow; parent_sessions: SessionRow };

/** This module's tables, for `database.migrate(parentSessionSchema)`. */
export const parentSessionSchema: ModuleSchema = {
  owner: 'parent_sessions',
  migrations: (): Record<string, Migration> => ({
    '0001-parent-sessions': {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('parent_sign_in_codes')
          .addColumn('phone_key', 'text', (c) => c.primaryKey())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('tries_left', 'integer', (c) => c.notNull())
          .addColumn('sent_at', 'bigint', (c) => c.notNull())
          .addColumn('hour_start', 'bigint', (c) => c.notNull())
          .addColumn('hour_sends', 'integer', (c) => c.notNull())
          .addColumn('day_start', 'bigint', (c) => c.notNull())
          .addColumn('day_sends', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createTable('parent_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('phone_key', 'text', (c) => c.notNull())
          .addColumn('phone_masked', 'text', (c) => c.notNull())
          .addColumn('real_name', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('parent_sessions_expires_at').on('parent_sessions').column('expires_at').execute();
      },
    },
  }),
};

/** What a session knows of the parent's real name: a keyed hash of the ID number and masked values. */
export interface ParentRealName { idKey: string; nameMasked: string; idNumberMasked: string }

export interface ParentSessionRecord {
  /** the SHA-256 of the session id (the id itself is only in the cookie) */
  key: string;
  phoneKey: string;
  phoneMasked: string;
  realName: ParentRealName | null;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export type IssuedCode =
  | { ok: true; code: string }
  | { ok: false; limit: 'resend' | 'hour' | 'day'; retryAfterSeconds: number };

export interface ParentSessionStore {
  /** A fresh code for the phone (its keyed hash), replacing any earlier one; or which limit refuses it. */
  issueCode(phoneKey: string): Promise<IssuedCode>;
  /** The code just issued could not be sent: it is dead, and another may be asked at once (the counts stay). */
  withdrawCode(phoneKey: string): Promise<void>;
  /** Spends a try; true only for the live code, unexpired, with tries left, and only once. */
  checkCode(phoneKey: string, code: string): Promise<boolean>;
  createSession(phone: { phoneKey: string; phoneMasked: string }): Promise<{ id: string; session: ParentSessionRecord }>;
  /** The live session with this id (its idle time refreshed), or undefined. */
  getSession(id: string): Promise<ParentSessionRecord | undefined>;
  setRealName(id: string, realName: ParentRealName): Promise<ParentSessionRecord | undefined>;
  endSession(id: string): Promise<ParentSessionRecord | undefined>;
}

/** Thrown when the tables cannot be read or written: the caller answers 503. */
export class ParentStoreUnavailable extends Error {
  override name = 'ParentStoreUnavailable';
}

export interface ParentStoreOptions {
  database: DatabaseOptions;
  /** the key of the codes' hashes (CASE_ID_SECRET) */
  secret: string;
  policy?: Partial<SignInPolicy>;
  now?: () => number;
  logger?: pino.Logger;
}

/** A 6-digit code from the system's CSPRNG (uniform over 000000–999999). */
export const newSignInCode = (digits: number = SIGN_IN_POLICY.codeDigits): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');

export const codeHash = (secret: string, phoneKey: string, code: string): string =>
  createHmac('sha256', secret).update(`parent-sign-in-code|${phoneKey}|${code}`).digest('hex');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The window counts a new code would bring, or the limit that refuses it. */
export function nextCounts(row: CodeRow | undefined, at: number, p: SignInPolicy): { counts: Pick<CodeRow, 'hour_start' | 'hour_sends' | 'day_start' | 'day_sends'> } | { limit: 'resend' | 'hour' | 'day'; retryAfterMs: number } {
  if (row && at - row.sent_at < p.resendAfterMs) return { limit: 'resend', retryAfterMs: row.sent_at + p.resendAfterMs - at };
  const hourOpen = row !== undefined && at - row.hour_start < 3600_000;
  const dayOpen = row !== undefined && at - row.day_start < 86_400_000;
  const hourSends = hourOpen ? row.hour_sends : 0;
  const daySends = dayOpen ? row.day_sends : 0;
  if (row && daySends >= p.codesPerDay) return { limit: 'day', retryAfterMs: row.day_start + 86_400_000 - at };
  if (row && hourSends >= p.codesPerHour) return { limit: 'hour', retryAfterMs: row.hour_start + 3600_000 - at };
  return {
    counts: {
      hour_start: hourOpen ? row.hour_start : at, hour_sends: hourSends + 1,
      day_start: dayOpen ? row.day_start : at, day_sends: daySends + 1,
    },
  };
}

type Db = Kysely<Tables>;
type Run = <T>(fn: (d: Db, dialect: DatabaseDialect) => Promise<T>) => Promise<T>;

/** Opens the tables on first use; any failure of the database is ParentStoreUnavailable. */
function runner(options: ParentStoreOptions): Run {
  let opened: Promise<{ db: Db; dialect: DatabaseDialect }> | null = null;
  const open = () => {
    opened ??= openMigratedDatabase(options.database, parentSessionSchema).then((d) => ({ db: d.db.withTables<Tables>(), dialect: d.dialect })).catch((err: unknown) => {
      opened = null;
      options.logger?.error({ err: (err as Error).message }, 'parent sessions: database not opened');
      throw err;
    });
    return opened;
  };
  return async (fn) => {
    try {
      const { db, dialect } = await open();
      return await fn(db, dialect);
    } catch (err) {
      throw new ParentStoreUnavailable((err as Error).message);
    }
  };
}

/** The row a phone starts from: no code, nothing counted. */
const blankRow = (phoneKey: string): CodeRow => ({ phone_key: phoneKey, code_hash: '', expires_at: 0, tries_left: 0, sent_at: 0, hour_start: 0, hour_sends: 0, day_start: 0, day_sends: 0 });

async function issueIn(trx: Transaction<Tables>, dialect: DatabaseDialect, phoneKey: string, at: number, p: SignInPolicy, secret: string): Promise<IssuedCode> {
  // the row exists before it is read, so that PostgreSQL's row lock orders two requests for one phone
  await trx.insertInto('parent_sign_in_codes').values(blankRow(phoneKey)).onConflict((oc) => oc.column('phone_key').doNothing()).execute();
  const row = await trx.selectFrom('parent_sign_in_codes').selectAll().where('phone_key', '=', phoneKey)
    .$if(dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirstOrThrow();
  const next = nextCounts(row, at, p);
  if ('limit' in next) return { ok: false, limit: next.limit, retryAfterSeconds: Math.max(1, Math.ceil(next.retryAfterMs / 1000)) };
  const code = newSignInCode(p.codeDigits);
  await trx.updateTable('parent_sign_in_codes')
    .set({ code_hash: codeHash(secret, phoneKey, code), expires_at: at + p.codeTtlMs, tries_left: p.triesPerCode, sent_at: at, ...next.counts })
    .where('phone_key', '=', phoneKey).execute();
  return { ok: true, code };
}

function codeStore(run: Run, options: ParentStoreOptions, p: SignInPolicy, now: () => number): Pick<ParentSessionStore, 'issueCode' | 'withdrawCode' | 'checkCode'> {
  const { secret } = options;
  const DUMMY = codeHash(secret, 'none', 'none');
  return {
    issueCode: (phoneKey) => run((d, dialect) => d.transaction().execute((trx) => issueIn(trx, dialect, phoneKey, now(), p, secret))),
    async withdrawCode(phoneKey) {
      // no SMS went out: the code is dead, and a new one may be asked at once (the hour's and day's counts stay)
      await run((d) => d.updateTable('parent_sign_in_codes').set({ code_hash: '', tries_left: 0, sent_at: 0 }).where('phone_key', '=', phoneKey).execute());
    },
    async checkCode(phoneKey, code) {
      const at = now();
      const given = codeHash(secret, phoneKey, code);
      // the try is spent before the comparison, in one statement: parallel guesses cannot share a try
      const spent = await run((d) => d.updateTable('parent_sign_in_codes').set((eb) => ({ tries_left: eb('tries_left', '-', 1) }))
        .where('phone_key', '=', phoneKey).where('tries_left', '>', 0).where('expires_at', '>', at).where('code_hash', '!=', '')
        .returning(['code_hash']).executeTakeFirst());
      if (!sameHash(given, spent?.code_hash ?? DUMMY) || !spent) return false;
      // taken once: only the request that clears the hash wins
      const taken = await run((d) => d.updateTable('parent_sign_in_codes').set({ code_hash: '', tries_left: 0 })
        .where('phone_key', '=', phoneKey).where('code_hash', '=', spent.code_hash).executeTakeFirst());
      return Number(taken.numUpdatedRows) === 1;
    },
  };
}

const toRecord = (r: SessionRow): ParentSessionRecord => ({
  key: r.id_hash, phoneKey: r.phone_key, phoneMasked: r.phone_masked,
  realName: r.real_name ? JSON.parse(r.real_name) as ParentRealName : null,
  createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at,
});

/** A session's last use is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

function sessionStore(run: Run, p: SignInPolicy, now: () => number): Omit<ParentSessionStore, 'issueCode' | 'withdrawCode' | 'checkCode'> {
  let creates = 0;
  const live = async (id: string): Promise<SessionRow | undefined> => {
    if (!SESSION_ID.test(id)) return undefined;
    const k = sessionKey(id);
    const row = await run((d) => d.selectFrom('parent_sessions').selectAll().where('id_hash', '=', k).executeTakeFirst());
    if (!row) return undefined;
    const at = now();
    if (sessionAlive({ expiresAt: row.expires_at, lastSeenAt: row.last_seen_at }, at, p.sessionIdleMs / 1000)) return row;
    await run((d) => d.deleteFrom('parent_sessions').where('id_hash', '=', k).execute());
    return undefined;
  };
  return {
    async createSession({ phoneKey, phoneMasked }) {
      const id = newSessionId();
      const at = now();
      const row: SessionRow = { id_hash: sessionKey(id), phone_key: phoneKey, phone_masked: phoneMasked, real_name: null, created_at: at, expires_at: at + p.sessionMaxAgeMs, last_seen_at: at };
      await run(async (d) => {
        await d.insertInto('parent_sessions').values(row).execute();
        if (++creates % 50 === 1) await d.deleteFrom('parent_sessions').where('expires_at', '<', at).execute();
      });
      return { id, session: toRecord(row) };
    },
    async getSession(id) {
      const row = await live(id);
      if (!row) return undefined;
      const at = now();
      if (at - row.last_seen_at < TOUCH_EVERY_MS) return toRecord(row);
      await run((d) => d.updateTable('parent_sessions').set({ last_seen_at: at }).where('id_hash', '=', row.id_hash).execute());
      return toRecord({ ...row, last_seen_at: at });
    },
    async setRealName(id, realName) {
      const row = await live(id);
      if (!row) return undefined;
      const real_name = JSON.stringify(realName);
      await run((d) => d.updateTable('parent_sessions').set({ real_name }).where('id_hash', '=', row.id_hash).execute());
      return toRecord({ ...row, real_name });
    },
    async endSession(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const row = await run((d) => d.deleteFrom('parent_sessions').where('id_hash', '=', sessionKey(id)).returningAll().executeTakeFirst());
      return row ? toRecord(row) : undefined;
    },
  };
}

export function createParentSessionStore(options: ParentStoreOptions): ParentSessionStore {
  const policy: SignInPolicy = { ...SIGN_IN_POLICY, ...options.policy };
  const now = options.now ?? Date.now;
  const run = runner(options);
  return { ...codeStore(run, options, policy, now), ...sessionStore(run, policy, now) };
}
