// The health commission's register of family registrations (生育登记, issue 18) and its record of each
// mother's earlier births: the birth certificates it has issued to her, plus a deterministic seed from her
// ID number (the sequence digits mod 3 = children registered before the mock began), so tests can reach
// every answer. Deterministic triggers (README): a parent's ID with sequence 999 → PERSON_UNKNOWN; a
// mother's ID with sequence 994 → REGISTRATION_OPEN (an open registration elsewhere). Mothers are kept
// as a keyed hash only (subjectKey), never by name or number.
import type { Db } from './store';
import { subjectKey } from './agency-checks';
import { parseCitizenId, UNKNOWN_TO_REGISTER_SEQUENCE } from './identity.rules';

export const OPEN_ELSEWHERE_SEQUENCE = '994';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS family_registrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  number TEXT NOT NULL UNIQUE,
  registration_id TEXT NOT NULL,
  mother_key TEXT NOT NULL,
  status TEXT NOT NULL,
  children_before INTEGER NOT NULL,
  expected_month TEXT NOT NULL,
  case_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS family_registrations_mother ON family_registrations (mother_key, status);
`;

export type RegistryStatus = 'open' | 'withdrawn' | 'expired' | 'born';
export interface RegistryRow {
  number: string; registrationId: string; motherKey: string; status: RegistryStatus; childrenBefore: number; expectedMonth: string; caseId: string | null;
}
export interface Conflict { code: 'CHILDREN_MISMATCH' | 'REGISTRATION_OPEN' | 'PERSON_UNKNOWN'; path: string; message: string }

interface RawRow { number: string; registration_id: string; mother_key: string; status: RegistryStatus; children_before: number; expected_month: string; case_id: string | null }
const toRow = (r: RawRow | undefined): RegistryRow | undefined => r && {
  number: r.number, registrationId: r.registration_id, motherKey: r.mother_key, status: r.status, childrenBefore: r.children_before, expectedMonth: r.expected_month, caseId: r.case_id,
};

/** The key under which a mother is kept (and her birth certificates are counted). */
export const motherKeyOf = (idNumber: string): string => subjectKey('mother', idNumber.trim().toUpperCase());

/** Children the register knew of before the mock began: the ID's sequence digits mod 3. */
export function seededChildren(idNumber: string): number {
  const parts = parseCitizenId(idNumber.trim().toUpperCase());
  return parts ? Number(parts.sequence) % 3 : 0;
}

export interface PersonIds { mother: string; father: string | null }

/** What the register finds against a registration: unknown persons, an open one elsewhere, a different count. */
export function registrationConflicts(ids: PersonIds, declared: number, onRecord: number, openElsewhere: boolean): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [role, who, id] of [['mother', '母亲', ids.mother], ['father', '父亲', ids.father]] as const) {
    if (id !== null && parseCitizenId(id)?.sequence === UNKNOWN_TO_REGISTER_SEQUENCE) {
      conflicts.push({ code: 'PERSON_UNKNOWN', path: `${role}.idNumber`, message: `户籍登记系统中查无此人（${who}身份证号码），请核对` });
    }
  }
  if (openElsewhere || parseCitizenId(ids.mother)?.sequence === OPEN_ELSEWHERE_SEQUENCE) {
    conflicts.push({ code: 'REGISTRATION_OPEN', path: 'mother.idNumber', message: '母亲已有一项尚未办结的生育登记（其他渠道办理），请先撤回或办结后再登记' });
  }
  if (declared !== onRecord) {
    conflicts.push({
      code: 'CHILDREN_MISMATCH', path: 'childrenBefore',
      message: `卫生健康委记录显示母亲此前已生育${onRecord}个子女，您申报的是${declared}个，请核对`,
    });
  }
  return conflicts;
}

export class FamilyRegistry {
  private readonly stmt;

  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
    this.stmt = {
      insert: db.prepare(`INSERT INTO family_registrations (number, registration_id, mother_key, status, children_before, expected_month, case_id, created_at, updated_at)
        VALUES (@number, @registrationId, @motherKey, @status, @childrenBefore, @expectedMonth, @caseId, @at, @at)`),
      nextId: db.prepare<[], { next: number }>("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM family_registrations"),
      byNumber: db.prepare<[string], RawRow>('SELECT * FROM family_registrations WHERE number = ?'),
      openOf: db.prepare<[string], RawRow>("SELECT * FROM family_registrations WHERE mother_key = ? AND status = 'open' ORDER BY id LIMIT 1"),
      certificates: db.prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM records WHERE agency = 'healthCommission' AND service = 'birthCertificate' AND json_extract(data, '$.motherKey') = ?",
      ),
      amend: db.prepare('UPDATE family_registrations SET children_before = ?, expected_month = ?, updated_at = ? WHERE number = ?'),
      close: db.prepare('UPDATE family_registrations SET status = ?, case_id = COALESCE(?, case_id), updated_at = ? WHERE number = ?'),
    };
  }

  /** The children on record for the mother: the seed plus the certificates issued to her. */
  childrenOnRecord(idNumber: string): number {
    return seededChildren(idNumber) + (this.stmt.certificates.get(motherKeyOf(idNumber))?.n ?? 0);
  }

  byNumber(number: string): RegistryRow | undefined { return toRow(this.stmt.byNumber.get(number)); }
  openOf(idNumber: string): RegistryRow | undefined { return toRow(this.stmt.openOf.get(motherKeyOf(idNumber))); }

  /** Inserts a registration (open, or born with its case) and returns its number `SY` + year + 3701 + 8 digits. */
  insert(r: { registrationId: string; idNumber: string; childrenBefore: number; expectedMonth: string; caseId: string | null }, now = new Date()): string {
    const id = this.stmt.nextId.get()?.next ?? 1;
    const number = `SY${now.getUTCFullYear()}3701${String(id).padStart(8, '0')}`;
    this.stmt.insert.run({
      number, registrationId: r.registrationId, motherKey: motherKeyOf(r.idNumber), status: r.caseId ? 'born' : 'open',
      childrenBefore: r.childrenBefore, expectedMonth: r.expectedMonth, caseId: r.caseId, at: now.toISOString(),
    });
    return number;
  }

  amend(number: string, childrenBefore: number, expectedMonth: string): void {
    this.stmt.amend.run(childrenBefore, expectedMonth, new Date().toISOString(), number);
  }

  close(number: string, status: Exclude<RegistryStatus, 'open'>, caseId: string | null = null): void {
    this.stmt.close.run(status, caseId, new Date().toISOString(), number);
  }
}
