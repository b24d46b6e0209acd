// The read model's behaviour (infra/read-model.ts), as one suite run on each database the project supports:
// SQLite in a temp dir (tests/unit/read-model.test.ts) and PostgreSQL when TEST_POSTGRES_URL is set
// (tests/db/read-model.pg.test.ts). Cases are built from journals through the reducer, as the workflow
// builds them; the raw tables are read and altered through SQL, as someone with the database's password would.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import { reduceCase } from '../../domain/case-state';
import type { CaseEvent } from '../../domain/case-state';
import { SERVICE_KEYS } from '../../domain/catalog';
import type { ServiceKey } from '../../domain/catalog';
import type { Database } from '../../infra/database';
import { EncryptionCodec } from '../../infra/payload-codec';
import { createReadModel, ReadModelDecodeError, readModelSchema } from '../../infra/read-model';
import type { ReadModel, ReadModelCursor, ReadModelListFilter } from '../../infra/read-model';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from './fixtures';
import type { ApplicationInput } from './fixtures';

// ---- cases, from journals ---------------------------------------------------------------------------

/** Where a case has got to: each stage is a journal the reducer turns into that status and wait. */
export type Stage = 'accepted' | 'atAgency' | 'inReview' | 'overdue' | 'correction' | 'cancelled' | 'completed';

type Step = { action: CaseEvent['action']; service: ServiceKey | null; data?: unknown };
const accepted: Step = { action: 'case.accepted', service: null, data: { newbornNameMissing: false } };
const submitted = (service: ServiceKey): Step => ({ action: 'service.submitted', service, data: {} });
const review: Step = { action: 'service.under_review', service: 'household', data: { review: { agency: 'publicSecurity', reason: '人工审核', reviewId: 'R1' } } };

const STAGES: Record<Stage, Step[]> = {
  accepted: [accepted],
  atAgency: [accepted, submitted('birthCertificate')],
  inReview: [accepted, submitted('birthCertificate'), review],
  overdue: [accepted, submitted('birthCertificate'), review, { action: 'case.escalated', service: 'household', data: { kind: 'review_overdue', level: 1, dueAt: null } }],
  correction: [accepted, { action: 'service.needs_correction', service: 'vaccination', data: { items: [{ path: 'mother.phone', message: '请核对' }], dueAt: null } }],
  cancelled: [accepted, submitted('birthCertificate'), { action: 'case.cancelled', service: null }],
  completed: [accepted, ...SERVICE_KEYS.map((service): Step => ({ action: 'service.completed', service, data: { result: {} } }))],
};

export interface CaseSpec {
  caseId: string;
  hospitalId?: string;
  stage?: Stage;
  /** the first entry's time (the case's creation), Shanghai ISO; entries follow a minute apart */
  createdAt?: string;
  /** the newborn's birth instant */
  birthAt?: string;
  application?: ApplicationInput;
  /** journal entries to keep (0: a case just started, as the API writes it) */
  entries?: number;
}

export const T0 = '2026-11-20T09:00:00.000+08:00';
const MINUTE = 60_000;
const at = (start: string, minutes: number): string => new Date(Date.parse(start) + minutes * MINUTE).toISOString().replace('Z', '+00:00');

/** A case's state as its query answers it, from the stage's journal. */
export function caseState(spec: CaseSpec): BirthCaseState {
  const app = application({ ...spec.application, newborn: { birthAt: spec.birthAt ?? '2026-11-18T10:15:00+08:00', ...spec.application?.newborn } });
  const steps = STAGES[spec.stage ?? 'atAgency'].slice(0, spec.entries);
  const events = steps.map((s, i) => ({
    seq: i + 1, at: at(spec.createdAt ?? T0, i), actor: { role: 'system', id: null }, action: s.action, service: s.service, attempt: null, outcome: 'ok', reason: null, data: s.data,
  })) as CaseEvent[];
  return { ...reduceCase(events), caseId: spec.caseId, hospitalId: spec.hospitalId ?? 'H0001', application: app, trackingSecretHash: 'tracking-hash', events };
}

export const newCodec = (...keys: Buffer[]): EncryptionCodec => new EncryptionCodec(keys.length > 0 ? keys : [randomBytes(32)], { refuseUnencrypted: true });

/** Every page of a list, in order, with the cursors followed. */
export async function allPages(model: ReadModel, filter: Omit<ReadModelListFilter, 'after'>, hospitalId: string | null): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: ReadModelCursor | undefined;
  for (let pages = 1; ; pages++) {
    const page = await model.list({ ...filter, ...(after ? { after } : {}) }, hospitalId);
    ids.push(...page.cases.map((c) => c.caseId));
    if (!page.next) return { ids, pages };
    after = page.next;
    if (pages > 1000) throw new Error('the list does not end');
  }
}

// ---- the suite ----------------------------------------------------------------------------------------

export function readModelSuite(name: string, open: () => Promise<Database>): void {
  describe(`read model (${name})`, () => {
    let database: Database;
    let key: Buffer;
    let model: ReadModel;
    let clock: number;

    beforeEach(async () => {
      database = await open();
      await database.migrate(readModelSchema);
      key = randomBytes(32);
      clock = Date.parse('2026-11-20T12:00:00+08:00');
      model = createReadModel(database, newCodec(key), { now: () => clock });
    });
    afterEach(async () => {
      await database.close();
    });

    const waitingRows = async (caseId: string): Promise<string[]> =>
      (await sql<{ waiting_on: string }>`select waiting_on from read_model_waiting where case_id = ${caseId} order by waiting_on`.execute(database.db)).rows.map((r) => r.waiting_on);

    describe('writing a case', () => {
      it('when a case is published, then it reads back whole at its seq, and an unknown case reads as null', async () => {
        const state = caseState({ caseId: 'C-RT', stage: 'inReview' });
        await expect(model.publish(state, 3)).resolves.toBe('applied');
        await expect(model.get('C-RT')).resolves.toEqual({ seq: 3, state });
        await expect(model.get('C-NONE')).resolves.toBeNull();
      });

      it('when an older seq arrives after a newer one, then it is stale and the newer row stays', async () => {
        const newer = caseState({ caseId: 'C-OLD', stage: 'cancelled' });
        const older = caseState({ caseId: 'C-OLD', stage: 'inReview' });
        await model.publish(newer, 3);
        await expect(model.publish(older, 2)).resolves.toBe('stale');
        await expect(model.get('C-OLD')).resolves.toEqual({ seq: 3, state: newer });
        await expect(model.list({ pageSize: 10, status: 'cancelled' }, null)).resolves.toMatchObject({ cases: [{ caseId: 'C-OLD' }] });
      });

      it('when the same seq arrives again, even with another state, then it is stale and the row is unchanged', async () => {
        const first = caseState({ caseId: 'C-EQ', stage: 'inReview' });
        await model.publish(first, 3);
        await expect(model.publish(caseState({ caseId: 'C-EQ', stage: 'cancelled' }), 3)).resolves.toBe('stale');
        await expect(model.get('C-EQ')).resolves.toEqual({ seq: 3, state: first });
        expect(await waitingRows('C-EQ')).toEqual(['agency', 'officer']);
      });

      it('when publications of one case arrive at once in any order, then the highest seq is what is stored, with its waits', async () => {
        const stages: Stage[] = ['accepted', 'atAgency', 'inReview', 'correction', 'overdue', 'completed', 'cancelled'];
        const writes = stages.map((stage, i) => ({ seq: i + 1, state: caseState({ caseId: 'C-RACE', stage }) }));
        const shuffled = [writes[3], writes[6], writes[0], writes[5], writes[1], writes[4], writes[2]];
        const outcomes = await Promise.all(shuffled.map((w) => model.publish(w!.state, w!.seq)));
        expect(outcomes[1]).toBe('applied'); // seq 7, whenever it ran
        await expect(model.get('C-RACE')).resolves.toEqual({ seq: 7, state: writes[6]?.state });
        expect(await waitingRows('C-RACE')).toEqual([]);
      });

      it('when a publication is applied, then the case’s waits are replaced; when it is stale, they stay', async () => {
        await model.publish(caseState({ caseId: 'C-W', stage: 'atAgency' }), 2);
        expect(await waitingRows('C-W')).toEqual(['agency']);
        await model.publish(caseState({ caseId: 'C-W', stage: 'inReview' }), 3);
        expect(await waitingRows('C-W')).toEqual(['agency', 'officer']);
        await model.publish(caseState({ caseId: 'C-W', stage: 'correction' }), 2);
        expect(await waitingRows('C-W')).toEqual(['agency', 'officer']);
        await model.publish(caseState({ caseId: 'C-W', stage: 'correction' }), 4);
        expect(await waitingRows('C-W')).toEqual(['clerk']);
        await model.publish(caseState({ caseId: 'C-W', stage: 'cancelled' }), 5);
        expect(await waitingRows('C-W')).toEqual([]);
      });

      it('when the API writes seq 0 at start, then the row lists at the start time, and the first entry’s time replaces it', async () => {
        const started = caseState({ caseId: 'C-ZERO', entries: 0, createdAt: '2026-11-20T10:00:00.000+08:00' });
        await expect(model.publish(started, 0, { createdAt: '2026-11-20T09:59:59.500+08:00' })).resolves.toBe('applied');
        await expect(model.list({ pageSize: 5 }, null)).resolves.toMatchObject({ cases: [{ caseId: 'C-ZERO', createdAt: '2026-11-20T09:59:59.500+08:00', status: 'accepted' }] });
        await expect(model.publish(started, 0)).resolves.toBe('stale');
        await model.publish(caseState({ caseId: 'C-ZERO', createdAt: '2026-11-20T10:00:00.000+08:00' }), 2);
        await expect(model.list({ pageSize: 5 }, null)).resolves.toMatchObject({ cases: [{ caseId: 'C-ZERO', createdAt: '2026-11-20T10:00:00.000+08:00', status: 'in_progress' }] });
      });

      it('when a case with no entry is written without a start time, then it lists at the clock’s time', async () => {
        await model.publish(caseState({ caseId: 'C-NOW', entries: 0 }), 0);
        await expect(model.list({ pageSize: 5 }, null)).resolves.toMatchObject({ cases: [{ caseId: 'C-NOW', createdAt: '2026-11-20T12:00:00.000+08:00' }] });
      });

      it('for any order of publications, the case ends at the highest seq, and a write applies exactly when its seq is a new highest', async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 12 }), async (seqs) => {
            const caseId = `C-PROP-${++run}`;
            const states = new Map(seqs.map((seq) => [seq, caseState({ caseId, stage: seq % 2 === 0 ? 'atAgency' : 'inReview', createdAt: at(T0, seq) })]));
            let highest = -1;
            for (const seq of seqs) {
              const expected = seq > highest ? 'applied' : 'stale';
              highest = Math.max(highest, seq);
              expect(await model.publish(states.get(seq) as BirthCaseState, seq)).toBe(expected);
            }
            await expect(model.get(caseId)).resolves.toEqual({ seq: highest, state: states.get(highest) });
            expect(await waitingRows(caseId)).toEqual(highest % 2 === 0 ? ['agency'] : ['agency', 'officer']);
          }),
          { numRuns: 25 },
        );
      });
    });

    describe('keeping personal data out of the clear', () => {
      it('when a case is stored, then no column holds the mother’s or father’s name, ID number or phone', async () => {
        const state = caseState({
          caseId: 'C-PII', stage: 'inReview',
          application: { mother: { name: '欧阳秀英', phone: '13812345678' }, father: { name: '司马建国', phone: '13987654321' } },
        });
        await model.publish(state, 3);
        const rows = (await sql<Record<string, unknown>>`select * from read_model_case`.execute(database.db)).rows;
        expect(rows).toHaveLength(1);
        const stored = Buffer.concat(Object.values(rows[0] ?? {}).map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(String(v)))));
        const secrets = [state.application.mother.name, state.application.mother.idNumber, state.application.mother.phone,
          state.application.father?.name, state.application.father?.idNumber, state.application.father?.phone, state.application.delivery.address];
        for (const secret of secrets) expect(stored.includes(Buffer.from(String(secret)))).toBe(false);
        // the state column is an encoded Payload, encrypted with the ring's key; and yet the state reads back whole
        const payload = temporal.api.common.v1.Payload.decode(rows[0]?.state as Uint8Array);
        expect(Buffer.from(payload.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
        expect((await model.get('C-PII'))?.state.application.mother.idNumber).toBe(state.application.mother.idNumber);
      });

      it('when a row was written with a key since rotated out of the ring, then reading it fails clearly; with the old key still in the ring, it reads', async () => {
        await model.publish(caseState({ caseId: 'C-KEY' }), 2);
        const newKey = randomBytes(32);
        const rotatedOut = createReadModel(database, newCodec(newKey));
        await expect(rotatedOut.get('C-KEY')).rejects.toThrow(ReadModelDecodeError);
        await expect(rotatedOut.get('C-KEY')).rejects.toThrow(/case C-KEY cannot be read \(.*not in the key ring/);
        const ring = createReadModel(database, newCodec(newKey, key));
        await expect(ring.get('C-KEY')).resolves.toMatchObject({ seq: 2, state: { caseId: 'C-KEY' } });
      });

      it('when a stored state is moved to another case’s row or altered, then reading that row fails', async () => {
        await model.publish(caseState({ caseId: 'C-A' }), 2);
        await model.publish(caseState({ caseId: 'C-B' }), 2);
        await sql`update read_model_case set state = (select state from read_model_case where case_id = ${'C-A'}) where case_id = ${'C-B'}`.execute(database.db);
        await expect(model.get('C-B')).rejects.toThrow(/case C-B cannot be read \(the state is another case’s\)/);
        const row = await sql<{ state: Uint8Array }>`select state from read_model_case where case_id = ${'C-A'}`.execute(database.db);
        const altered = Buffer.from(row.rows[0]?.state ?? []);
        altered.writeUInt8(altered.readUInt8(altered.length - 1) ^ 1, altered.length - 1); // a bit of the GCM tag
        await sql`update read_model_case set state = ${altered} where case_id = ${'C-A'}`.execute(database.db);
        await expect(model.get('C-A')).rejects.toThrow(ReadModelDecodeError);
      });

      it('when a row holds a state that is not encrypted (written around the module), then reading it fails', async () => {
        await model.publish(caseState({ caseId: 'C-PLAIN' }), 2);
        const forged = caseState({ caseId: 'C-PLAIN', hospitalId: 'H0666' });
        const plain = Buffer.from(temporal.api.common.v1.Payload.encode(defaultPayloadConverter.toPayload(forged)).finish());
        await sql`update read_model_case set state = ${plain} where case_id = ${'C-PLAIN'}`.execute(database.db);
        await expect(model.get('C-PLAIN')).rejects.toThrow(/case C-PLAIN cannot be read \(.*not encrypted/);
      });
    });

    describe('listing cases', () => {
      /** Cases a minute apart (later = newer), so the list's order is known. */
      async function seed(specs: Array<Omit<CaseSpec, 'createdAt'>>): Promise<void> {
        for (const [i, spec] of specs.entries()) await model.publish(caseState({ ...spec, createdAt: at(T0, i * 10) }), 9);
      }
      const ids = async (filter: Omit<ReadModelListFilter, 'pageSize'>, hospitalId: string | null = null): Promise<string[]> =>
        (await model.list({ pageSize: 100, ...filter }, hospitalId)).cases.map((c) => c.caseId);

      it('when cases are listed, then they come newest first, each as the visibility list gave it', async () => {
        await seed([{ caseId: 'C-1', stage: 'accepted' }, { caseId: 'C-2', hospitalId: 'H0002', stage: 'completed', birthAt: '2026-11-19T16:30:00Z' }]);
        const page = await model.list({ pageSize: 10 }, null);
        expect(page).toEqual({
          cases: [
            { caseId: 'C-2', status: 'completed', hospitalId: 'H0002', bornAt: '2026-11-20T00:00:00.000+08:00', createdAt: '2026-11-20T09:10:00.000+08:00' },
            { caseId: 'C-1', status: 'accepted', hospitalId: 'H0001', bornAt: '2026-11-18T00:00:00.000+08:00', createdAt: '2026-11-20T09:00:00.000+08:00' },
          ],
          next: null,
        });
      });

      it('when filtered by status, then only cases with it come; a retired status matches none', async () => {
        await seed([{ caseId: 'C-1', stage: 'cancelled' }, { caseId: 'C-2', stage: 'inReview' }, { caseId: 'C-3', stage: 'cancelled' }, { caseId: 'C-4', stage: 'completed' }]);
        expect(await ids({ status: 'cancelled' })).toEqual(['C-3', 'C-1']);
        expect(await ids({ status: 'in_progress' })).toEqual(['C-2']);
        expect(await ids({ status: 'rejected' })).toEqual([]);
      });

      it('when filtered by birth days, then both ends are included, on the Shanghai date', async () => {
        await seed([
          { caseId: 'C-19', birthAt: '2026-11-19T23:59:00+08:00' },
          { caseId: 'C-20a', birthAt: '2026-11-19T16:30:00Z' }, // 00:30 on the 20th in Shanghai
          { caseId: 'C-20b', birthAt: '2026-11-20T23:59:59+08:00' },
          { caseId: 'C-21', birthAt: '2026-11-20T16:00:00Z' }, // midnight of the 21st
        ]);
        expect(await ids({ bornFrom: '2026-11-20', bornTo: '2026-11-20' })).toEqual(['C-20b', 'C-20a']);
        expect(await ids({ bornFrom: '2026-11-20' })).toEqual(['C-21', 'C-20b', 'C-20a']);
        expect(await ids({ bornTo: '2026-11-19' })).toEqual(['C-19']);
        expect(await ids({ bornFrom: '2026-11-22' })).toEqual([]);
      });

      it('when filtered by whom a case waits on, then only cases waiting on them come (a case may wait on two)', async () => {
        await seed([{ caseId: 'C-1', stage: 'atAgency' }, { caseId: 'C-2', stage: 'inReview' }, { caseId: 'C-3', stage: 'correction' }, { caseId: 'C-4', stage: 'completed' }]);
        expect(await ids({ waitingOn: 'agency' })).toEqual(['C-2', 'C-1']);
        expect(await ids({ waitingOn: 'officer' })).toEqual(['C-2']);
        expect(await ids({ waitingOn: 'clerk' })).toEqual(['C-3']);
        expect(await ids({ waitingOn: 'parent' })).toEqual([]);
      });

      it('when filtered by overdue, then true gives the escalated cases and false the others', async () => {
        await seed([{ caseId: 'C-1', stage: 'overdue' }, { caseId: 'C-2', stage: 'inReview' }, { caseId: 'C-3', stage: 'overdue' }]);
        expect(await ids({ overdue: 'true' })).toEqual(['C-3', 'C-1']);
        expect(await ids({ overdue: 'false' })).toEqual(['C-2']);
      });

      it('when a hospital’s clerk lists, then only that hospital’s cases come, with the other filters too', async () => {
        await seed([
          { caseId: 'C-1', hospitalId: 'H0001', stage: 'overdue' }, { caseId: 'C-2', hospitalId: 'H0002', stage: 'overdue' },
          { caseId: 'C-3', hospitalId: 'H0001', stage: 'atAgency' }, { caseId: 'C-4', hospitalId: 'HALL:JN-HALL-01', stage: 'overdue' },
        ]);
        expect(await ids({}, 'H0001')).toEqual(['C-3', 'C-1']);
        expect(await ids({ overdue: 'true', waitingOn: 'officer', status: 'in_progress' }, 'H0001')).toEqual(['C-1']);
        expect(await ids({}, 'HALL:JN-HALL-01')).toEqual(['C-4']);
        expect(await ids({}, 'H9999')).toEqual([]);
      });

      it('when a list runs over several pages, then every case comes once, in order, and the last page says there is no more', async () => {
        // 23 cases, some created at the same instant: the case id breaks the tie
        const specs = Array.from({ length: 23 }, (_, i) => ({ caseId: `C-${String(i).padStart(2, '0')}`, hospitalId: i % 4 === 0 ? 'H0002' : 'H0001' }));
        for (const [i, spec] of specs.entries()) await model.publish(caseState({ ...spec, createdAt: at(T0, Math.floor(i / 3)) }), 2);
        const expected = [...specs].reverse().map((s) => s.caseId);
        await expect(allPages(model, { pageSize: 5 }, null)).resolves.toEqual({ ids: expected, pages: 5 });
        await expect(allPages(model, { pageSize: 23 }, null)).resolves.toEqual({ ids: expected, pages: 1 });
        await expect(allPages(model, { pageSize: 1 }, null)).resolves.toEqual({ ids: expected, pages: 23 });
        const h1 = expected.filter((id) => Number(id.slice(2)) % 4 !== 0);
        await expect(allPages(model, { pageSize: 4 }, 'H0001')).resolves.toEqual({ ids: h1, pages: 5 });
      });

      it('when cases are added while someone pages, then the next page neither repeats nor skips', async () => {
        for (let i = 0; i < 9; i++) await model.publish(caseState({ caseId: `C-${i}`, createdAt: at(T0, i) }), 2);
        const first = await model.list({ pageSize: 4 }, null);
        await model.publish(caseState({ caseId: 'C-NEW', createdAt: at(T0, 60) }), 2);
        const second = await model.list({ pageSize: 4, after: first.next as ReadModelCursor }, null);
        const third = await model.list({ pageSize: 4, after: second.next as ReadModelCursor }, null);
        expect([first, second, third].flatMap((p) => p.cases.map((c) => c.caseId))).toEqual(['C-8', 'C-7', 'C-6', 'C-5', 'C-4', 'C-3', 'C-2', 'C-1', 'C-0']);
        expect(third.next).toBeNull();
      });

      it('when the page size is not a whole number ≥ 1, then the list refuses', async () => {
        await expect(model.list({ pageSize: 0 }, null)).rejects.toThrow(RangeError);
      });
    });

    it('when the schema is migrated again, then nothing is applied twice', async () => {
      await expect(database.migrate(readModelSchema)).resolves.toEqual([{ owner: 'read_model', applied: [] }]);
    });
  });
}
