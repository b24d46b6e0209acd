// The access log's behaviour, as one suite run on each database the project supports: SQLite in a temp
// dir (tests/unit/access-log.test.ts) and PostgreSQL when TEST_POSTGRES_URL is set
// (tests/db/access-log.pg.test.ts). Tampering goes straight through SQL, as someone with the database's
// password would.
import { sql } from 'kysely';
import { AccessLogTamperedError, accessLogSchema, createAccessLog, GENESIS_HASH, recordHash } from '../../infra/access-log';
import type { AccessLog, AccessRead } from '../../infra/access-log';
import type { Database } from '../../infra/database';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T08:00:00+08:00');

export const clerkRead = (caseId: string, view: AccessRead['view'] = 'case', hospitalId = 'H0001'): AccessRead => ({
  actor: { sub: `clerk.${hospitalId}`, role: 'clerk', hospitalId },
  caseId,
  view,
  clientAddress: '127.0.0.1',
});
const officerRead = (caseId: string): AccessRead => ({ actor: { sub: 'officer.publicSecurity', role: 'officer', agency: 'publicSecurity' }, caseId, view: 'review', clientAddress: '10.0.0.7' });
const adminRead = (caseId: string): AccessRead => ({ actor: { sub: 'admin', role: 'admin' }, caseId, view: 'codec' });
const hallRead = (caseId: string): AccessRead => ({ actor: { sub: 'hall.JN-HALL-01', role: 'hallClerk', hallId: 'JN-HALL-01' }, caseId, view: 'case', clientAddress: '::1' });

export function accessLogSuite(name: string, open: () => Promise<Database>): void {
  describe(`access log (${name})`, () => {
    let database: Database;
    let clock: number;
    let log: AccessLog;
    const raw = (q: ReturnType<typeof sql>) => q.execute(database.db);

    beforeEach(async () => {
      database = await open();
      await database.migrate(accessLogSchema);
      clock = T0;
      log = createAccessLog(database, { now: () => clock });
    });
    afterEach(async () => {
      await database.close();
    });

    async function seed(n: number, caseId = 'case-a'): Promise<void> {
      for (let i = 0; i < n; i++) {
        await log.record(clerkRead(caseId));
        clock += 1000;
      }
    }

    it('when the chain is empty, then it verifies and its head is the genesis link', async () => {
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 0, lastSeq: 0, headHash: GENESIS_HASH });
      await expect(log.head()).resolves.toEqual({ seq: 0, hash: GENESIS_HASH });
    });

    it('when reads are recorded, then they read back per case and per user, newest first, with Shanghai times', async () => {
      await log.record(clerkRead('case-a'));
      clock += 60_000;
      await log.record(officerRead('case-a'));
      clock += 60_000;
      await log.record(clerkRead('case-b', 'audit'));
      clock += 60_000;
      await log.record(adminRead('case-a'));
      await log.record(hallRead('case-a'));

      const a = await log.forCase('case-a');
      expect(a.total).toBe(4);
      expect(a.items.map((r) => r.seq)).toEqual([5, 4, 2, 1]);
      expect(a.items[3]).toMatchObject({
        seq: 1, at: '2026-11-20T08:00:00.000+08:00', subject: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001', agency: null, hallId: null,
        caseId: 'case-a', view: 'case', clientAddress: '127.0.0.1', prevHash: GENESIS_HASH,
      });
      expect(a.items[2]).toMatchObject({ role: 'officer', agency: 'publicSecurity', hospitalId: null, view: 'review' });
      expect(a.items[1]).toMatchObject({ role: 'admin', hospitalId: null, agency: null, hallId: null, clientAddress: null, view: 'codec' });
      expect(a.items[0]).toMatchObject({ role: 'hallClerk', hallId: 'JN-HALL-01' });

      const clerk = await log.forSubject('clerk.H0001');
      expect(clerk.items.map((r) => [r.seq, r.caseId])).toEqual([[3, 'case-b'], [1, 'case-a']]);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 5, firstSeq: 1, lastSeq: 5 });
    });

    it('when the admin filters by time, view and role and pages, then only matching records come, with the total', async () => {
      for (let i = 0; i < 7; i++) {
        await log.record(clerkRead('case-p', i % 2 === 0 ? 'case' : 'audit'));
        clock += DAY;
      }
      await log.record(officerRead('case-p'));

      const views = await log.query({ caseId: 'case-p', view: 'audit' });
      expect(views.items.map((r) => r.seq)).toEqual([6, 4, 2]);
      const roles = await log.query({ caseId: 'case-p', role: ['officer', 'admin'] });
      expect(roles.items.map((r) => r.seq)).toEqual([8]);
      // 2026-11-21 08:00 (+08:00) inclusive to 2026-11-23 00:00Z exclusive: the 2nd and 3rd records
      const range = await log.query({ from: '2026-11-21T08:00:00+08:00', to: '2026-11-23T00:00:00Z' });
      expect(range.items.map((r) => r.seq)).toEqual([3, 2]);
      const page = await log.forCase('case-p', { limit: 3, offset: 3 });
      expect(page).toMatchObject({ total: 8, limit: 3, offset: 3 });
      expect(page.items.map((r) => r.seq)).toEqual([5, 4, 3]);
      const org = await log.query({ agency: 'publicSecurity' });
      expect(org.items.map((r) => r.seq)).toEqual([8]);
    });

    it('when a list shows several cases, then one transaction records a read per row, in order', async () => {
      const records = await log.recordMany([clerkRead('case-1', 'list'), clerkRead('case-2', 'list'), clerkRead('case-3', 'list')]);
      expect(records.map((r) => [r.seq, r.caseId])).toEqual([[1, 'case-1'], [2, 'case-2'], [3, 'case-3']]);
      expect(records[1]?.prevHash).toBe(records[0]?.hash);
      await expect(log.recordMany([])).resolves.toEqual([]);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 3 });
    });

    it('when a read names no organisation for its role, or an unknown view, then nothing is recorded', async () => {
      await expect(log.record({ actor: { sub: 'x', role: 'clerk' } as never, caseId: 'case-a', view: 'case' })).rejects.toThrow();
      await expect(log.record({ ...clerkRead('case-a'), view: 'everything' as never })).rejects.toThrow();
      await expect(log.record({ ...clerkRead('case-a'), caseId: "a'; drop table access_log; --" })).rejects.toThrow();
      await expect(log.head()).resolves.toMatchObject({ seq: 0 });
    });

    it('when many reads are recorded at once, then the chain stays whole and gapless', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => log.record(clerkRead(`case-${i % 5}`))));
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 40, lastSeq: 40 });
    });

    it('when reads are recorded at once, then they are written together, each caller gets its own records in order; when that write fails, every one of them is refused and the log goes on', async () => {
      const [one, list, other] = await Promise.all([
        log.record(clerkRead('case-g1')),
        log.recordMany([clerkRead('case-g2', 'list'), clerkRead('case-g3', 'list')]),
        log.record(hallRead('case-g4')),
      ]);
      expect([one, ...list, other].map((r) => [r.seq, r.caseId])).toEqual([[1, 'case-g1'], [2, 'case-g2'], [3, 'case-g3'], [4, 'case-g4']]);
      await raw(sql`alter table access_log rename to access_log_away`);
      const refused = await Promise.allSettled([log.record(clerkRead('case-g5')), log.recordMany([clerkRead('case-g6', 'list')]), log.record(officerRead('case-g7'))]);
      expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      await raw(sql`alter table access_log_away rename to access_log`);
      await expect(log.head()).resolves.toMatchObject({ seq: 4 });
      await expect(log.record(clerkRead('case-g8'))).resolves.toMatchObject({ seq: 5, caseId: 'case-g8' });
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 5, lastSeq: 5 });
    });

    it('when the parents look at their case, then they see organisation, role, view and time, never who or from where', async () => {
      await log.record(clerkRead('case-f'));
      clock += 1000;
      await log.record(officerRead('case-f'));
      clock += 1000;
      await log.record(adminRead('case-f'));
      await log.record(hallRead('case-f'));
      await log.record(clerkRead('case-other', 'case', 'H0002'));
      const entries = await log.forParents('case-f');
      expect(entries).toEqual([
        { at: '2026-11-20T08:00:02.000+08:00', role: 'hallClerk', organisation: { kind: 'hall', hallId: 'JN-HALL-01' }, view: 'case' },
        { at: '2026-11-20T08:00:02.000+08:00', role: 'admin', organisation: { kind: 'operations' }, view: 'codec' },
        { at: '2026-11-20T08:00:01.000+08:00', role: 'officer', organisation: { kind: 'agency', agency: 'publicSecurity' }, view: 'review' },
        { at: '2026-11-20T08:00:00.000+08:00', role: 'clerk', organisation: { kind: 'hospital', hospitalId: 'H0001' }, view: 'case' },
      ]);
      const text = JSON.stringify(entries);
      for (const secret of ['clerk.H0001', 'officer.publicSecurity', '127.0.0.1', '10.0.0.7', 'hall.JN-HALL-01']) expect(text).not.toContain(secret);
    });

    describe('tampering', () => {
      it('when a record is edited in place, then verify names it', async () => {
        await seed(5);
        await raw(sql`update access_log set case_id = 'case-z' where seq = 3`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'edited', seq: 3, recordsChecked: 2 });
      });

      it('when a record is edited and its hash recomputed, then the next record no longer links to it', async () => {
        await seed(5);
        const rows = await raw(sql`select * from access_log where seq = 3`);
        const row = rows.rows[0] as Record<string, unknown>;
        const forged = {
          seq: 3, at: String(row.at), subject: 'someone-else', role: 'clerk' as const, hospitalId: 'H0001', agency: null, hallId: null,
          caseId: String(row.case_id), view: 'case' as const, clientAddress: '127.0.0.1',
        };
        await raw(sql`update access_log set subject = ${forged.subject}, hash = ${recordHash(String(row.prev_hash), forged)} where seq = 3`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'broken-link', seq: 4 });
      });

      it('when a record in the middle is deleted, then verify says which is missing', async () => {
        await seed(5);
        await raw(sql`delete from access_log where seq = 2`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'missing', seq: 2, recordsChecked: 1 });
      });

      it('when the last records are deleted, then the head shows them missing', async () => {
        await seed(5);
        await raw(sql`delete from access_log where seq >= 4`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'missing', seq: 4 });
      });

      it('when the first records are deleted without pruning, then verify says the chain lost its start', async () => {
        await seed(5);
        await raw(sql`delete from access_log where seq <= 2`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'missing', seq: 1 });
      });

      it('when a well-formed record is inserted through SQL, then verify finds it past the head', async () => {
        await seed(3);
        const last = (await raw(sql`select hash from access_log where seq = 3`)).rows[0] as { hash: string };
        const content = { seq: 4, at: '2026-11-20T09:00:00.000+08:00', subject: 'forger', role: 'clerk' as const, hospitalId: 'H0001', agency: null, hallId: null, caseId: 'case-a', view: 'case' as const, clientAddress: null };
        await raw(sql`insert into access_log (seq, at, subject, role, hospital_id, case_id, view, prev_hash, hash)
          values (4, ${content.at}, 'forger', 'clerk', 'H0001', 'case-a', 'case', ${last.hash}, ${recordHash(last.hash, content)})`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'inserted', seq: 4 });
      });

      it('when a deleted record is replaced by a forged one, then the link of the next record gives it away', async () => {
        await seed(4);
        const prev = (await raw(sql`select hash from access_log where seq = 1`)).rows[0] as { hash: string };
        await raw(sql`delete from access_log where seq = 2`);
        const content = { seq: 2, at: '2026-11-20T08:00:01.000+08:00', subject: 'forger', role: 'clerk' as const, hospitalId: 'H0001', agency: null, hallId: null, caseId: 'case-a', view: 'case' as const, clientAddress: null };
        await raw(sql`insert into access_log (seq, at, subject, role, hospital_id, case_id, view, prev_hash, hash)
          values (2, ${content.at}, 'forger', 'clerk', 'H0001', 'case-a', 'case', ${prev.hash}, ${recordHash(prev.hash, content)})`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'broken-link', seq: 3 });
      });

      it('when the head is rewound, then the records past it count as inserted', async () => {
        await seed(3);
        await raw(sql`update access_log_head set seq = 2 where id = 1`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'inserted', seq: 3 });
      });
    });

    describe('retention', () => {
      it('when records pass the retention period, then they are pruned from the start and the chain still verifies', async () => {
        await seed(3, 'case-old');
        clock = T0 + 20 * DAY;
        await seed(2, 'case-new');
        clock = T0 + 40 * DAY;

        const report = await log.prune({ olderThanDays: 30 });
        expect(report.pruned).toBe(3);
        expect(report.anchor?.seq).toBe(3);
        await expect(log.forCase('case-old')).resolves.toMatchObject({ total: 0 });
        await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 2, firstSeq: 4, lastSeq: 5, anchor: { seq: 3 } });

        await log.record(clerkRead('case-new'));
        await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 3, lastSeq: 6 });
        await expect(log.prune({ olderThanDays: 30 })).resolves.toMatchObject({ pruned: 0, anchor: { seq: 3 } });
      });

      it('when everything is old, then all is pruned and the next record links to the anchor', async () => {
        await seed(3);
        clock += 10 * DAY;
        await expect(log.prune({ olderThanDays: 5 })).resolves.toMatchObject({ pruned: 3, anchor: { seq: 3 } });
        await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 0, lastSeq: 3 });
        const next = await log.record(clerkRead('case-a'));
        expect(next.seq).toBe(4);
        await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 1, firstSeq: 4 });
      });

      it('when an old record sits after a newer one, then pruning stops at the newer one (only from the start)', async () => {
        await seed(2);
        clock = T0 + 50 * DAY;
        await seed(1);
        clock = T0 + 60 * DAY;
        // the third record is 10 days old: pruning at 30 days takes the first two only
        await expect(log.prune({ olderThanDays: 30 })).resolves.toMatchObject({ pruned: 2, anchor: { seq: 2 } });
      });

      it('when the first record after the anchor is deleted, then verify says it is missing', async () => {
        await seed(4);
        clock += 40 * DAY;
        await log.record(clerkRead('case-a'));
        await log.prune({ olderThanDays: 30 });
        await log.record(clerkRead('case-a'));
        await raw(sql`delete from access_log where seq = 5`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'missing', seq: 5 });
      });

      it('when the chain is broken, then pruning is refused and deletes nothing', async () => {
        await seed(4);
        await raw(sql`update access_log set view = 'audit' where seq = 2`);
        clock += 40 * DAY;
        await expect(log.prune({ olderThanDays: 30 })).rejects.toBeInstanceOf(AccessLogTamperedError);
        const count = (await raw(sql`select count(*) as n from access_log`)).rows[0] as { n: number | string };
        expect(Number(count.n)).toBe(4);
      });

      it('when a pruned record is put back, then verify finds it before the anchor', async () => {
        await seed(3);
        clock += 40 * DAY;
        await log.prune({ olderThanDays: 30 });
        await raw(sql`insert into access_log (seq, at, subject, role, hospital_id, case_id, view, prev_hash, hash)
          values (1, '2026-11-20T08:00:00.000+08:00', 'clerk.H0001', 'clerk', 'H0001', 'case-a', 'case', ${GENESIS_HASH}, 'x')`);
        await expect(log.verify()).resolves.toMatchObject({ ok: false, problem: 'inserted', seq: 1 });
      });

      it('when the retention is not a whole number of days, then pruning is refused', async () => {
        await expect(log.prune({ olderThanDays: 0 })).rejects.toThrow(RangeError);
        await expect(log.prune({ olderThanDays: 1.5 })).rejects.toThrow(RangeError);
      });
    });

    it('when the records are exported, then the CSV holds every matching record oldest first, escaped', async () => {
      await log.record(clerkRead('case-x'));
      await log.record({ actor: { sub: '@evil', role: 'admin' }, caseId: 'case-x', view: 'export' });
      await log.record({ actor: { sub: '=HYPERLINK("http://x","y")', role: 'admin' }, caseId: 'case-x', view: 'export' });
      await log.record(clerkRead('case-y'));
      let csv = '';
      for await (const chunk of log.exportCsv({ caseId: 'case-x' }, { bom: true })) csv += chunk;
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe('\uFEFFseq,at,subject,role,hospitalId,agency,hallId,caseId,view,clientAddress,prevHash,hash');
      expect(lines).toHaveLength(5);
      expect(lines[1]).toMatch(/^1,2026-11-20T08:00:00\.000\+08:00,clerk\.H0001,clerk,H0001,,,case-x,case,127\.0\.0\.1,0{64},[0-9a-f]{64}$/);
      expect(lines[2]).toMatch(/^2,[^,]+,'@evil,admin,,,,case-x,export,,/);
      expect(lines[3]).toMatch(/^3,[^,]+,"'=HYPERLINK\(""http:\/\/x"",""y""\)",admin,/);
      expect(lines[4]).toBe('');
    });

    it('when the database is migrated again, then nothing is applied twice and records stay', async () => {
      await seed(2);
      await expect(database.migrate(accessLogSchema)).resolves.toEqual([{ owner: 'access_log', applied: [] }]);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 2 });
    });
  });
}
