// The read model at scale (issue 21): the clerk's list and the operations dashboard answered from the
// read model (infra/read-model.ts) with many finished cases in it. Targets: list and filter p99 < 100 ms,
// the dashboard < 1 s, at 100,000 finished cases.
//
//   npx tsx bench/read-model-scale.ts [cases=100000]
//     SQLite in a temp dir (removed afterwards); with DATABASE_URL, that PostgreSQL (its read_model tables
//     must be empty or absent: the cases are added to whatever is there). Prints one JSON report.
//
// For the benchmark runner: seedFinishedCases(readModel, n) loads n synthetic finished cases in bulk
// (publishMany, 1,000 per transaction: encrypted states, services and times as the worker would write
// them), and measureReadModel(readModel, seeded) times the lists and the dashboard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CaseListQuery } from '../api/cases.schemas';
import { DASHBOARD_MAX_TIMED_CASES } from '../api/ops.schemas';
import { EARLIER_BUNDLE } from '../domain/catalog';
import type { ServiceKey } from '../domain/catalog';
import { reduceCase } from '../domain/case-state';
import type { CaseEvent } from '../domain/case-state';
import { addDays, toShanghaiIso } from '../domain/dates';
import { benefitsInputFor, decideBenefits } from '../domain/policy';
import { databaseOptionsFromEnv, openMigratedDatabase } from '../infra/database';
import { EncryptionCodec } from '../infra/payload-codec';
import { createReadModel, readModelSchema } from '../infra/read-model';
import type { ReadModel, ReadModelBulk, ReadModelCursor, ReadModelFigures, ReadModelListFilter } from '../infra/read-model';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { application } from '../tests/helpers/fixtures';

export interface SeedOptions {
  /** the Shanghai day of the newest cases (default 2026-11-20) */
  lastDay?: string;
  /** the cases are spread over this many days up to lastDay (default 300) */
  days?: number;
  /** hospitals H0001… (default 20) */
  hospitals?: number;
  /** cases per transaction (default 1,000) */
  batch?: number;
  /** case ids are `${prefix}${n}` (default 'S') */
  prefix?: string;
}

export interface Seeded {
  cases: number;
  from: string;
  to: string;
  hospitals: string[];
  seconds: number;
}

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;

/**
 * One finished case: accepted, its benefits decided, each service submitted and answered (one in twelve
 * households refused: partially completed; one in ten handled in another province), closed with case.finished.
 */
function finishedCase(caseId: string, hospitalId: string, createdMs: number, app: ReturnType<typeof application>, benefits: unknown, rnd: () => number): BirthCaseState {
  const entries: Array<Pick<CaseEvent, 'action' | 'service' | 'reason'> & { at: number; data?: unknown }> = [];
  entries.push({ action: 'case.accepted', service: null, reason: null, at: 0, data: { newbornNameMissing: false } });
  entries.push({ action: 'benefits.decided', service: null, reason: null, at: 0, data: { benefits } });
  const crossProvince = rnd() < 0.1;
  let last = 1;
  for (const [i, service] of (EARLIER_BUNDLE as ServiceKey[]).entries()) {
    const sent = 1 + i * 5;
    const took = Math.round(5 + rnd() * (service === 'household' && crossProvince ? 10 * 24 * 60 : 3 * 24 * 60));
    const channel = service === 'household' && crossProvince ? 'crossProvince' : undefined;
    entries.push({ action: 'service.submitted', service, reason: null, at: sent, data: channel ? { channel } : {} });
    const refused = service === 'household' && rnd() < 1 / 12;
    entries.push(refused ? { action: 'service.refused', service, reason: '不予受理', at: sent + took } : { action: 'service.completed', service, reason: null, at: sent + took, data: { result: {} } });
    last = Math.max(last, sent + took);
  }
  entries.push({ action: 'case.finished', service: null, reason: null, at: last + 1 });
  entries.sort((a, b) => a.at - b.at);
  const events = entries.map((e, i) => ({
    seq: i + 1, at: toShanghaiIso(createdMs + e.at * MINUTE), actor: { role: 'system', id: null }, action: e.action, service: e.service, attempt: null, outcome: 'ok', reason: e.reason, data: e.data,
  })) as CaseEvent[];
  return { ...reduceCase(events), caseId, hospitalId, application: app, trackingSecretHash: 'bench', events };
}

/** Loads n finished cases, spread over the days and hospitals, in transactions of `batch`. */
export async function seedFinishedCases(readModel: Pick<ReadModelBulk, 'publishMany'>, n: number, options: SeedOptions = {}): Promise<Seeded> {
  const { lastDay = '2026-11-20', days = 300, hospitals: hospitalCount = 20, batch = 1000, prefix = 'S' } = options;
  const hospitals = Array.from({ length: hospitalCount }, (_, i) => `H${String(i + 1).padStart(4, '0')}`);
  const from = addDays(lastDay, -(days - 1));
  const fromMs = Date.parse(`${from}T00:00:00+08:00`);
  const spanMs = days * 24 * 60 * MINUTE;
  // a few applications (first and second children), shared by the cases: what the rows hold is the same size
  const templates = [1, 2, 2, 3].map((birthOrder) => {
    const app = application({ newborn: { birthOrder, birthAt: `${from}T08:00:00+08:00` } } as Parameters<typeof application>[0]);
    return { app, benefits: decideBenefits(benefitsInputFor(app)) };
  });
  const rnd = random(21);
  const started = Date.now();
  for (let done = 0; done < n; done += batch) {
    const entries = Array.from({ length: Math.min(batch, n - done) }, (_, i) => {
      const k = done + i;
      const t = templates[k % templates.length] as (typeof templates)[number];
      // newest last day minus a few hours, so that the whole case (days long) stays inside the period's start
      const createdMs = fromMs + Math.floor(rnd() * (spanMs - 12 * 60 * MINUTE));
      // born two days before the case was accepted
      const app = { ...t.app, newborn: { ...t.app.newborn, birthAt: toShanghaiIso(createdMs - 2 * 24 * 60 * MINUTE) } };
      const state = finishedCase(`${prefix}${String(k).padStart(7, '0')}`, hospitals[k % hospitals.length] as string, createdMs, app, t.benefits, rnd);
      return { state, seq: state.events.length };
    });
    await readModel.publishMany(entries);
  }
  return { cases: n, from, to: lastDay, hospitals, seconds: (Date.now() - started) / 1000 };
}

export interface Timing {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const timingOf = (ms: number[]): Timing => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { calls: sorted.length, p50Ms: round(at(50)), p99Ms: round(at(99)), maxMs: round(sorted.at(-1) ?? 0) };
};
const round = (ms: number): number => Math.round(ms * 10) / 10;

async function timed<T>(ms: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  ms.push(performance.now() - t0);
  return out;
}

export interface ScaleReport {
  /** every list call: first pages and the pages after them, of every filter, as a clerk (one hospital) and as an admin (all) */
  list: Timing;
  /** per filter, the same calls */
  byFilter: Record<string, Timing>;
  /** the dashboard over the whole seeded period, all hospitals; and of one hospital */
  dashboardMs: number[];
  dashboardOneHospitalMs: number[];
}

/**
 * Times the clerk's list with each filter (`pagesDeep` pages followed from each first page, `rounds` times)
 * and the dashboard (`dashboards` times, the whole period).
 */
export async function measureReadModel(
  readModel: Pick<ReadModel, 'list'> & ReadModelFigures, seeded: Seeded, options: { rounds?: number; pagesDeep?: number; dashboards?: number } = {},
): Promise<ScaleReport> {
  const { rounds = 10, pagesDeep = 5, dashboards = 3 } = options;
  const mid = addDays(seeded.from, 100);
  const filters: Record<string, Omit<ReadModelListFilter, 'pageSize' | 'after'>> = {
    none: {},
    completed: { status: 'completed' },
    partially: { status: 'partially_completed' },
    bornRange: { bornFrom: mid, bornTo: addDays(mid, 6) },
    waitingOnAgency: { waitingOn: 'agency' },
    overdue: { overdue: 'true' },
    notOverdue: { overdue: 'false' },
    inProgress: { status: 'in_progress' },
  };
  const all: number[] = [];
  const byFilter: Record<string, Timing> = {};
  const pageSize = CaseListQuery.parse({}).pageSize;
  for (const [name, filter] of Object.entries(filters)) {
    const ms: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const hospitalId = round % 2 === 0 ? (seeded.hospitals[round % seeded.hospitals.length] as string) : null;
      let after: ReadModelCursor | undefined;
      for (let page = 0; page <= pagesDeep; page++) {
        const answer = await timed(ms, () => readModel.list({ ...filter, pageSize, ...(after ? { after } : {}) }, hospitalId));
        if (!answer.next) break;
        after = answer.next;
      }
    }
    byFilter[name] = timingOf(ms);
    all.push(...ms);
  }
  const dashboardMs: number[] = [];
  const dashboardOneHospitalMs: number[] = [];
  for (let i = 0; i < dashboards; i++) {
    await timed(dashboardMs, () => readModel.dashboard({ from: seeded.from, to: seeded.to, hospitalId: null, maxCases: DASHBOARD_MAX_TIMED_CASES }));
    await timed(dashboardOneHospitalMs, () => readModel.dashboard({ from: seeded.from, to: seeded.to, hospitalId: seeded.hospitals[0] ?? null, maxCases: DASHBOARD_MAX_TIMED_CASES }));
  }
  return { list: timingOf(all), byFilter, dashboardMs: dashboardMs.map(round), dashboardOneHospitalMs: dashboardOneHospitalMs.map(round) };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('usage: tsx bench/read-model-scale.ts [cases]');
  const dir = mkdtempSync(join(tmpdir(), 'read-model-scale-'));
  const options = databaseOptionsFromEnv(process.env, dir);
  const database = await openMigratedDatabase(options, readModelSchema);
  try {
    const readModel = createReadModel(database, new EncryptionCodec([randomBytes(32)], { refuseUnencrypted: true }));
    const seeded = await seedFinishedCases(readModel, n);
    const report = await measureReadModel(readModel, seeded);
    const dashboard = await readModel.dashboard({ from: seeded.from, to: seeded.to, hospitalId: null, maxCases: DASHBOARD_MAX_TIMED_CASES });
    process.stdout.write(`${JSON.stringify({
      database: database.dialect, cases: n, seedSeconds: seeded.seconds, period: { from: seeded.from, to: seeded.to }, ...report,
      check: { total: dashboard.total, finished: dashboard.completion.count, medianSeconds: dashboard.completion.medianSeconds, listed: dashboard.completion.cases.length },
    }, null, 2)}\n`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`read-model-scale failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
