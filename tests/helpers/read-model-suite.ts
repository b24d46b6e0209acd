// The read model's behaviour (infra/read-model.ts), as one suite run on each database the project supports:
// SQLite in a temp dir (tests/unit/read-model.test.ts) and PostgreSQL when TEST_POSTGRES_URL is set
// (tests/db/read-model.pg.test.ts). Cases are built from journals through the reducer, as the workflow
// builds them; the raw tables are read and altered through SQL, as someone with the database's password would.
// The dashboard's figures (infra/read-model-figures.ts) are checked by hand on small sets, and on random
// sets against the same figures computed in JavaScript from each case's projection: both dialects give them.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import { reduceCase } from '../../domain/case-state';
import type { CaseEvent } from '../../domain/case-state';
import { SERVICE_KEYS } from '../../domain/catalog';
import type { ServiceKey } from '../../domain/catalog';
import type { Client } from '@temporalio/client';
import { createCaseRepository } from '../../api/case-repository';
import { CaseListQuery } from '../../api/cases.schemas';
import { dashboardBody, percentile } from '../../api/ops.routes';
import { Dashboard } from '../../api/ops.schemas';
import { benefitsInputFor, decideBenefits } from '../../domain/policy';
import { EARLIER_BUNDLE } from '../../domain/catalog';
import type { Channel } from '../../domain/catalog';
import type { Database } from '../../infra/database';
import { EncryptionCodec } from '../../infra/payload-codec';
import { caseProjection, createReadModel, PROJECTION_VERSION, ReadModelDecodeError, readModelSchema } from '../../infra/read-model';
import type { ReadModel, ReadModelCursor, ReadModelListFilter } from '../../infra/read-model';
import { FINISHED_STATUSES } from '../../infra/read-model-figures';
import type { DashboardFigures, DashboardPeriod, Ranked } from '../../infra/read-model-figures';
import type { BirthCaseInput, BirthCaseState } from '../../workflows/birth-case.contract';
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

// ---- cases with times, for the dashboard ---------------------------------------------------------------

/** A journal entry `at` minutes after the case's creation. */
export type TimedStep = Step & { at: number; reason?: string };
export const steps = {
  submitted: (service: ServiceKey, at: number, channel?: Channel): TimedStep => ({ action: 'service.submitted', service, data: channel ? { channel } : {}, at }),
  completed: (service: ServiceKey, at: number): TimedStep => ({ action: 'service.completed', service, data: { result: {} }, at }),
  refused: (service: ServiceKey, at: number): TimedStep => ({ action: 'service.refused', service, reason: '不予受理', at }),
  review: (service: ServiceKey, at: number): TimedStep => ({ action: 'service.under_review', service, data: { review: { agency: 'publicSecurity', reason: '人工审核', reviewId: 'R1' } }, at }),
  correction: (service: ServiceKey, at: number): TimedStep => ({ action: 'service.needs_correction', service, data: { items: [{ path: 'mother.phone', message: '请核对' }], dueAt: null }, at }),
  escalated: (service: ServiceKey, at: number, kind: 'review_overdue' | 'correction_due' = 'review_overdue'): TimedStep => ({ action: 'case.escalated', service, data: { kind, level: 1, dueAt: null }, at }),
  forwarded: (service: ServiceKey, at: number, channel: Exclude<Channel, 'local'>): TimedStep => ({
    action: 'service.forwarded', service, data: { forwardId: `F-${service}`, channel, destinationRegionCode: channel === 'inProvince' ? '370202' : '110105', dueAt: '2026-12-01T09:00:00.000+08:00' }, at,
  }),
  originals: (service: ServiceKey, at: number): TimedStep => ({ action: 'service.originals_requested', service, data: { items: ['出生医学证明原件'], postTo: '北京市公安局', dueAt: '2026-12-01T09:00:00.000+08:00' }, at }),
  /** the benefits as the policy decides them for the case's application */
  benefits: (at: number): TimedStep => ({ action: 'benefits.decided', service: null, data: 'decide', at }),
  cancelled: (at: number): TimedStep => ({ action: 'case.cancelled', service: null, at }),
  finished: (at: number): TimedStep => ({ action: 'case.finished', service: null, at }),
};

export interface JournalSpec {
  caseId: string;
  hospitalId?: string;
  /** Shanghai ISO of the first entry (case.accepted, at minute 0) */
  createdAt?: string;
  /** the services the parents asked for (default: birth certificate and household); the case skips the others at once */
  asked?: ServiceKey[];
  birthOrder?: number;
  steps: TimedStep[];
}

/** A case's state from its journal: case.accepted with the bundle at minute 0, then the steps at their minutes. */
export function journalState(spec: JournalSpec): BirthCaseState {
  const app = application({ newborn: { birthAt: '2026-11-18T10:15:00+08:00', ...(spec.birthOrder ? { birthOrder: spec.birthOrder } : {}) } });
  const asked = spec.asked ?? ['birthCertificate', 'household'];
  const all: TimedStep[] = [
    { action: 'case.accepted', service: null, data: { newbornNameMissing: false }, at: 0 },
    ...EARLIER_BUNDLE.filter((k) => !asked.includes(k)).map((service): TimedStep => ({ action: 'service.skipped', service, reason: '未申请此项', at: 0 })),
    ...spec.steps,
  ];
  const events = all.map((s, i) => ({
    seq: i + 1, at: at(spec.createdAt ?? T0, s.at), actor: { role: 'system', id: null }, action: s.action, service: s.service, attempt: null, outcome: 'ok', reason: s.reason ?? null,
    data: s.data === 'decide' ? { benefits: decideBenefits(benefitsInputFor(app)) } : s.data,
  })) as CaseEvent[];
  return { ...reduceCase(events), caseId: spec.caseId, hospitalId: spec.hospitalId ?? 'H0001', application: app, trackingSecretHash: 'tracking-hash', events };
}

/**
 * The dashboard's figures computed in JavaScript from each case's projection (caseProjection): the reference
 * the SQL is checked against. Cases as last published, with the period's rule (created_at's Shanghai day).
 */
export function referenceFigures(states: readonly BirthCaseState[], period: DashboardPeriod): DashboardFigures {
  const rows = states.map((s) => caseProjection(s, s.events.length))
    .filter((p) => p.createdAt.slice(0, 10) >= period.from && p.createdAt.slice(0, 10) <= period.to && (period.hospitalId === null || p.hospitalId === period.hospitalId));
  const count = <T>(items: readonly T[], key: (t: T) => string | null): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const t of items) {
      const k = key(t);
      if (k !== null) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const rank = (values: number[]): Ranked => {
    const sorted = [...values].sort((a, b) => a - b);
    return { count: sorted.length, medianSeconds: percentile(sorted, 50), p90Seconds: percentile(sorted, 90) };
  };
  const groupRank = (pairs: Array<[string, number]>): Record<string, Ranked> => {
    const groups = new Map<string, number[]>();
    for (const [g, v] of pairs) groups.set(g, [...(groups.get(g) ?? []), v]);
    return Object.fromEntries([...groups].map(([g, values]) => [g, rank(values)]));
  };
  const finished = rows.filter((p) => FINISHED_STATUSES.includes(p.status) && p.closedAt !== null);
  const services = rows.flatMap((p) => p.services.map((s) => ({ ...s, caseId: p.caseId })));
  const channelRanks = groupRank(services.flatMap((s) => (s.seconds === null ? [] : [[s.channel, s.seconds] as [string, number]])));
  const elsewhere = rows.filter((p) => p.services.some((s) => s.channel !== 'local'));
  const secondsOf = (p: (typeof rows)[number]): number => (Date.parse(p.closedAt as string) - Date.parse(p.createdAt)) / 1000;
  return {
    total: rows.length,
    byStatus: count(rows, (p) => p.status),
    byWaitingOn: count(rows.flatMap((p) => p.waitingOn), (w) => w),
    overdue: { reviews: rows.filter((p) => p.overdue && p.waitingOn.includes('officer')).length, corrections: rows.filter((p) => p.overdue && p.waitingOn.includes('clerk')).length },
    waiverOutcomes: count(rows, (p) => p.waiverOutcome),
    waiverLostReasons: count(rows.filter((p) => p.waiverOutcome === 'lost'), (p) => p.waiverLostReason ?? 'UNKNOWN'),
    childcareSubsidy: count(rows, (p) => p.childcareSubsidy),
    completion: {
      ...rank(finished.map(secondsOf)),
      cases: [...finished]
        .sort((a, b) => secondsOf(b) - secondsOf(a) || (a.caseId < b.caseId ? 1 : -1))
        .slice(0, period.maxCases)
        .map((p) => ({ caseId: p.caseId, status: p.status, acceptedAt: p.createdAt, closedAt: p.closedAt as string, seconds: secondsOf(p) })),
    },
    agencies: groupRank(finished.flatMap((p) => p.services.flatMap((s) => (s.seconds === null ? [] : [[s.agency, s.seconds] as [string, number]])))),
    crossRegion: {
      cases: elsewhere.length,
      waitingOnOriginals: elsewhere.filter((p) => p.awaitingOriginals).length,
      byChannel: Object.fromEntries(Object.entries(count(services, (s) => s.channel)).map(([channel, n]) => [channel, {
        cases: new Set(services.filter((s) => s.channel === channel).map((s) => s.caseId)).size,
        services: n,
        answered: services.filter((s) => s.channel === channel && s.seconds !== null).length,
        medianSeconds: channelRanks[channel]?.medianSeconds ?? null,
        p90Seconds: channelRanks[channel]?.p90Seconds ?? null,
      }])),
    },
  };
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
    let model: ReturnType<typeof createReadModel>;
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

    describe('writing many cases at once (loading)', () => {
      it('when cases are published in bulk, then each is stored as one by one would store it: the highest seq given, never over a higher stored one', async () => {
        otherDb = await open();
        await otherDb.migrate(readModelSchema);
        const single = createReadModel(otherDb, newCodec(key));
        const { submitted, completed, review, finished } = steps;
        const done = journalState({ caseId: 'C-B1', steps: [submitted('birthCertificate', 1), submitted('household', 1), completed('birthCertificate', 5), completed('household', 9), finished(10)] });
        const inReview = journalState({ caseId: 'C-B2', steps: [submitted('household', 1), review('household', 2)] });
        const earlier = journalState({ caseId: 'C-B2', steps: [submitted('household', 1)] });
        const ahead = caseState({ caseId: 'C-B3', stage: 'cancelled' });
        await model.publish(ahead, 50);
        const entries = [{ state: done, seq: done.events.length }, { state: earlier, seq: earlier.events.length }, { state: inReview, seq: inReview.events.length }, { state: caseState({ caseId: 'C-B3' }), seq: 7 }];
        await expect(model.publishMany(entries)).resolves.toEqual({ applied: 2, stale: 1 });
        await expect(model.get('C-B2')).resolves.toEqual({ seq: inReview.events.length, state: inReview });
        await expect(model.get('C-B3')).resolves.toEqual({ seq: 50, state: ahead });
        expect(await waitingRows('C-B2')).toEqual(['officer']);
        // the same figures as a model written one case at a time
        for (const e of [entries[0], entries[2], { state: ahead, seq: 50 }]) await single.publish(e!.state, e!.seq);
        const p: DashboardPeriod = { from: '2026-11-20', to: '2026-11-20', hospitalId: null, maxCases: 10 };
        expect(await model.dashboard(p)).toEqual(await single.dashboard(p));
        await expect(model.publishMany([])).resolves.toEqual({ applied: 0, stale: 0 });
      });
      let otherDb: Database | undefined;
      afterEach(async () => {
        await otherDb?.close();
        otherDb = undefined;
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

      it('when a reader keeps decoded states, then a read at the same seq hands back the state decoded before without decrypting it again; a newer row, or none, is read anew', async () => {
        let decrypted = 0;
        const counting = newCodec(key);
        const decode = counting.decode.bind(counting);
        counting.decode = (payloads) => { decrypted += payloads.length; return decode(payloads); };
        const reader = createReadModel(database, counting, { decodedCases: 10 });
        const first = caseState({ caseId: 'C-HELD', stage: 'atAgency' });
        await model.publish(first, 3);
        const read = await reader.get('C-HELD');
        expect(read).toEqual({ seq: 3, state: first });
        expect((await reader.get('C-HELD'))?.state).toBe(read?.state);
        expect(decrypted).toBe(1);
        const later = caseState({ caseId: 'C-HELD', stage: 'completed' });
        await model.publish(later, 5);
        await expect(reader.get('C-HELD')).resolves.toEqual({ seq: 5, state: later });
        expect(decrypted).toBe(2);
        await sql`delete from read_model_waiting where case_id = ${'C-HELD'}`.execute(database.db);
        await sql`delete from read_model_service where case_id = ${'C-HELD'}`.execute(database.db);
        await sql`delete from read_model_case where case_id = ${'C-HELD'}`.execute(database.db);
        await expect(reader.get('C-HELD')).resolves.toBeNull();
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

    describe('the case list through the repository (page tokens)', () => {
      const repository = () => createCaseRepository({ client: {} as Client, pageTokenKey: 'a-test-key-of-enough-length-0123456789', readModel: model });
      const query = (q: Record<string, string>) => CaseListQuery.parse(q);

      it('when a clerk pages through her hospital’s list, then every case comes once, newest first, and the last page has no token', async () => {
        for (let i = 0; i < 11; i++) await model.publish(caseState({ caseId: `C-${String(i).padStart(2, '0')}`, hospitalId: i % 3 === 0 ? 'H0002' : 'H0001', createdAt: at(T0, i) }), 2);
        const cases = repository();
        const seen: string[] = [];
        let token: string | null = null;
        let pages = 0;
        do {
          const page = await cases.list(query({ pageSize: '3', ...(token ? { pageToken: token } : {}) }), 'H0001');
          expect(page.cases.length).toBeLessThanOrEqual(3);
          seen.push(...page.cases.map((c) => c.caseId));
          token = page.nextPageToken;
          pages += 1;
        } while (token !== null && pages < 10);
        expect(seen).toEqual(['C-10', 'C-08', 'C-07', 'C-05', 'C-04', 'C-02', 'C-01']);
        expect(pages).toBe(3);
      });

      it('when a token is taken to another filter or another hospital, or altered, then 400 on pageToken', async () => {
        for (let i = 0; i < 4; i++) await model.publish(caseState({ caseId: `C-T${i}`, stage: 'inReview', createdAt: at(T0, i) }), 3);
        const cases = repository();
        const first = await cases.list(query({ pageSize: '2', status: 'in_progress' }), 'H0001');
        const token = first.nextPageToken as string;
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
        await expect(cases.list(query({ pageSize: '2', status: 'in_progress', pageToken: token }), 'H0001')).resolves.toMatchObject({ cases: [{ caseId: 'C-T1' }, { caseId: 'C-T0' }], nextPageToken: null });
        const refused = { code: 'VALIDATION_FAILED', extra: { issues: [{ path: 'pageToken', code: 'INVALID_PAGE_TOKEN' }] } };
        await expect(cases.list(query({ pageSize: '2', status: 'cancelled', pageToken: token }), 'H0001')).rejects.toMatchObject(refused);
        await expect(cases.list(query({ pageSize: '2', status: 'in_progress', pageToken: token }), 'H0002')).rejects.toMatchObject(refused);
        const [body = '', mac = ''] = token.split('.');
        const altered = `${Buffer.from(JSON.stringify({ createdAt: '2099-01-01T00:00:00.000+08:00', caseId: 'C-Z' })).toString('base64url')}.${mac}`;
        await expect(cases.list(query({ pageSize: '2', status: 'in_progress', pageToken: altered }), 'H0001')).rejects.toMatchObject(refused);
        expect(body.length).toBeGreaterThan(0);
      });

      /** A case as the API files it, and a client that keeps what each start was given. */
      const filed = (caseId: string): BirthCaseInput => ({
        caseId, hospitalId: 'H0001', acceptedBy: { role: 'clerk', id: 'clerk-1' }, application: application(),
        trackingSecretHash: 'h'.repeat(64), trackingNonce: 'n', settings: { correctionDueSeconds: 600, agencyPollSeconds: 60 },
      });
      const startsKept = () => {
        const started: Array<{ memo?: Record<string, unknown> }> = [];
        const client = { workflow: { start: async (_type: string, options: { memo?: Record<string, unknown> }) => { started.push(options); } } } as unknown as Client;
        return { started, client };
      };

      it('when a case is filed, then its first row (seq 0) is read and listed at once, Temporal is given no memo, and the workflow\'s first publication supersedes the row', async () => {
        const { started, client } = startsKept();
        const cases = createCaseRepository({ client, pageTokenKey: 'a-test-key-of-enough-length-0123456789', readModel: model });
        const input = filed('C-FILED');
        await cases.start(input);
        expect(started).toHaveLength(1);
        expect(started[0]).not.toHaveProperty('memo');
        const first = await model.get('C-FILED');
        expect(first?.seq).toBe(0);
        expect(first?.state).toMatchObject({ caseId: 'C-FILED', hospitalId: 'H0001', application: input.application, trackingSecretHash: input.trackingSecretHash, events: [] });
        expect((await cases.list(query({}), 'H0001')).cases.map((c) => c.caseId)).toContain('C-FILED');
        await model.publish(caseState({ caseId: 'C-FILED', stage: 'atAgency', createdAt: at(T0, 1) }), 3);
        expect((await model.get('C-FILED'))?.seq).toBe(3);
        // a repeat of the first row (another API process, a retried post) does not take the case back
        expect(await model.publish({ ...first!.state }, 0)).toBe('stale');
      });

      it('when the repository cannot write the read model, then a filed case is given the memo to be read from before a worker runs it', async () => {
        const { started, client } = startsKept();
        const readOnly = { get: model.get.bind(model), list: model.list.bind(model) };
        const cases = createCaseRepository({ client, pageTokenKey: 'a-test-key-of-enough-length-0123456789', readModel: readOnly });
        await cases.start(filed('C-MEMO'));
        expect(Object.keys(started[0]?.memo ?? {})).toEqual(expect.arrayContaining(['case', 'state']));
        expect(await model.get('C-MEMO')).toBeNull();
      });

      it('when the repository has no read model, then the list answers 503', async () => {
        const cases = createCaseRepository({ client: {} as Client, pageTokenKey: 'k' });
        await expect(cases.list(query({}), null)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      });
    });

    describe('the dashboard’s figures', () => {
      const DAY = '2026-11-20';
      const period = (over: Partial<DashboardPeriod> = {}): DashboardPeriod => ({ from: DAY, to: DAY, hospitalId: 'H0001', maxCases: 100, ...over });
      const publishAll = async (states: readonly BirthCaseState[]): Promise<void> => {
        for (const state of states) await model.publish(state, state.events.length);
      };
      const { submitted, completed, refused, review, correction, escalated, forwarded, originals, benefits, cancelled, finished } = steps;
      // finished cases of H0001 on the 20th: 2 h, 4 h (household refused), 1 h
      const timed = [
        journalState({ caseId: 'C-2H', birthOrder: 2, steps: [benefits(0), submitted('birthCertificate', 1), submitted('household', 1), completed('birthCertificate', 31), completed('household', 61), finished(120)] }),
        journalState({ caseId: 'C-4H', birthOrder: 1, steps: [benefits(0), submitted('birthCertificate', 1), submitted('household', 1), completed('birthCertificate', 61), refused('household', 181), finished(240)] }),
        journalState({ caseId: 'C-1H', birthOrder: 2, steps: [benefits(0), submitted('birthCertificate', 1), submitted('household', 1), completed('birthCertificate', 11), completed('household', 21), finished(60)] }),
      ];

      it('when cases of a day are counted, then the operator sees them by status, by whom they wait on, overdue, and the waiver and subsidy outcomes', async () => {
        await publishAll([
          ...timed,
          journalState({ caseId: 'C-REVIEW', steps: [submitted('birthCertificate', 1), submitted('household', 1), review('household', 2), escalated('household', 3)] }),
          journalState({ caseId: 'C-CORR', steps: [correction('household', 1), escalated('household', 2, 'correction_due')] }),
          journalState({ caseId: 'C-AGENCY', steps: [submitted('birthCertificate', 1)] }),
          journalState({ caseId: 'C-CANCEL', steps: [submitted('birthCertificate', 1), cancelled(2)] }),
          // another hospital's, and H0001's of the days before and after (Shanghai days)
          journalState({ caseId: 'C-OTHER', hospitalId: 'H0002', steps: [submitted('birthCertificate', 1)] }),
          journalState({ caseId: 'C-19TH', createdAt: '2026-11-19T23:59:00.000+08:00', steps: [] }),
          journalState({ caseId: 'C-21ST', createdAt: '2026-11-20T16:00:00.000Z', steps: [] }),
        ]);
        const f = await model.dashboard(period());
        expect(f.total).toBe(7);
        expect(f.byStatus).toEqual({ completed: 2, partially_completed: 1, in_progress: 2, action_required: 1, cancelled: 1 });
        expect(f.byWaitingOn).toEqual({ officer: 1, agency: 2, clerk: 1 });
        expect(f.overdue).toEqual({ reviews: 1, corrections: 1 });
        // a second child's waiver is lost when the case closes without an enrolment; a first child's never applied
        expect(f.waiverOutcomes).toEqual({ lost: 2, not_applicable: 1, pending: 4 });
        expect(f.waiverLostReasons).toEqual({ NOT_ENROLLED: 2 });
        expect(f.childcareSubsidy).toEqual({ pending: 6, refused: 1 });

        expect((await model.dashboard(period({ hospitalId: null }))).total).toBe(8);
        expect((await model.dashboard(period({ from: '2026-11-19', to: '2026-11-21' }))).total).toBe(9);
        expect((await model.dashboard(period({ from: '2026-11-21', to: '2026-11-21' }))).byStatus).toEqual({ accepted: 1 });
        await expect(model.dashboard(period({ from: '2026-11-22', to: '2026-11-30' }))).resolves.toMatchObject({ total: 0, byStatus: {}, completion: { count: 0, medianSeconds: null, cases: [] } });
      });

      it('when finished cases are timed, then medians and p90 are nearest rank over all of them, per agency too, and the list keeps the slowest', async () => {
        await publishAll([...timed, journalState({ caseId: 'C-OPEN', steps: [submitted('birthCertificate', 1), completed('birthCertificate', 500)] })]);
        const f = await model.dashboard(period({ maxCases: 2 }));
        expect(f.completion).toMatchObject({ count: 3, medianSeconds: 7200, p90Seconds: 14_400 });
        expect(f.completion.cases).toEqual([
          { caseId: 'C-4H', status: 'partially_completed', acceptedAt: '2026-11-20T09:00:00.000+08:00', closedAt: '2026-11-20T13:00:00.000+08:00', seconds: 14_400 },
          { caseId: 'C-2H', status: 'completed', acceptedAt: '2026-11-20T09:00:00.000+08:00', closedAt: '2026-11-20T11:00:00.000+08:00', seconds: 7200 },
        ]);
        // first submission to the answer (a refusal is an answer), the finished cases' services only (not C-OPEN's 499 minutes)
        expect(f.agencies).toEqual({
          healthCommission: { count: 3, medianSeconds: 1800, p90Seconds: 3600 },
          publicSecurity: { count: 3, medianSeconds: 3600, p90Seconds: 10_800 },
        });
        const body = Dashboard.parse(dashboardBody(f, { from: DAY, to: DAY, hospitalId: 'H0001' }, DAY));
        expect(body.completion.truncated).toBe(true);
        expect(body.agencies.vaccination).toEqual({ services: 0, medianSeconds: null, p90Seconds: null });
        expect(body.agencies.publicSecurity).toEqual({ services: 3, medianSeconds: 3600, p90Seconds: 10_800 });
        expect(dashboardBody(await model.dashboard(period()), body.period, DAY).completion.truncated).toBe(false);
      });

      it('when services go to another place, then the cross-region section counts them per channel with their times, and the open cases waiting on originals', async () => {
        await publishAll([
          timed[0] as BirthCaseState,
          // Beijing registers the household in 3 days; the birth certificate is local
          journalState({
            caseId: 'C-BJ',
            steps: [submitted('birthCertificate', 1), completed('birthCertificate', 2), submitted('household', 3, 'crossProvince'), forwarded('household', 3, 'crossProvince'), completed('household', 3 + 3 * 24 * 60), finished(3 + 3 * 24 * 60)],
          }),
          // Qingdao asks the parents for originals: the case waits on them
          journalState({ caseId: 'C-QD', steps: [submitted('birthCertificate', 1), submitted('household', 2, 'inProvince'), forwarded('household', 2, 'inProvince'), originals('household', 3)] }),
          // cancelled while Qingdao waited: no longer waiting on originals
          journalState({ caseId: 'C-QDX', steps: [submitted('household', 2, 'inProvince'), forwarded('household', 2, 'inProvince'), originals('household', 3), cancelled(4)] }),
        ]);
        const f = await model.dashboard(period());
        expect(f.crossRegion.cases).toBe(3);
        expect(f.crossRegion.waitingOnOriginals).toBe(1);
        expect(f.crossRegion.byChannel).toEqual({
          crossProvince: { cases: 1, services: 1, answered: 1, medianSeconds: 3 * 86_400, p90Seconds: 3 * 86_400 },
          inProvince: { cases: 2, services: 2, answered: 0, medianSeconds: null, p90Seconds: null },
          local: { cases: 4, services: 5, answered: 3, medianSeconds: 1800, p90Seconds: 3600 },
        });
        const body = Dashboard.parse(dashboardBody(f, { from: DAY, to: DAY, hospitalId: 'H0001' }, DAY));
        expect(body.crossRegion).toMatchObject({ cases: 3, waitingOnOriginals: 1, truncated: false });
      });

      it('for any set of cases, then the SQL gives the figures computed in JavaScript from the cases’ projections', async () => {
        const stepsOf = fc.constantFrom<TimedStep[][]>(
          [], [submitted('birthCertificate', 1)], [submitted('household', 2), review('household', 3), escalated('household', 4)],
          [correction('household', 1)], [submitted('birthCertificate', 1), cancelled(2)],
          [submitted('household', 1, 'inProvince'), forwarded('household', 1, 'inProvince'), originals('household', 2)],
        );
        const finishedSteps = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), fc.boolean(), fc.constantFrom<Channel>('local', 'crossProvince'))
          .map(([bc, hh, refuse, channel]): TimedStep[] => [
            benefits(0), submitted('birthCertificate', 1), completed('birthCertificate', 1 + bc),
            ...(channel === 'local' ? [submitted('household', 1)] : [submitted('household', 1, 'crossProvince'), forwarded('household', 1, 'crossProvince')]),
            refuse ? refused('household', 1 + hh) : completed('household', 1 + hh), finished(2 + Math.max(bc, hh)),
          ]);
        const caseOf = fc.record({
          hospitalId: fc.constantFrom('H0001', 'H0002'),
          day: fc.constantFrom('2026-11-19', '2026-11-20', '2026-11-21'),
          minute: fc.integer({ min: 0, max: 1439 }),
          birthOrder: fc.constantFrom(1, 2, 3),
          steps: fc.oneof(stepsOf, finishedSteps),
        });
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(caseOf, { minLength: 1, maxLength: 14 }), fc.constantFrom('H0001', null), fc.integer({ min: 1, max: 4 }), async (specs, hospitalId, maxCases) => {
            run += 1;
            await sql`delete from read_model_case`.execute(database.db);
            const states = specs.map((c, i) => journalState({
              caseId: `C-${run}-${i}`, hospitalId: c.hospitalId, birthOrder: c.birthOrder, steps: c.steps,
              createdAt: at(`${c.day}T00:00:00.000+08:00`, c.minute),
            }));
            await publishAll(states);
            for (const p of [period({ hospitalId, maxCases }), period({ from: '2026-11-19', to: '2026-11-20', hospitalId, maxCases })]) {
              expect(await model.dashboard(p)).toEqual(referenceFigures(states, p));
            }
          }),
          { numRuns: 20 },
        );
      });
    });

    describe('rows written before the dashboard’s columns (migration 0002)', () => {
      const only0001 = { owner: 'read_model', migrations: (d: Parameters<typeof readModelSchema.migrations>[0]) => ({ '0001-read-model': readModelSchema.migrations(d)['0001-read-model'] as NonNullable<ReturnType<typeof readModelSchema.migrations>[string]> }) };
      const COLUMNS_0001 = ['case_id', 'seq', 'hospital_id', 'status', 'born_on', 'created_at', 'updated_at', 'overdue', 'waiver_outcome', 'waiver_lost_reason', 'childcare_subsidy', 'channel', 'state'];

      it('when an older database is migrated, then its rows keep their place, are not timed, and a rebuild’s refresh at the same seq fills them, once', async () => {
        const { submitted: sent, completed: done, finished: closed } = steps;
        const state = journalState({ caseId: 'C-OLD', steps: [sent('birthCertificate', 1), sent('household', 1), done('birthCertificate', 31), done('household', 61), closed(120)] });
        await model.publish(state, state.events.length);
        const row = (await sql<Record<string, unknown>>`select * from read_model_case where case_id = ${'C-OLD'}`.execute(database.db)).rows[0] as Record<string, unknown>;

        const older = await open();
        try {
          await older.migrate(only0001);
          await older.db.insertInto('read_model_case' as never).values(Object.fromEntries(COLUMNS_0001.map((c) => [c, row[c]])) as never).execute();
          await expect(older.migrate(readModelSchema)).resolves.toEqual([{ owner: 'read_model', applied: ['0002-read-model-figures'] }]);
          const upgraded = createReadModel(older, newCodec(key));
          const stored = (await sql<{ closed_at: unknown; projection: unknown }>`select closed_at, projection from read_model_case`.execute(older.db)).rows;
          expect(stored).toEqual([{ closed_at: null, projection: null }]);
          // listed and read as before; counted, not timed
          await expect(upgraded.get('C-OLD')).resolves.toEqual({ seq: state.events.length, state });
          await expect(upgraded.list({ pageSize: 5, status: 'completed' }, 'H0001')).resolves.toMatchObject({ cases: [{ caseId: 'C-OLD' }] });
          await expect(upgraded.dashboard(period0())).resolves.toMatchObject({ total: 1, byStatus: { completed: 1 }, completion: { count: 0 }, agencies: {} });

          // a worker's write at the same seq changes nothing; a rebuild's refreshes the columns once
          await expect(upgraded.publish(state, state.events.length)).resolves.toBe('stale');
          await expect(upgraded.publish(state, state.events.length, { refresh: true })).resolves.toBe('refreshed');
          await expect(upgraded.publish(state, state.events.length, { refresh: true })).resolves.toBe('stale');
          await expect(upgraded.publish(state, state.events.length - 1, { refresh: true })).resolves.toBe('stale');
          const figures = await upgraded.dashboard(period0());
          expect(figures.completion).toMatchObject({ count: 1, medianSeconds: 7200 });
          expect(figures.agencies).toEqual({ healthCommission: { count: 1, medianSeconds: 1800, p90Seconds: 1800 }, publicSecurity: { count: 1, medianSeconds: 3600, p90Seconds: 3600 } });
          const refreshed = (await sql<{ projection: unknown; state: Uint8Array }>`select projection, state from read_model_case`.execute(older.db)).rows[0];
          expect(Number(refreshed?.projection)).toBe(PROJECTION_VERSION);
          // the stored state is the one written before (a refresh rewrites the plain columns only)
          expect(Buffer.from(refreshed?.state ?? []).equals(Buffer.from(row.state as Uint8Array))).toBe(true);
        } finally {
          await older.close();
        }
      });

      it('when a row of a case with no entry yet is refreshed, then it keeps the creation time its first write gave it, services included', async () => {
        const started = caseState({ caseId: 'C-NEW0', entries: 0 });
        await model.publish(started, 0, { createdAt: '2026-11-20T10:00:00.000+08:00' });
        // as a row from before migration 0002
        await sql`update read_model_case set projection = null, closed_at = null, awaiting_originals = null, services_elsewhere = null`.execute(database.db);
        await sql`delete from read_model_service`.execute(database.db);
        clock = Date.parse('2026-11-25T12:00:00+08:00');
        await expect(model.publish(started, 0, { refresh: true })).resolves.toBe('refreshed');
        await expect(model.list({ pageSize: 5 }, null)).resolves.toMatchObject({ cases: [{ caseId: 'C-NEW0', createdAt: '2026-11-20T10:00:00.000+08:00' }] });
        const created = await sql<{ created_at: string }>`select distinct created_at from read_model_service where case_id = ${'C-NEW0'}`.execute(database.db);
        expect(created.rows).toEqual([{ created_at: '2026-11-20T10:00:00.000+08:00' }]);
      });

      const period0 = (): DashboardPeriod => ({ from: '2026-11-20', to: '2026-11-20', hospitalId: null, maxCases: 10 });
    });

    it('when the schema is migrated again, then nothing is applied twice', async () => {
      await expect(database.migrate(readModelSchema)).resolves.toEqual([{ owner: 'read_model', applied: [] }]);
    });
  });
}
