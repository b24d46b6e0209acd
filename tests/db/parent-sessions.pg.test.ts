// The parents' sign-in codes and sessions on PostgreSQL (the suite: tests/helpers/parent-store-suite.ts).
// Runs only with TEST_POSTGRES_URL (`node scripts/with-postgres.mjs npx jest tests/db`); a run that
// collects this file without the URL fails rather than skipping in silence.
import { parentStoreSuite } from '../helpers/parent-store-suite';
import { freshSchema } from '../helpers/pg-schema';

parentStoreSuite('PostgreSQL', async () => ({ dialect: 'postgres', url: await freshSchema('p'), poolMax: 4 }));
