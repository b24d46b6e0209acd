// The PostgreSQL suites' database: TEST_POSTGRES_URL (set by `node scripts/with-postgres.mjs npx jest tests/db`),
// with a schema of its own per test. A file that imports this without the URL fails rather than skipping in silence.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseOptions } from '../../infra/database';

const base = process.env.TEST_POSTGRES_URL;
if (!base) throw new Error('TEST_POSTGRES_URL is not set: run this file with it (node scripts/with-postgres.mjs npx jest tests/db)');

type PostgresOptions = Extract<DatabaseOptions, { dialect: 'postgres' }>;

/** A schema of its own per test: the URL's search_path points there, so tests share nothing. */
export async function freshSchema(prefix = 't'): Promise<string> {
  const schema = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base as string);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

/** The database options of a fresh schema (and any other settings the test gives). */
export const freshPostgres = async (extra: Partial<PostgresOptions> = {}): Promise<PostgresOptions> => ({ dialect: 'postgres', url: await freshSchema(), ...extra });
