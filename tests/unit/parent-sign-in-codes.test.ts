// The parents' sign-in codes and sessions on SQLite (the suite: tests/helpers/parent-store-suite.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentStoreSuite } from '../helpers/parent-store-suite';

parentStoreSuite('SQLite', async () => ({ dialect: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'parent-codes-')), 'app.sqlite') }));
