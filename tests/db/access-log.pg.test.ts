// The access log and the database module on PostgreSQL. Runs only with TEST_POSTGRES_URL (e.g.
// `node scripts/with-postgres.mjs npx jest tests/db`); the default jest run leaves `*.pg.test.ts` out,
// and a run that collects this file without the URL fails rather than skipping in silence.
import { sql } from 'kysely';
import { accessLogSchema, createAccessLog } from '../../infra/access-log';
import { openDatabase, openMigratedDatabase, pingDatabase } from '../../infra/database';
import type { Database } from '../../infra/database';
import { accessLogSuite, clerkRead } from '../helpers/access-log-suite';
import { freshPostgres } from '../helpers/pg-schema';

const options = freshPostgres;

accessLogSuite('PostgreSQL', async () => openDatabase(await options()));

describe('the database module on PostgreSQL', () => {
  it('when two processes start and append at once, then migrations run once and the chain stays whole', async () => {
    const opts = await options({ poolMax: 4 });
    const [a, b] = await Promise.all([openMigratedDatabase(opts, accessLogSchema), openMigratedDatabase(opts, accessLogSchema)]);
    try {
      const logs = [createAccessLog(a), createAccessLog(b)];
      await Promise.all(Array.from({ length: 60 }, (_, i) => logs[i % 2]?.record(clerkRead(`case-${i}`))));
      await expect(logs[0]?.verify()).resolves.toMatchObject({ ok: true, records: 60, lastSeq: 60 });
      const applied = await sql<{ name: string }>`select name from migrations_access_log`.execute(a.db);
      expect(applied.rows.map((r) => r.name)).toEqual(['0001-access-log']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when a statement runs past the deadline, then the server ends it and the pool stays usable', async () => {
    const database: Database = openDatabase(await options({ statementTimeoutMs: 300 }));
    try {
      await expect(sql`select pg_sleep(2)`.execute(database.db)).rejects.toThrow(/statement timeout/);
      await expect(pingDatabase(database)).resolves.toBe(true);
    } finally {
      await database.close();
    }
  });

  it('when the server cannot be reached, then opening a connection fails within its deadline', async () => {
    const database = openDatabase({ dialect: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none', connectTimeoutMs: 1000 });
    const started = Date.now();
    try {
      await expect(pingDatabase(database)).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await database.close();
    }
  });
});
