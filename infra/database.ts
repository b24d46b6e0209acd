// The project's own database (access records now, the read model later): a SQLite file under `.data/` by
// default, PostgreSQL when DATABASE_URL is set. One Kysely instance per process; each module that keeps
// data here owns its tables and its migrations (a migration table of its own, `migrations_<owner>`),
// applied at start, idempotent. Temporal's own stores are not here.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { DialectAdapter, Migration, MigrationProvider, MigrationResultSet, SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import { Pool, types as pgTypes } from 'pg';
import { z } from 'zod';

export type DatabaseDialect = 'sqlite' | 'postgres';

/** Settings from the environment; the lead folds these into infra/config.ts's Env. */
export const DatabaseEnv = z.object({
  /** `postgres://user:pass@host:5432/db` (sslmode etc. in the URL); unset: SQLite at DATABASE_SQLITE_FILE */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** the SQLite file when DATABASE_URL is unset (default `<DATA_DIR>/app.sqlite`) */
  DATABASE_SQLITE_FILE: z.string().min(1).optional(),
  /** the read model's SQLite file when DATABASE_URL is unset (default `<DATA_DIR>/read-model.sqlite`) */
  READ_MODEL_SQLITE_FILE: z.string().min(1).optional(),
  /** deadline of every statement (PostgreSQL: statement_timeout and the client's query_timeout; SQLite: how long a write waits for the file lock) */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(10_000),
  /** deadline of opening a PostgreSQL connection */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(5_000),
  /** PostgreSQL connections per process */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;

export type DatabaseOptions =
  | { dialect: 'sqlite'; file: string; statementTimeoutMs?: number }
  | { dialect: 'postgres'; url: string; statementTimeoutMs?: number; connectTimeoutMs?: number; poolMax?: number; applicationName?: string };

/**
 * Which SQLite file a store lives in when DATABASE_URL is unset. The read model has a file of its own: the
 * workers write it at every step of every case, and SQLite has one writer per file, so a worker stalled
 * mid-write (stopped, swapped out) would otherwise hold up the API's access records, which every staff read
 * must write first. On PostgreSQL both are schemas of one database (row locks, no file lock).
 */
export type SqliteStore = 'app' | 'readModel';

/** The options the environment asks for: PostgreSQL when DATABASE_URL is set, else the store's SQLite file under `dataDir`. */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv, dataDir: string, store: SqliteStore = 'app'): DatabaseOptions {
  const e = DatabaseEnv.parse(env);
  if (e.DATABASE_URL) {
    return { dialect: 'postgres', url: e.DATABASE_URL, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS, connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS, poolMax: e.DATABASE_POOL_MAX };
  }
  const file = store === 'app' ? e.DATABASE_SQLITE_FILE ?? resolve(dataDir, 'app.sqlite') : e.READ_MODEL_SQLITE_FILE ?? resolve(dataDir, 'read-model.sqlite');
  return { dialect: 'sqlite', file: resolve(file), statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS };
}

/**
 * A module's schema: its name (owner of its tables) and its migrations, keyed by a name that sorts in the
 * order they apply (`0001-access-log`, `0002-…`). A migration is never edited once shipped; a change is a
 * new one. `dialect` lets a migration say what differs (types, collations).
 */
export interface ModuleSchema {
  owner: string;
  migrations(dialect: DatabaseDialect): Record<string, Migration>;
}

export interface MigrationReport {
  owner: string;
  /** migrations applied by this call (empty when the schema was already current) */
  applied: string[];
}

/** Tables are declared by the module that owns them: `database.db.withTables<MyTables>()`. */
export type AnyDb = Kysely<object>;

export interface Database {
  readonly dialect: DatabaseDialect;
  /** where it is: the SQLite file, or the PostgreSQL host/database (no password) */
  readonly location: string;
  readonly db: AnyDb;
  /** the statement deadline in force (ms) */
  readonly statementTimeoutMs: number;
  /** applies each module's pending migrations, in order; safe to run from several processes at once */
  migrate(...schemas: ModuleSchema[]): Promise<MigrationReport[]>;
  close(): Promise<void>;
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not (so that a migration may switch
 * `PRAGMA foreign_keys`, which a transaction ignores). Here every migration run is one transaction, as on
 * PostgreSQL: a migration that fails leaves nothing half made.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

const OWNER = /^[a-z][a-z0-9_]{0,40}$/;
const PG_INT8_OID = 20;

/** Opens the database (the SQLite file and its folder are created when missing). No migration runs. */
export function openDatabase(options: DatabaseOptions): Database {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  if (options.dialect === 'sqlite') {
    mkdirSync(dirname(options.file), { recursive: true });
    // better-sqlite3's `timeout` is SQLite's busy timeout: how long a statement waits for another
    // process's write lock before it fails. Statements run synchronously; none waits on the network.
    const file = new BetterSqlite3(options.file, { timeout: statementTimeoutMs });
    file.pragma('journal_mode = WAL');
    // access records must survive a power cut once the read they record has been answered
    file.pragma('synchronous = FULL');
    file.pragma('foreign_keys = ON');
    const db = new Kysely<object>({ dialect: new TransactionalSqliteDialect({ database: preparedOnce(file) }) });
    return makeDatabase('sqlite', options.file, db, statementTimeoutMs);
  }
  const url = new URL(options.url);
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    // the server ends a statement past its deadline; the client gives up a little later if the server is unreachable
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    lock_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: statementTimeoutMs * 3,
    application_name: options.applicationName ?? 'birth-one-thing',
    // bigint columns (sequence numbers) as numbers, for this pool only: exact up to 2^53
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
    },
  });
  // an idle connection dropped by the server is replaced at the next checkout; without a listener it would crash the process
  pool.on('error', () => undefined);
  const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  return makeDatabase('postgres', `${url.hostname}:${url.port || '5432'}${url.pathname}`, db, statementTimeoutMs);
}

/** Distinct SQL texts whose prepared statements a SQLite file keeps. */
const PREPARED_STATEMENTS = 500;

/**
 * The file as Kysely sees it, with each SQL text prepared once: Kysely asks for a statement at every query,
 * and preparing one costs more than running the small statements of a read (the case's row, an access
 * record). Kysely runs one statement at a time on the file (its connection lock, a stream included), so a
 * statement is never run twice at once; SQLite prepares a kept statement again by itself after a schema change.
 */
function preparedOnce(file: BetterSqlite3.Database): SqliteDatabase {
  const statements = new LRUCache<string, BetterSqlite3.Statement>({ max: PREPARED_STATEMENTS });
  return {
    close: () => { file.close(); },
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = file.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** Opens the database and applies the schemas' pending migrations: what a process does at start. */
export async function openMigratedDatabase(options: DatabaseOptions, ...schemas: ModuleSchema[]): Promise<Database> {
  const database = openDatabase(options);
  try {
    await database.migrate(...schemas);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

function makeDatabase(dialect: DatabaseDialect, location: string, db: AnyDb, statementTimeoutMs: number): Database {
  let closed = false;
  return {
    dialect,
    location,
    db,
    statementTimeoutMs,
    async migrate(...schemas) {
      const reports: MigrationReport[] = [];
      const owners = new Set<string>();
      for (const schema of schemas) {
        if (!OWNER.test(schema.owner)) throw new Error(`database: owner "${schema.owner}" must match ${OWNER}`);
        if (owners.has(schema.owner)) throw new Error(`database: owner "${schema.owner}" given twice`);
        owners.add(schema.owner);
        reports.push({ owner: schema.owner, applied: await migrateOne(db, dialect, statementTimeoutMs, schema) });
      }
      return reports;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

async function migrateOne(db: AnyDb, dialect: DatabaseDialect, statementTimeoutMs: number, schema: ModuleSchema): Promise<string[]> {
  const migrations = schema.migrations(dialect);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  // PostgreSQL: the migration tables live in the schema the connection works in (its search_path). Named
  // explicitly, since Kysely would otherwise take a same-named table in any other schema for its own.
  const pgSchema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: `migrations_${schema.owner}`,
    migrationLockTableName: `migrations_${schema.owner}_lock`,
    ...(pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  // Two processes starting on one SQLite file: the second may find the file locked by the first's
  // migration and is told SQLITE_BUSY at once (SQLite does not wait inside a deferred transaction that
  // read first); it tries again, by then finding the migrations applied. It keeps trying for as long as
  // a statement would wait for the lock (the busy timeout): on a loaded machine the first process's
  // migration, with its fsyncs, can hold the file for more than a moment.
  const giveUpAt = Date.now() + statementTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    const result: MigrationResultSet = await migrator.migrateToLatest();
    if (!result.error) return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const busy = dialect === 'sqlite' && /SQLITE_BUSY|database is locked/i.test(errorText(result.error));
    if (!busy || Date.now() >= giveUpAt) {
      const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`database: migrating ${schema.owner}${failed ? ` (${failed})` : ''} failed: ${errorText(result.error)}`, { cause: result.error });
    }
    await new Promise((r) => setTimeout(r, Math.min(25 * attempt, 250)));
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: string }).code ?? ''} ${err.message}`.trim();
  return String(err);
}

/** Is the database reachable and answering, within its deadline (for readiness checks)? */
export async function pingDatabase(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
