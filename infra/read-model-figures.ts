// The operations dashboard's figures from the read model (infra/read-model.ts): SQL aggregates over the
// cases accepted in a period (created_at's Shanghai day, of one hospital or hall or all), so that the work
// grows with the period's rows in an index, not with what is sent to the API. Medians and 90th percentiles
// are nearest rank (the value at rank ⌈p·n/100⌉ of the sorted values, api/ops.routes.ts `percentile`):
// - per case, the finished cases' times are read as one sorted column (a number per case) and ranked here;
// - per agency and per channel (five to six times as many services), the count comes first and each
//   percentile is then the one row at its offset in an index ordered by the time: no sort of the services.
// The same statements on SQLite and PostgreSQL; tests/helpers/read-model-suite.ts checks that both give the
// figures computed in JavaScript from the cases' projections.
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { CHANNEL_KEYS, CLOSED_CASE_STATUSES, SERVICE_KEYS, serviceAgency } from '../domain/catalog';
import type { CaseStatus } from '../domain/catalog';
import { addDays } from '../domain/dates';
import type { ReadModelTables } from './read-model';

/** Cases closed by finishing their services (not by cancellation): the ones timed to completion. */
export const FINISHED_STATUSES: readonly CaseStatus[] = CLOSED_CASE_STATUSES.filter((s) => s !== 'cancelled');

export interface DashboardPeriod {
  /** Shanghai days, YYYY-MM-DD, both included: the day the case was accepted (its first journal entry) */
  from: string;
  to: string;
  /** one hospital's or hall's cases; null: all */
  hospitalId: string | null;
  /** at most this many finished cases are listed one by one (the slowest); the percentiles cover all */
  maxCases: number;
}

/** How many values, and their nearest-rank median and 90th percentile (null for none). */
export interface Ranked {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface TimedCase {
  caseId: string;
  status: string;
  /** Shanghai ISO: the first journal entry */
  acceptedAt: string;
  /** Shanghai ISO: the last journal entry once closed */
  closedAt: string;
  seconds: number;
}

export interface DashboardFigures {
  total: number;
  /** the statuses present (absent: 0) */
  byStatus: Record<string, number>;
  byWaitingOn: Record<string, number>;
  overdue: { reviews: number; corrections: number };
  waiverOutcomes: Record<string, number>;
  /** the lost waivers by reason as stored ('UNKNOWN' for none) */
  waiverLostReasons: Record<string, number>;
  childcareSubsidy: Record<string, number>;
  /** the finished cases with a close time: acceptance to close; `cases` the slowest `maxCases`, slowest first */
  completion: Ranked & { cases: TimedCase[] };
  /** per agency, the services of the finished cases that reached an answer: first submission to the answer */
  agencies: Record<string, Ranked>;
  crossRegion: {
    /** cases with at least one service in another place */
    cases: number;
    /** of those, the open ones whose parents are asked to post originals */
    waitingOnOriginals: number;
    /** per channel present: cases and services on it, and the answered services' time from submission to the answer */
    byChannel: Record<string, { cases: number; services: number; answered: number; medianSeconds: number | null; p90Seconds: number | null }>;
  };
}

type Db = Kysely<ReadModelTables>;
type Flag = (b: boolean) => boolean | number;

/** The nearest rank (1-based) of the p-th percentile (0..100) among n sorted values: ⌈p·n/100⌉. */
const rankOf = (n: number, p: number): number => Math.max(1, Math.ceil((p * n) / 100));
function ranked(sorted: readonly number[]): Ranked {
  const at = (p: number): number | null => (sorted.length === 0 ? null : (sorted[rankOf(sorted.length, p) - 1] ?? null));
  return { count: sorted.length, medianSeconds: at(50), p90Seconds: at(90) };
}

const tally = <R extends { n: number | string | bigint }>(rows: readonly R[], key: (r: R) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + Number(r.n);
  return out;
};
const sum = <R>(rows: readonly R[], value: (r: R) => unknown): number => rows.reduce((total, r) => total + Number(value(r) ?? 0), 0);

/**
 * The median and p90 of the services' `seconds` matching `where` (a condition on `s`), from the index
 * whose leading columns `where` fixes and whose next column is `seconds`: the count, then one row at each
 * percentile's offset.
 */
async function rankedServices(db: Db, where: RawBuilder<unknown>, count: number): Promise<Ranked> {
  if (count === 0) return { count, medianSeconds: null, p90Seconds: null };
  const at = async (p: number): Promise<number | null> => {
    const { rows } = await sql<{ seconds: number }>`
      select s.seconds from read_model_service s where ${where} and s.seconds is not null
      order by s.seconds limit 1 offset ${rankOf(count, p) - 1}`.execute(db);
    return rows[0] === undefined ? null : Number(rows[0].seconds);
  };
  return { count, medianSeconds: await at(50), p90Seconds: await at(90) };
}

export async function readModelFigures(db: Db, period: DashboardPeriod, flag: Flag): Promise<DashboardFigures> {
  // created_at is fixed-width Shanghai ISO: text order is time order
  const start = `${period.from}T00:00:00.000+08:00`;
  const end = `${addDays(period.to, 1)}T00:00:00.000+08:00`;
  const inPeriod = (t: 'c' | 's'): RawBuilder<unknown> =>
    sql`${sql.ref(`${t}.created_at`)} >= ${start} and ${sql.ref(`${t}.created_at`)} < ${end}${period.hospitalId === null ? sql`` : sql` and ${sql.ref(`${t}.hospital_id`)} = ${period.hospitalId}`}`;

  // one pass over the period's cases: status, waiver, subsidy, and where their services went
  const outcomes = await sql<{ status: string; waiver_outcome: string; waiver_lost_reason: string | null; childcare_subsidy: string; n: number; elsewhere: number | null; originals: number | null }>`
    select c.status, c.waiver_outcome, c.waiver_lost_reason, c.childcare_subsidy, count(*) as n,
      sum(case when c.services_elsewhere then 1 else 0 end) as elsewhere,
      sum(case when c.services_elsewhere and c.awaiting_originals then 1 else 0 end) as originals
    from read_model_case c where ${inPeriod('c')}
    group by c.status, c.waiver_outcome, c.waiver_lost_reason, c.childcare_subsidy`.execute(db);
  // only open cases wait on anyone; overdue among them
  const waits = await sql<{ waiting_on: string; n: number; overdue: number | null }>`
    select w.waiting_on, count(*) as n, sum(case when c.overdue then 1 else 0 end) as overdue
    from read_model_waiting w join read_model_case c on c.case_id = w.case_id
    where ${inPeriod('c')}
    group by w.waiting_on`.execute(db);
  // the finished cases' times, sorted: one number per case
  const finishedSeconds = await sql<{ seconds: number }>`
    select c.seconds_to_finish as seconds from read_model_case c
    where ${inPeriod('c')} and c.seconds_to_finish is not null
    order by c.seconds_to_finish`.execute(db);
  const slowest = await sql<{ case_id: string; status: string; created_at: string; closed_at: string; seconds: number }>`
    select c.case_id, c.status, c.created_at, c.closed_at, c.seconds_to_finish as seconds from read_model_case c
    where ${inPeriod('c')} and c.seconds_to_finish is not null
    order by c.seconds_to_finish desc, c.case_id desc
    limit ${period.maxCases}`.execute(db);

  const agencies: Record<string, Ranked> = {};
  for (const agency of new Set(SERVICE_KEYS.map(serviceAgency))) {
    const where = sql`s.agency = ${agency} and s.case_finished = ${flag(true)} and ${inPeriod('s')}`;
    const { rows } = await sql<{ n: number }>`select count(*) as n from read_model_service s where ${where} and s.seconds is not null`.execute(db);
    const figures = await rankedServices(db, where, Number(rows[0]?.n ?? 0));
    if (figures.count > 0) agencies[agency] = figures;
  }
  const byChannel: DashboardFigures['crossRegion']['byChannel'] = {};
  for (const channel of CHANNEL_KEYS) {
    const where = sql`s.channel = ${channel} and ${inPeriod('s')}`;
    const { rows } = await sql<{ services: number; cases: number | null; answered: number }>`
      select count(*) as services, sum(case when s.first_on_channel then 1 else 0 end) as cases, count(s.seconds) as answered
      from read_model_service s where ${where}`.execute(db);
    const services = Number(rows[0]?.services ?? 0);
    if (services === 0) continue;
    const times = await rankedServices(db, where, Number(rows[0]?.answered ?? 0));
    byChannel[channel] = { cases: Number(rows[0]?.cases ?? 0), services, answered: times.count, medianSeconds: times.medianSeconds, p90Seconds: times.p90Seconds };
  }

  const rows = outcomes.rows;
  const overdueOf = (w: string): number => Number(waits.rows.find((r) => r.waiting_on === w)?.overdue ?? 0);
  return {
    total: sum(rows, (r) => r.n),
    byStatus: tally(rows, (r) => r.status),
    byWaitingOn: tally(waits.rows, (r) => r.waiting_on),
    overdue: { reviews: overdueOf('officer'), corrections: overdueOf('clerk') },
    waiverOutcomes: tally(rows, (r) => r.waiver_outcome),
    waiverLostReasons: tally(rows.filter((r) => r.waiver_outcome === 'lost'), (r) => r.waiver_lost_reason ?? 'UNKNOWN'),
    childcareSubsidy: tally(rows, (r) => r.childcare_subsidy),
    completion: {
      ...ranked(finishedSeconds.rows.map((r) => Number(r.seconds))),
      cases: slowest.rows.map((r) => ({ caseId: r.case_id, status: r.status, acceptedAt: r.created_at, closedAt: r.closed_at, seconds: Number(r.seconds) })),
    },
    agencies,
    crossRegion: { cases: sum(rows, (r) => r.elsewhere), waitingOnOriginals: sum(rows, (r) => r.originals), byChannel },
  };
}
