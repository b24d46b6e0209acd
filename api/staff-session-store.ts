// Staff sessions in the project database (SESSION_STORE=database, the default; see staff-sessions.ts):
// every API process sees the same sessions, so a sign-out on one ends the session everywhere at once,
// and sessions survive a restart. Ids are kept only as their SHA-256. The database is opened on first
// use; while it cannot be, staff requests that ride on a cookie answer 503 (bearer tokens still work).
import type { Kysely, Migration } from 'kysely';
import type pino from 'pino';
import { resolve } from 'node:path';
import type { Config } from '../infra/config';
import { openMigratedDatabase } from '../infra/database';
import type { DatabaseOptions, ModuleSchema } from '../infra/database';
import { StaffClaims } from './staff-claims';
import { LOGIN_TTL_MS, newSessionId, SESSION_ID, sessionAlive, sessionKey } from './staff-sessions';
import type { PendingLogin, SessionLimits, StaffSession, StaffSessionStore } from './staff-sessions';

type SessionRow = { id_hash: string; staff: string; created_at: number; expires_at: number; last_seen_at: number; id_token: string | null };
type LoginRow = { id_hash: string; login: string; expires_at: number };
type Tables = { staff_sessions: SessionRow; staff_logins: LoginRow };

/** This module's tables, for `database.migrate(staffSessionSchema)`. */
export const staffSessionSchema: ModuleSchema = {
  owner: 'staff_sessions',
  migrations: (): Record<string, Migration> => ({
    '0001-staff-sessions': {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('staff_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('staff', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
          .addColumn('id_token', 'text')
          .execute();
        await db.schema.createIndex('staff_sessions_expires_at').on('staff_sessions').column('expires_at').execute();
        await db.schema.createTable('staff_logins')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('login', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  }),
};

/** Thrown when the session table cannot be read or written: the caller answers 503. */
export class SessionStoreUnavailable extends Error {
  override name = 'SessionStoreUnavailable';
}

/** A session's last use is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export type SessionStoreConfig = Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_SQLITE_FILE' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_CONNECT_TIMEOUT_MS' | 'DATABASE_POOL_MAX'>;

export function databaseOptions(c: SessionStoreConfig): DatabaseOptions {
  return c.DATABASE_URL
    ? { dialect: 'postgres', url: c.DATABASE_URL, statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS, connectTimeoutMs: c.DATABASE_CONNECT_TIMEOUT_MS, poolMax: c.DATABASE_POOL_MAX, applicationName: 'birth-one-thing-sessions' }
    : { dialect: 'sqlite', file: resolve(c.DATABASE_SQLITE_FILE ?? resolve(c.DATA_DIR, 'app.sqlite')), statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS };
}

const toSession = (r: SessionRow): StaffSession => Object.freeze({
  staff: Object.freeze(StaffClaims.parse(JSON.parse(r.staff))),
  createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at,
  ...(r.id_token ? { idToken: r.id_token } : {}),
});

export function createDatabaseSessionStore(options: DatabaseOptions, limits: SessionLimits, logger?: pino.Logger): StaffSessionStore {
  const now = limits.now ?? Date.now;
  let opened: Promise<Kysely<Tables>> | null = null;
  const db = async (): Promise<Kysely<Tables>> => {
    opened ??= openMigratedDatabase(options, staffSessionSchema).then((d) => d.db.withTables<Tables>()).catch((err: unknown) => {
      opened = null;
      logger?.error({ err: (err as Error).message }, 'staff sessions: database not opened');
      throw err;
    });
    return opened;
  };
  /** Runs a statement; any failure of the database is SessionStoreUnavailable. */
  const run = async <T>(fn: (d: Kysely<Tables>) => Promise<T>): Promise<T> => {
    try {
      return await fn(await db());
    } catch (err) {
      throw new SessionStoreUnavailable((err as Error).message);
    }
  };
  let creates = 0;
  return {
    async create(staff, idToken) {
      const id = newSessionId();
      const at = now();
      const row: SessionRow = { id_hash: sessionKey(id), staff: JSON.stringify(staff), created_at: at, expires_at: at + limits.maxAgeSeconds * 1000, last_seen_at: at, id_token: idToken ?? null };
      await run(async (d) => {
        await d.insertInto('staff_sessions').values(row).execute();
        // now and then, sessions and sign-ins past their end are removed
        if (++creates % 50 === 1) {
          await d.deleteFrom('staff_sessions').where('expires_at', '<', at).execute();
          await d.deleteFrom('staff_logins').where('expires_at', '<', at).execute();
        }
      });
      return { id, session: toSession(row) };
    },
    async get(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const k = sessionKey(id);
      const row = await run((d) => d.selectFrom('staff_sessions').selectAll().where('id_hash', '=', k).executeTakeFirst());
      if (!row) return undefined;
      const at = now();
      if (!sessionAlive({ expiresAt: row.expires_at, lastSeenAt: row.last_seen_at }, at, limits.idleSeconds)) {
        await run((d) => d.deleteFrom('staff_sessions').where('id_hash', '=', k).execute());
        return undefined;
      }
      if (at - row.last_seen_at >= TOUCH_EVERY_MS) {
        await run((d) => d.updateTable('staff_sessions').set({ last_seen_at: at }).where('id_hash', '=', k).execute());
        return toSession({ ...row, last_seen_at: at });
      }
      return toSession(row);
    },
    async end(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const row = await run((d) => d.deleteFrom('staff_sessions').where('id_hash', '=', sessionKey(id)).returningAll().executeTakeFirst());
      return row ? toSession(row) : undefined;
    },
    async beginLogin(login) {
      const id = newSessionId();
      await run((d) => d.insertInto('staff_logins').values({ id_hash: sessionKey(id), login: JSON.stringify(login), expires_at: now() + LOGIN_TTL_MS }).execute());
      return id;
    },
    async takeLogin(id) {
      if (!SESSION_ID.test(id)) return undefined;
      // taken once: the row goes in the same statement that reads it
      const row = await run((d) => d.deleteFrom('staff_logins').where('id_hash', '=', sessionKey(id)).returningAll().executeTakeFirst());
      if (!row || row.expires_at <= now()) return undefined;
      return JSON.parse(row.login) as PendingLogin;
    },
  };
}

