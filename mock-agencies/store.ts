// Durable state of the mock agencies: one SQLite file in WAL mode. Every effect (a record, the stored
// answer to an idempotency key, a review, a timed event, a callback to send) is written in the same
// synchronous transaction as the answer, so a kill -9 leaves either all of it or none of it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgencyName } from '../activities/agency.types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS idempotent_answers (
  agency TEXT NOT NULL,
  operation TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (agency, operation, idempotency_key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency TEXT NOT NULL,
  service TEXT NOT NULL,
  case_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  subject TEXT,
  state TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (agency, idempotency_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS records_subject ON records (agency, subject) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_case ON records (case_id);

CREATE TABLE IF NOT EXISTS citizen_ids (
  citizen_id TEXT PRIMARY KEY,
  region_code TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  record_id INTEGER NOT NULL UNIQUE REFERENCES records (id),
  UNIQUE (region_code, birth_date, sequence)
);

CREATE TABLE IF NOT EXISTS reviews (
  review_id TEXT PRIMARY KEY,
  record_id INTEGER NOT NULL UNIQUE REFERENCES records (id),
  case_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  decision_reason TEXT,
  officer_id TEXT,
  created_at TEXT NOT NULL,
  sla_due_at TEXT NOT NULL,
  decided_at TEXT
);

CREATE TABLE IF NOT EXISTS scheduled_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  record_id INTEGER NOT NULL REFERENCES records (id),
  due_at_ms INTEGER NOT NULL,
  done_at TEXT
);
CREATE INDEX IF NOT EXISTS scheduled_events_due ON scheduled_events (due_at_ms) WHERE done_at IS NULL;

CREATE TABLE IF NOT EXISTS callbacks (
  event_id TEXT PRIMARY KEY,
  agency TEXT NOT NULL,
  type TEXT NOT NULL,
  case_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  delivered_at TEXT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (next_attempt_at_ms) WHERE delivered_at IS NULL;
`;

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a committed record (an issued ID number, a card) survives a power cut; under NORMAL the last
  // commits could be lost and the same request would then issue a second ID.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

export interface StoredAnswer { requestHash: string; status: number; body: unknown }

export interface RecordRow<S = unknown, D = unknown> {
  id: number;
  agency: AgencyName;
  service: string;
  caseId: string;
  idempotencyKey: string;
  state: S;
  data: D;
}

interface RawRecord {
  id: number;
  agency: AgencyName;
  service: string;
  case_id: string;
  idempotency_key: string;
  state: string;
  data: string;
}

interface RecordCount { agency: string; service: string; caseId: string; count: number }

function toRecord<S, D>(row: RawRecord | undefined): RecordRow<S, D> | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    agency: row.agency,
    service: row.service,
    caseId: row.case_id,
    idempotencyKey: row.idempotency_key,
    state: JSON.parse(row.state) as S,
    data: JSON.parse(row.data) as D,
  };
}

/** The statements every agency shares. Agency-specific tables are queried by their own routes. */
export class MockStore {
  private readonly stmt;

  constructor(readonly db: Db) {
    this.stmt = {
      getAnswer: db.prepare<[AgencyName, string, string], { request_hash: string; status: number; body: string }>(
        'SELECT request_hash, status, body FROM idempotent_answers WHERE agency = ? AND operation = ? AND idempotency_key = ?',
      ),
      putAnswer: db.prepare(
        'INSERT INTO idempotent_answers (agency, operation, idempotency_key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertRecord: db.prepare(
        'INSERT INTO records (agency, service, case_id, idempotency_key, subject, state, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateState: db.prepare('UPDATE records SET state = ?, updated_at = ? WHERE id = ?'),
      byId: db.prepare<[number], RawRecord>('SELECT * FROM records WHERE id = ?'),
      byKey: db.prepare<[AgencyName, string], RawRecord>('SELECT * FROM records WHERE agency = ? AND idempotency_key = ?'),
      bySubject: db.prepare<[AgencyName, string], RawRecord>('SELECT * FROM records WHERE agency = ? AND subject = ?'),
      ofAgency: db.prepare<[{ agency: AgencyName; caseId: string | null }], RawRecord>('SELECT * FROM records WHERE agency = @agency AND (@caseId IS NULL OR case_id = @caseId) ORDER BY id'),
      counts: db.prepare<[{ caseId: string | null; agency: string | null }], RecordCount>(
        `SELECT agency, service, case_id AS caseId, COUNT(*) AS count FROM records
         WHERE (@caseId IS NULL OR case_id = @caseId) AND (@agency IS NULL OR agency = @agency)
         GROUP BY agency, service, case_id ORDER BY agency, service, case_id`,
      ),
    };
  }

  getAnswer(agency: AgencyName, operation: string, key: string): StoredAnswer | undefined {
    const row = this.stmt.getAnswer.get(agency, operation, key);
    return row && { requestHash: row.request_hash, status: row.status, body: JSON.parse(row.body) };
  }

  putAnswer(agency: AgencyName, operation: string, key: string, answer: StoredAnswer): void {
    this.stmt.putAnswer.run(agency, operation, key, answer.requestHash, answer.status, JSON.stringify(answer.body), new Date().toISOString());
  }

  insertRecord(r: { agency: AgencyName; service: string; caseId: string; idempotencyKey: string; subject: string | null; state: unknown; data: unknown }): number {
    const now = new Date().toISOString();
    const info = this.stmt.insertRecord.run(r.agency, r.service, r.caseId, r.idempotencyKey, r.subject, JSON.stringify(r.state), JSON.stringify(r.data), now, now);
    return Number(info.lastInsertRowid);
  }

  updateState(recordId: number, state: unknown): void {
    this.stmt.updateState.run(JSON.stringify(state), new Date().toISOString(), recordId);
  }

  recordById<S, D>(id: number): RecordRow<S, D> | undefined {
    return toRecord<S, D>(this.stmt.byId.get(id));
  }

  recordByKey<S, D>(agency: AgencyName, key: string): RecordRow<S, D> | undefined {
    return toRecord<S, D>(this.stmt.byKey.get(agency, key));
  }

  recordBySubject(agency: AgencyName, subject: string): RecordRow | undefined {
    return toRecord(this.stmt.bySubject.get(agency, subject));
  }

  recordsOf<S, D>(agency: AgencyName, caseId: string | undefined): Array<RecordRow<S, D>> {
    return this.stmt.ofAgency.all({ agency, caseId: caseId ?? null }).flatMap((r) => toRecord<S, D>(r) ?? []);
  }

  recordCounts(filter: { caseId?: string; agency?: string }): RecordCount[] {
    return this.stmt.counts.all({ caseId: filter.caseId ?? null, agency: filter.agency ?? null });
  }
}
