// The read model on PostgreSQL. Runs only with TEST_POSTGRES_URL (e.g.
// `node scripts/with-postgres.mjs npx jest tests/db`); the default jest run leaves `*.pg.test.ts` out,
// and a run that collects this file without the URL fails rather than skipping in silence.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, openMigratedDatabase } from '../../infra/database';
import { createReadModel, readModelSchema } from '../../infra/read-model';
import { caseState, newCodec, readModelSuite } from '../helpers/read-model-suite';
import type { Stage } from '../helpers/read-model-suite';
import { freshPostgres } from '../helpers/pg-schema';

const options = freshPostgres;

readModelSuite('PostgreSQL', async () => openDatabase(await options()));

describe('the read model on PostgreSQL, from two processes', () => {
  it('when two processes publish one case’s seqs at once, in any order, then the highest seq is stored with its waits', async () => {
    const opts = await options({ poolMax: 6 });
    const [a, b] = await Promise.all([openMigratedDatabase(opts, readModelSchema), openMigratedDatabase(opts, readModelSchema)]);
    try {
      const codec = newCodec(randomBytes(32));
      const models = [createReadModel(a, codec), createReadModel(b, codec)];
      const stages: Stage[] = ['accepted', 'atAgency', 'correction', 'inReview', 'overdue'];
      const writes = Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, state: caseState({ caseId: 'C-PG', stage: stages[i % stages.length] }) }));
      // a fixed scramble (17 and 40 share no factor): every seq once, far out of order
      const order = writes.map((_, i) => writes[(i * 17) % 40] as (typeof writes)[number]);
      await Promise.all(order.map((w, i) => models[i % 2]?.publish(w.state, w.seq)));
      await expect(models[0]?.get('C-PG')).resolves.toEqual({ seq: 40, state: writes[39]?.state });
      const waiting = await sql<{ waiting_on: string }>`select waiting_on from read_model_waiting where case_id = ${'C-PG'} order by waiting_on`.execute(a.db);
      expect(waiting.rows.map((r) => r.waiting_on)).toEqual(['agency', 'officer']); // seq 40 is 'overdue'
      const applied = await sql<{ name: string }>`select name from migrations_read_model`.execute(a.db);
      expect(applied.rows.map((r) => r.name).sort()).toEqual(['0001-read-model', '0002-read-model-figures']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the schema is made, then the state is bytea, the flags booleans and the durations double precision', async () => {
    const database = await openMigratedDatabase(await options(), readModelSchema);
    try {
      const columns = await sql<{ column_name: string; data_type: string }>`
        select column_name, data_type from information_schema.columns
        where table_schema = current_schema() and table_name in (${'read_model_case'}, ${'read_model_service'})
          and column_name in (${'state'}, ${'overdue'}, ${'seq'}, ${'awaiting_originals'}, ${'seconds_to_finish'}, ${'seconds'}, ${'case_finished'})
        order by column_name`.execute(database.db);
      expect(columns.rows).toEqual([
        { column_name: 'awaiting_originals', data_type: 'boolean' },
        { column_name: 'case_finished', data_type: 'boolean' },
        { column_name: 'overdue', data_type: 'boolean' },
        { column_name: 'seconds', data_type: 'double precision' },
        { column_name: 'seconds_to_finish', data_type: 'double precision' },
        { column_name: 'seq', data_type: 'bigint' },
        { column_name: 'state', data_type: 'bytea' },
      ]);
    } finally {
      await database.close();
    }
  });
});
