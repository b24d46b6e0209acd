// The parents' sign-in codes and sessions on PostgreSQL (the suite: tests/helpers/parent-store-suite.ts).
// Runs only with TEST_POSTGRES_URL (`node scripts/with-postgres.mjs npx jest tests/db`); a run that
// collects this file without the URL fails rather than skipping in silence.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { parentStoreSuite } from '../helpers/parent-store-suite';

const base = process.env.TEST_POSTGRES_URL;
if (!base) throw new Error('TEST_POSTGRES_URL is not set: run this file with it (node scripts/with-postgres.mjs npx jest tests/db)');

/** A schema of its own per test: the URL's search_path points there, so tests share nothing. */
async function freshSchema(): Promise<string> {
  const schema = `p_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
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

parentStoreSuite('PostgreSQL', async () => ({ dialect: 'postgres', url: await freshSchema(), poolMax: 4 }));
