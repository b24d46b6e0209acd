// Access records: every read of a family's personal data by staff, kept in the project's database
// (infra/database.ts), never in Temporal. Append-only and hash-chained: each record carries the hash of
// the one before it and its own hash over that and its canonical content (SHA-256), so `verify()` finds
// a record edited, removed or slipped in. Old records may be pruned only from the start of the chain,
// leaving an anchor (the last pruned record's sequence number and hash) the chain then starts from.
//
// What the chain cannot do alone: someone able to write the database could rewrite every record after
// the one they change, head included. Publishing `head()` now and then (a log line, an operator's note)
// makes such a rewrite visible against the published value.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Migration, Transaction } from 'kysely';
import { z } from 'zod';
import { instantMs, isIsoDateTime, toShanghaiIso } from '../domain/dates';
import type { Database, DatabaseDialect, ModuleSchema } from './database';

// ---- what a record says ---------------------------------------------------------------------------

/** The views of a case that show personal data. */
export const ACCESS_VIEWS = {
  case: '案件详情',
  audit: '办理记录',
  review: '审核',
  list: '案件列表',
  export: '导出',
  codec: '解码',
  /** a clerk's lookup of a mother's open family registration (生育登记, issue 18); caseId = the registration id */
  registration: '生育登记',
} as const;
export type AccessView = keyof typeof ACCESS_VIEWS;
export const AccessView = z.enum(Object.keys(ACCESS_VIEWS) as [AccessView, ...AccessView[]]);

/** Staff roles, as the identity provider's `role` claim names them. */
export const ACCESS_ROLES = {
  clerk: '医院登记员',
  officer: '部门审核员',
  admin: '运维管理员',
  hallClerk: '政务服务大厅窗口人员',
} as const;
export type AccessRole = keyof typeof ACCESS_ROLES;
export const AccessRole = z.enum(Object.keys(ACCESS_ROLES) as [AccessRole, ...AccessRole[]]);

const id = z.string().min(1).max(128).regex(/^[\p{L}\p{N}._:@/-]+$/u, 'letters, digits and . _ : @ / - only');
/** what an identity provider puts in a claim (`auth0|5f…`, an e-mail, a UUID): any text without control characters */
const claim = z.string().min(1).max(255).regex(/^[^\p{Cc}]+$/u, 'no control characters');

/** Who read: the token's subject, role and organisation (the shape of the API's staff claims). */
export const AccessActor = z.discriminatedUnion('role', [
  z.object({ sub: claim, role: z.literal('clerk'), hospitalId: claim }),
  z.object({ sub: claim, role: z.literal('officer'), agency: claim }),
  z.object({ sub: claim, role: z.literal('hallClerk'), hallId: claim }),
  z.object({ sub: claim, role: z.literal('admin') }),
]);
export type AccessActor = z.infer<typeof AccessActor>;

/** One read to record. */
export const AccessRead = z.object({
  actor: AccessActor,
  caseId: id,
  view: AccessView,
  /** the client address as the API sees it (req.ip), when known */
  clientAddress: z.string().min(1).max(64).optional(),
});
export type AccessRead = z.input<typeof AccessRead>;

/** A stored record, as the chain hashes it. */
export interface AccessRecord {
  seq: number;
  /** Asia/Shanghai, `2026-11-20T08:30:00.123+08:00` */
  at: string;
  subject: string;
  role: AccessRole;
  hospitalId: string | null;
  agency: string | null;
  hallId: string | null;
  caseId: string;
  view: AccessView;
  clientAddress: string | null;
  prevHash: string;
  hash: string;
}

/** What the parents' page shows of a read: the organisation, role and time; never who. */
export interface ParentAccessEntry {
  at: string;
  role: AccessRole;
  organisation: { kind: 'hospital'; hospitalId: string } | { kind: 'agency'; agency: string } | { kind: 'hall'; hallId: string } | { kind: 'operations' };
  view: AccessView;
}

const isoInstant = z.string().refine(isIsoDateTime, 'an ISO date-time with an offset, e.g. 2026-11-20T08:30:00+08:00');
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(10)]).optional();

/** A query of the records (the admin page's filters); every field optional. `from` inclusive, `to` exclusive. */
export const AccessQuery = z.object({
  caseId: id.optional(),
  subject: claim.optional(),
  role: oneOrMany(AccessRole),
  view: oneOrMany(AccessView),
  hospitalId: claim.optional(),
  agency: claim.optional(),
  hallId: claim.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type AccessQuery = z.input<typeof AccessQuery>;
export type AccessFilter = Omit<AccessQuery, 'limit' | 'offset'>;

export interface AccessPage {
  /** newest first */
  items: AccessRecord[];
  total: number;
  limit: number;
  offset: number;
}

export type ChainProblem =
  /** a record's content no longer gives its hash */
  | 'edited'
  /** a sequence number is absent: a record was removed (or records at the end, against the head) */
  | 'missing'
  /** a record's link does not name the hash of the record before it (that one replaced, or this one re-linked) */
  | 'broken-link'
  /** a record that the chain never appended: before the anchor, past the head, or not a whole sequence number */
  | 'inserted'
  /** the head (last sequence number and hash) does not match the last record */
  | 'head-mismatch';

export type VerifyReport =
  | { ok: true; records: number; firstSeq: number | null; lastSeq: number; headHash: string; anchor: { seq: number; hash: string } | null }
  | { ok: false; problem: ChainProblem; seq: number; message: string; recordsChecked: number };

export interface PruneReport {
  pruned: number;
  /** where the chain starts now (unchanged when nothing was old enough) */
  anchor: { seq: number; hash: string } | null;
}

export class AccessLogTamperedError extends Error {
  constructor(readonly report: Extract<VerifyReport, { ok: false }>) {
    super(`access log: ${report.message}`);
    this.name = 'AccessLogTamperedError';
  }
}

// ---- the chain -------------------------------------------------------------------------------------

/** The link before the first record ever appended. */
export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_VERSION = 'access-log/v1';

type RecordContent = Omit<AccessRecord, 'prevHash' | 'hash'>;

/** The canonical content of a record: a JSON array in a fixed order (no key order or spacing to vary). */
export function canonicalContent(r: RecordContent): string {
  return JSON.stringify([CHAIN_VERSION, r.seq, r.at, r.subject, r.role, r.hospitalId, r.agency, r.hallId, r.caseId, r.view, r.clientAddress]);
}

/** SHA-256 (hex) of the previous record's hash followed by this record's canonical content. */
export function recordHash(prevHash: string, r: RecordContent): string {
  return createHash('sha256').update(prevHash).update(canonicalContent(r)).digest('hex');
}

// ---- tables (owned by this module) ------------------------------------------------------------------

type AccessLogTable = {
  seq: number;
  at: string;
  subject: string;
  role: string;
  hospital_id: string | null;
  agency: string | null;
  hall_id: string | null;
  case_id: string;
  view: string;
  client_address: string | null;
  prev_hash: string;
  hash: string;
};
type AccessLogHeadTable = {
  id: number;
  seq: number;
  hash: string;
};
type AccessLogAnchorTable = {
  seq: number;
  hash: string;
  pruned_at: string;
  pruned_count: number;
};
type AccessLogTables = {
  access_log: AccessLogTable;
  access_log_head: AccessLogHeadTable;
  access_log_anchor: AccessLogAnchorTable;
};
type Db = Kysely<AccessLogTables>;
type Trx = Transaction<AccessLogTables>;

function migrations(dialect: DatabaseDialect): Record<string, Migration> {
  // `at` is compared as text (fixed-width Shanghai ISO times): PostgreSQL must compare bytes, not a locale's order.
  const textC = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    '0001-access-log': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('access_log')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .addColumn('at', textC, (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('hospital_id', 'text')
          .addColumn('agency', 'text')
          .addColumn('hall_id', 'text')
          .addColumn('case_id', 'text', (c) => c.notNull())
          .addColumn('view', 'text', (c) => c.notNull())
          .addColumn('client_address', 'text')
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('access_log_case_seq').on('access_log').columns(['case_id', 'seq']).execute();
        await db.schema.createIndex('access_log_subject_seq').on('access_log').columns(['subject', 'seq']).execute();
        await db.schema.createIndex('access_log_at').on('access_log').column('at').execute();
        await db.schema
          .createTable('access_log_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('access_log_anchor')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('pruned_at', 'text', (c) => c.notNull())
          .addColumn('pruned_count', 'bigint', (c) => c.notNull())
          .execute();
        await sql`insert into access_log_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
      },
    },
  };
}

/** This module's tables and migrations, for `database.migrate(accessLogSchema)`. */
export const accessLogSchema: ModuleSchema = { owner: 'access_log', migrations };

/** Settings from the environment; the lead folds these into infra/config.ts's Env. */
export const AccessLogEnv = z.object({
  /**
   * days access records are kept before pruning may remove them; at least 180 (the Cybersecurity Law,
   * art. 21, asks for network logs of at least six months)
   */
  ACCESS_LOG_RETENTION_DAYS: z.coerce.number().int().min(180).max(36_500).default(365),
});
export type AccessLogEnv = z.infer<typeof AccessLogEnv>;

// ---- the store ---------------------------------------------------------------------------------------

export interface AccessLogOptions {
  /** the clock (epoch ms); tests pass their own */
  now?: () => number;
}

export interface AccessLog {
  /**
   * Appends one read; resolves once it is stored (answer the read only then). Concurrent appends share a
   * transaction (group commit): each resolves once that transaction has committed, and all fail with it.
   */
  record(read: AccessRead): Promise<AccessRecord>;
  /** Appends several reads (a list's rows) in one transaction, in the order given, next to each other in the chain. */
  recordMany(reads: readonly AccessRead[]): Promise<AccessRecord[]>;
  /** Records matching the filters, newest first, a page at a time. */
  query(query?: AccessQuery): Promise<AccessPage>;
  forCase(caseId: string, query?: Omit<AccessQuery, 'caseId'>): Promise<AccessPage>;
  forSubject(subject: string, query?: Omit<AccessQuery, 'subject'>): Promise<AccessPage>;
  /** For the parents' page: who read the case as organisation, role and time (newest first, at most `limit`). */
  forParents(caseId: string, limit?: number): Promise<ParentAccessEntry[]>;
  /** The matching records as CSV (oldest first), in chunks: a header line, then pages of rows. */
  exportCsv(filter?: AccessFilter, options?: CsvOptions): AsyncGenerator<string, void, undefined>;
  /** Walks the chain from its anchor to its head; reports the first record that does not hold. */
  verify(): Promise<VerifyReport>;
  /** Removes records older than `olderThanDays` from the start of the chain (verified first; refused when broken). */
  prune(options: { olderThanDays: number }): Promise<PruneReport>;
  /** The last sequence number and hash: publish it to pin the chain. */
  head(): Promise<{ seq: number; hash: string }>;
}

const VERIFY_PAGE = 2000;
/** At most this many records in one group commit (well under SQLite's 32,766 parameters; one caller's list is never split). */
const GROUP_RECORDS = 500;
const EXPORT_PAGE = 1000;

/** The access log on an open database (migrated with `accessLogSchema`). */
export function createAccessLog(database: Database, options: AccessLogOptions = {}): AccessLog {
  const db: Db = database.db.withTables<AccessLogTables>();
  const now = options.now ?? Date.now;

  // Group commit: appends asked for in one turn of the event loop, or while a transaction is being written,
  // are written together in the next one (each caller's records in its order, callers in the order they
  // asked). A caller hears back only once that transaction has committed — so a read is still answered only
  // after its record is stored — and every caller in it hears of its failure. One transaction, one head
  // update and one sync to disk serve many concurrent reads instead of one each.
  type Parsed = z.output<typeof AccessRead>;
  const queue: Array<{ reads: Parsed[]; resolve: (records: AccessRecord[]) => void; reject: (err: unknown) => void }> = [];
  let writing = false;

  async function append(reads: readonly AccessRead[]): Promise<AccessRecord[]> {
    // a read that is not valid fails its own caller, never the group
    const parsed = reads.map((r) => AccessRead.parse(r));
    if (parsed.length === 0) return [];
    return new Promise<AccessRecord[]>((resolve, reject) => {
      queue.push({ reads: parsed, resolve, reject });
      scheduleDrain();
    });
  }

  function scheduleDrain(): void {
    if (writing) return;
    writing = true;
    setImmediate(() => { void drain(); });
  }

  async function drain(): Promise<void> {
    try {
      await drainQueue();
    } finally {
      writing = false;
      // appended between the queue's last check and here: written by the next drain
      if (queue.length > 0) scheduleDrain();
    }
  }

  async function drainQueue(): Promise<void> {
    while (queue.length > 0) {
      let size = 0;
      let callers = 0;
      while (callers < queue.length && (callers === 0 || size + (queue[callers]?.reads.length ?? 0) <= GROUP_RECORDS)) size += queue[callers++]?.reads.length ?? 0;
      const group = queue.splice(0, callers);
      try {
        const records = await appendNow(group.flatMap((g) => g.reads));
        let at = 0;
        for (const g of group) {
          g.resolve(records.slice(at, at + g.reads.length));
          at += g.reads.length;
        }
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
  }

  async function appendNow(parsed: readonly Parsed[]): Promise<AccessRecord[]> {
    return db.transaction().execute(async (trx) => {
      // Taking the head first makes appends from every process queue here: PostgreSQL locks the row,
      // SQLite takes the file's write lock (and waits up to the busy timeout for it).
      const head = await trx
        .updateTable('access_log_head')
        .set((eb) => ({ seq: eb('seq', '+', parsed.length) }))
        .where('id', '=', 1)
        .returning(['seq', 'hash'])
        .executeTakeFirstOrThrow();
      const at = toShanghaiIso(now());
      let prevHash = head.hash;
      let seq = Number(head.seq) - parsed.length;
      const records: AccessRecord[] = parsed.map((r) => {
        seq += 1;
        const content: RecordContent = {
          seq,
          at,
          subject: r.actor.sub,
          role: r.actor.role,
          hospitalId: r.actor.role === 'clerk' ? r.actor.hospitalId : null,
          agency: r.actor.role === 'officer' ? r.actor.agency : null,
          hallId: r.actor.role === 'hallClerk' ? r.actor.hallId : null,
          caseId: r.caseId,
          view: r.view,
          clientAddress: r.clientAddress ?? null,
        };
        const record = { ...content, prevHash, hash: recordHash(prevHash, content) };
        prevHash = record.hash;
        return record;
      });
      await trx.insertInto('access_log').values(records.map(toRow)).execute();
      await trx.updateTable('access_log_head').set({ hash: prevHash }).where('id', '=', 1).execute();
      return records;
    });
  }

  async function query(q: AccessQuery = {}): Promise<AccessPage> {
    const p = AccessQuery.parse(q);
    const base = filtered(db, p);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('seq', 'desc').limit(p.limit).offset(p.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(fromRow), total: Number(count.n), limit: p.limit, offset: p.offset };
  }

  async function verify(): Promise<VerifyReport> {
    // One snapshot: appends made meanwhile are neither half-seen nor mistaken for insertions.
    const tx = database.dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only') : db.transaction();
    return tx.execute((trx) => verifyIn(trx));
  }

  return {
    record: async (read) => (await append([read]))[0] as AccessRecord,
    recordMany: append,
    query,
    forCase: (caseId, q = {}) => query({ ...q, caseId }),
    forSubject: (subject, q = {}) => query({ ...q, subject }),
    async forParents(caseId, limit = 100) {
      const page = await query({ caseId, limit: Math.min(Math.max(1, limit), 500) });
      return page.items.map((r) => ({ at: r.at, role: r.role, organisation: organisationOf(r), view: r.view }));
    },
    async *exportCsv(filter = {}, options = {}) {
      const p = AccessQuery.parse({ ...filter });
      yield `${options.bom ? '\uFEFF' : ''}${csvLine(CSV_COLUMNS)}`;
      let after = 0;
      for (;;) {
        const rows = await filtered(db, p).selectAll().where('seq', '>', after).orderBy('seq', 'asc').limit(EXPORT_PAGE).execute();
        if (rows.length === 0) return;
        yield rows.map((row) => csvLine(csvRow(fromRow(row)))).join('');
        after = Number(rows[rows.length - 1]?.seq);
      }
    },
    verify,
    async prune({ olderThanDays }) {
      if (!Number.isInteger(olderThanDays) || olderThanDays < 1) throw new RangeError('access log: olderThanDays must be a whole number of days, at least 1');
      const report = await verify();
      if (!report.ok) throw new AccessLogTamperedError(report);
      const cutoff = toShanghaiIso(now() - olderThanDays * 86_400_000);
      return db.transaction().execute(async (trx) => {
        // the head's lock keeps appends out while the start of the chain moves
        const head = await trx.updateTable('access_log_head').set((eb) => ({ seq: eb('seq', '+', 0) })).where('id', '=', 1).returning(['seq', 'hash']).executeTakeFirstOrThrow();
        const anchor = await currentAnchor(trx);
        // only what verify saw, and only from the start: up to the first record that is not old enough
        const firstKept = await trx.selectFrom('access_log').select('seq').where('at', '>=', cutoff).orderBy('seq', 'asc').limit(1).executeTakeFirst();
        const lastPruned = Math.min(firstKept ? Number(firstKept.seq) - 1 : Number(head.seq), report.lastSeq);
        if (lastPruned <= (anchor?.seq ?? 0)) return { pruned: 0, anchor };
        const last = await trx.selectFrom('access_log').select(['seq', 'hash']).where('seq', '=', lastPruned).executeTakeFirstOrThrow();
        const removed = await trx.deleteFrom('access_log').where('seq', '<=', lastPruned).executeTakeFirst();
        const pruned = Number(removed.numDeletedRows);
        const next = { seq: Number(last.seq), hash: last.hash };
        await trx.insertInto('access_log_anchor').values({ seq: next.seq, hash: next.hash, pruned_at: toShanghaiIso(now()), pruned_count: pruned }).execute();
        return { pruned, anchor: next };
      });
    },
    async head() {
      const h = await db.selectFrom('access_log_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { seq: Number(h.seq), hash: h.hash };
    },
  };
}

function filtered(db: Db, p: z.output<typeof AccessQuery>) {
  let q = db.selectFrom('access_log');
  if (p.caseId !== undefined) q = q.where('case_id', '=', p.caseId);
  if (p.subject !== undefined) q = q.where('subject', '=', p.subject);
  if (p.hospitalId !== undefined) q = q.where('hospital_id', '=', p.hospitalId);
  if (p.agency !== undefined) q = q.where('agency', '=', p.agency);
  if (p.hallId !== undefined) q = q.where('hall_id', '=', p.hallId);
  if (p.role !== undefined) q = q.where('role', 'in', [p.role].flat());
  if (p.view !== undefined) q = q.where('view', 'in', [p.view].flat());
  // stored times are all +08:00 and fixed width, so they compare as text
  if (p.from !== undefined) q = q.where('at', '>=', toShanghaiIso(instantMs(p.from)));
  if (p.to !== undefined) q = q.where('at', '<', toShanghaiIso(instantMs(p.to)));
  return q;
}

async function currentAnchor(trx: Trx | Db): Promise<{ seq: number; hash: string } | null> {
  const a = await trx.selectFrom('access_log_anchor').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return a ? { seq: Number(a.seq), hash: a.hash } : null;
}

async function verifyIn(trx: Trx): Promise<VerifyReport> {
  const anchor = await currentAnchor(trx);
  const head = await trx.selectFrom('access_log_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const fail = (problem: ChainProblem, seq: number, message: string, recordsChecked: number): VerifyReport => ({ ok: false, problem, seq, message, recordsChecked });
  if (!head) return fail('head-mismatch', 0, 'the head row is gone', 0);
  const start = anchor?.seq ?? 0;
  const early = await trx.selectFrom('access_log').select('seq').where('seq', '<=', start).orderBy('seq', 'asc').limit(1).executeTakeFirst();
  if (early) return fail('inserted', Number(early.seq), `record ${early.seq} lies before the chain's anchor (${start})`, 0);

  let prevSeq = start;
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let checked = 0;
  let firstSeq: number | null = null;
  for (;;) {
    const rows = await trx.selectFrom('access_log').selectAll().where('seq', '>', prevSeq).orderBy('seq', 'asc').limit(VERIFY_PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (!Number.isSafeInteger(seq)) return fail('inserted', seq, `record ${String(row.seq)} has no whole sequence number`, checked);
      if (seq > Number(head.seq)) return fail('inserted', seq, `record ${seq} lies past the head (${head.seq})`, checked);
      if (seq !== prevSeq + 1) return fail('missing', prevSeq + 1, `record ${prevSeq + 1} is missing (the next present is ${seq})`, checked);
      const record = fromRow(row);
      if (record.prevHash !== prevHash) {
        return fail('broken-link', seq, `record ${seq} does not link to ${prevSeq === start && anchor ? `the anchor (${start})` : `record ${prevSeq}`}: one of them was replaced or re-linked`, checked);
      }
      if (recordHash(prevHash, record) !== record.hash) return fail('edited', seq, `record ${seq} was edited: its content no longer gives its hash`, checked);
      firstSeq ??= seq;
      prevSeq = seq;
      prevHash = record.hash;
      checked += 1;
    }
  }
  if (prevSeq < Number(head.seq)) return fail('missing', prevSeq + 1, `records ${prevSeq + 1}–${head.seq} are missing from the end`, checked);
  if (prevHash !== head.hash) return fail('head-mismatch', prevSeq, `the head's hash does not match record ${prevSeq}`, checked);
  return { ok: true, records: checked, firstSeq, lastSeq: prevSeq, headHash: prevHash, anchor };
}

function toRow(r: AccessRecord): AccessLogTable {
  return {
    seq: r.seq,
    at: r.at,
    subject: r.subject,
    role: r.role,
    hospital_id: r.hospitalId,
    agency: r.agency,
    hall_id: r.hallId,
    case_id: r.caseId,
    view: r.view,
    client_address: r.clientAddress,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

function fromRow(row: AccessLogTable): AccessRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    subject: row.subject,
    role: row.role as AccessRole,
    hospitalId: row.hospital_id,
    agency: row.agency,
    hallId: row.hall_id,
    caseId: row.case_id,
    view: row.view as AccessView,
    clientAddress: row.client_address,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function organisationOf(r: AccessRecord): ParentAccessEntry['organisation'] {
  if (r.hospitalId !== null) return { kind: 'hospital', hospitalId: r.hospitalId };
  if (r.agency !== null) return { kind: 'agency', agency: r.agency };
  if (r.hallId !== null) return { kind: 'hall', hallId: r.hallId };
  return { kind: 'operations' };
}

// ---- CSV ------------------------------------------------------------------------------------------

export interface CsvOptions {
  /** start with a UTF-8 byte-order mark (Excel on Chinese Windows then reads UTF-8) */
  bom?: boolean;
}

export const CSV_COLUMNS = ['seq', 'at', 'subject', 'role', 'hospitalId', 'agency', 'hallId', 'caseId', 'view', 'clientAddress', 'prevHash', 'hash'] as const;

function csvRow(r: AccessRecord): string[] {
  return CSV_COLUMNS.map((c) => {
    const v = r[c];
    return v === null ? '' : String(v);
  });
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A cell a
 * spreadsheet would run as a formula (starting with = + - @, or a tab or CR) gets a leading `'`.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Records as one CSV text (header first, CRLF line ends). */
export function toCsv(records: readonly AccessRecord[], options: CsvOptions = {}): string {
  return `${options.bom ? '\uFEFF' : ''}${csvLine(CSV_COLUMNS)}${records.map((r) => csvLine(csvRow(r))).join('')}`;
}
