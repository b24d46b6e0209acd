// The access log on SQLite in a temp dir (the embedded default), the database module around it, and the
// CSV cells. The same behaviour on PostgreSQL: tests/db/access-log.pg.test.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { accessLogSchema, createAccessLog, csvCell, toCsv } from '../../infra/access-log';
import type { AccessRecord } from '../../infra/access-log';
import { databaseOptionsFromEnv, openDatabase, openMigratedDatabase, pingDatabase } from '../../infra/database';
import { accessLogSuite, clerkRead } from '../helpers/access-log-suite';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

accessLogSuite('SQLite', () => Promise.resolve(openDatabase({ dialect: 'sqlite', file: join(freshDir(), 'app.sqlite') })));

describe('the access log across processes on one SQLite file', () => {
  it('when two processes append at once, then the chain stays whole (each waits for the other)', async () => {
    const file = join(freshDir(), 'nested', 'app.sqlite');
    // each writer's exit code with what it printed, so that a failure says why
    const writer = (label: string) =>
      new Promise<{ code: number | null; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/access-log-writer.ts', file, '40', label], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
        child.on('error', fail);
        child.on('close', (code) => done({ code, stderr }));
      });
    await expect(Promise.all([writer('a'), writer('b')])).resolves.toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    const database = await openMigratedDatabase({ dialect: 'sqlite', file }, accessLogSchema);
    try {
      const log = createAccessLog(database);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 80, lastSeq: 80 });
      await expect(log.forSubject('clerk.a')).resolves.toMatchObject({ total: 40 });
    } finally {
      await database.close();
    }
  });

  it('when the process starts again on the same file, then the records and the chain are still there', async () => {
    const file = join(freshDir(), 'app.sqlite');
    const first = await openMigratedDatabase({ dialect: 'sqlite', file }, accessLogSchema);
    await createAccessLog(first).record(clerkRead('case-a'));
    await first.close();
    const again = await openMigratedDatabase({ dialect: 'sqlite', file }, accessLogSchema);
    try {
      await expect(createAccessLog(again).verify()).resolves.toMatchObject({ ok: true, records: 1 });
    } finally {
      await again.close();
    }
  });
});

describe('the database module', () => {
  it('when DATABASE_URL is unset, then SQLite under the data dir; when set, PostgreSQL with the deadlines', () => {
    expect(databaseOptionsFromEnv({}, '/srv/data')).toEqual({ dialect: 'sqlite', file: '/srv/data/app.sqlite', statementTimeoutMs: 10_000 });
    expect(databaseOptionsFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/bot', DATABASE_STATEMENT_TIMEOUT_MS: '2500' }, '/srv/data')).toEqual({
      dialect: 'postgres', url: 'postgres://u:p@db:5432/bot', statementTimeoutMs: 2500, connectTimeoutMs: 5000, poolMax: 10,
    });
    expect(() => databaseOptionsFromEnv({ DATABASE_URL: 'mysql://db/bot' }, '/srv/data')).toThrow(/postgres/);
  });

  it('when modules migrate, then each keeps its own migration table and a second run applies nothing', async () => {
    const database = openDatabase({ dialect: 'sqlite', file: join(freshDir(), 'app.sqlite') });
    try {
      const readModel = {
        owner: 'read_model',
        migrations: () => ({
          '0001-cases': { up: async (db: Kysely<unknown>) => { await db.schema.createTable('read_model_case').addColumn('case_id', 'text', (c) => c.primaryKey()).execute(); } },
        }),
      };
      await expect(database.migrate(accessLogSchema, readModel)).resolves.toEqual([
        { owner: 'access_log', applied: ['0001-access-log'] },
        { owner: 'read_model', applied: ['0001-cases'] },
      ]);
      await expect(database.migrate(accessLogSchema, readModel)).resolves.toEqual([
        { owner: 'access_log', applied: [] },
        { owner: 'read_model', applied: [] },
      ]);
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 'migrations_%' order by name`.execute(database.db);
      expect(tables.rows.map((r) => r.name)).toEqual(['migrations_access_log', 'migrations_access_log_lock', 'migrations_read_model', 'migrations_read_model_lock']);
      await expect(database.migrate({ owner: 'Bad Name', migrations: () => ({}) })).rejects.toThrow(/owner/);
      await expect(pingDatabase(database)).resolves.toBe(true);
    } finally {
      await database.close();
    }
    await expect(pingDatabase(database)).resolves.toBe(false);
  });

  it('when a migration fails, then the error names the module and the migration, and nothing of it stays', async () => {
    const database = openDatabase({ dialect: 'sqlite', file: join(freshDir(), 'app.sqlite') });
    try {
      const broken = {
        owner: 'broken',
        migrations: () => ({
          '0001-bad': {
            up: async (db: Kysely<unknown>) => {
              await db.schema.createTable('half_made').addColumn('x', 'text').execute();
              await sql`this is not sql`.execute(db);
            },
          },
        }),
      };
      await expect(database.migrate(broken)).rejects.toThrow(/migrating broken \(0001-bad\) failed/);
      const left = await sql<{ name: string }>`select name from sqlite_master where name = 'half_made'`.execute(database.db);
      expect(left.rows).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+86 531', "'+86 531"],
    ['-1+1', "'-1+1"],
    ['@cmd', "'@cmd"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['', ''],
    ['名字,含逗号', '"名字,含逗号"'],
  ])('when a cell holds %j, then it is written %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('when records become a CSV, then it has a header, CRLF line ends and empty cells for nulls', () => {
    const record: AccessRecord = {
      seq: 7, at: '2026-11-20T08:00:00.000+08:00', subject: 'a,"b"', role: 'admin', hospitalId: null, agency: null, hallId: null,
      caseId: 'case-1', view: 'export', clientAddress: null, prevHash: 'p', hash: 'h',
    };
    expect(toCsv([record])).toBe('seq,at,subject,role,hospitalId,agency,hallId,caseId,view,clientAddress,prevHash,hash\r\n7,2026-11-20T08:00:00.000+08:00,"a,""b""",admin,,,,case-1,export,,p,h\r\n');
  });
});
