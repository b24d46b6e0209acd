// The read model of birth cases (issue 21): one row per case in the project's database (infra/database.ts),
// written by the worker's sink at every publication of the workflow, so that case views, the clerk's list
// and the operations dashboard are answered without a call to Temporal.
//
// - Ordered and idempotent: a row carries `seq` (the case's journal length) and a write is stored only when
//   its seq is greater than the stored one, in one upsert on both dialects. A retried, replayed or late
//   write never takes a row backwards; an equal seq changes nothing (the same journal gives the same state).
// - Private: the whole BirthCaseState is stored only encrypted with the payload key ring (the codec that
//   encrypts Temporal payloads), as the protobuf bytes of the encoded Payload; keys rotate as for payloads.
//   The plain columns hold what lists filter on: ids, status, dates, flags. No name, ID number or phone.
// - Lists are keyset pages, newest first by (created_at, case_id), with the filters of the clerk's list.
// - The dashboard's figures are SQL aggregates over the rows (infra/read-model-figures.ts): the case's close
//   time and the time to it, and per service its agency, channel and the time from submission to the answer
//   (table read_model_service, replaced with the row like read_model_waiting). Rows written before those
//   columns existed (migration 0002) have them NULL until `npm run read-model -- rebuild` refreshes them.
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import type { Kysely, Migration, Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { CaseSummary } from '../api/case-repository';
import type { CaseListQuery } from '../api/cases.schemas';
import { CaseStatusSchema } from '../domain/catalog';
import { isCaseClosed, serviceAgency } from '../domain/catalog';
import type { CaseStatus, Channel, ExchangeChannel, ServiceAgency, ServiceKey } from '../domain/catalog';
import { caseServiceEntries } from '../domain/case-state';
import { placesOf } from '../domain/cross-region';
import { instantMs, shanghaiDate, toShanghaiIso } from '../domain/dates';
import type { BirthCaseState, SubsidyDecision, WaiverOutcome, WaitingOn } from '../workflows/birth-case.contract';
import { caseTiming, childcareSubsidyDecision, waiverOutcome, waitingOn } from '../workflows/case-publication';
import type { Database, DatabaseDialect, ModuleSchema } from './database';
import { FINISHED_STATUSES, readModelFigures } from './read-model-figures';
import type { DashboardFigures, DashboardPeriod } from './read-model-figures';

// ---- tables ---------------------------------------------------------------------------------------

type ReadModelCaseTable = {
  case_id: string;
  seq: number;
  hospital_id: string;
  status: string;
  /** YYYY-MM-DD, the Shanghai date of birth */
  born_on: string;
  /** Shanghai ISO, fixed width: compares as text in time order */
  created_at: string;
  updated_at: string | null;
  /** PostgreSQL boolean, SQLite 0/1 */
  overdue: boolean | number;
  waiver_outcome: string;
  waiver_lost_reason: string | null;
  childcare_subsidy: string;
  channel: string | null;
  /** the encrypted state: protobuf bytes of the codec's Payload */
  state: Uint8Array;
  // ---- migration 0002: NULL in rows written before it, until a rebuild refreshes them ----
  /** Shanghai ISO: the case's last journal entry once its status is closed; null while open */
  closed_at: string | null;
  /** from created_at to closed_at, in seconds, for a finished case (completed or partially completed); else null */
  seconds_to_finish: number | null;
  /** open, and the parents are asked to post originals to another place (PostgreSQL boolean, SQLite 0/1) */
  awaiting_originals: boolean | number | null;
  /** a service of the case is handled in another place (异地通办) */
  services_elsewhere: boolean | number | null;
  /** PROJECTION_VERSION of the plain columns; null: written before migration 0002 */
  projection: number | null;
};
type ReadModelWaitingTable = { case_id: string; waiting_on: string };
/** One row per service of a case (migration 0002): where it went and how long its agency took. */
type ReadModelServiceTable = {
  case_id: string;
  service: string;
  agency: string;
  /** local, inProvince, crossProvince: as the case recorded it, local when it recorded none */
  channel: string;
  /** Shanghai ISO: the first submission */
  submitted_at: string | null;
  /** Shanghai ISO: the agency's answer (completed or refused) */
  ended_at: string | null;
  /** from submitted_at to ended_at; null until both are known */
  seconds: number | null;
  // the case's, copied so that the dashboard reads this table alone, in the order of its indexes
  created_at: string;
  hospital_id: string;
  /** the case is finished (completed or partially completed) */
  case_finished: boolean | number;
  /** the case's first service on this channel (so that the cases per channel are a sum, not a distinct count) */
  first_on_channel: boolean | number;
};
export type ReadModelTables = { read_model_case: ReadModelCaseTable; read_model_waiting: ReadModelWaitingTable; read_model_service: ReadModelServiceTable };
type Db = Kysely<ReadModelTables>;
type Trx = Transaction<ReadModelTables>;

/**
 * The version of the derived (plain) columns, stored in `projection`. A rebuild (`publish` with `refresh`)
 * rewrites a row at its own seq when the row's version is older: raise it when the projection changes.
 */
export const PROJECTION_VERSION = 2;

function migrations(dialect: DatabaseDialect): Record<string, Migration> {
  return {
    '0001-read-model': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('read_model_case')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('hospital_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('born_on', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text')
          .addColumn('overdue', dialect === 'postgres' ? 'boolean' : 'integer', (c) => c.notNull())
          .addColumn('waiver_outcome', 'text', (c) => c.notNull())
          .addColumn('waiver_lost_reason', 'text')
          .addColumn('childcare_subsidy', 'text', (c) => c.notNull())
          .addColumn('channel', 'text')
          .addColumn('state', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('read_model_waiting')
          .addColumn('case_id', 'text', (c) => c.notNull().references('read_model_case.case_id').onDelete('cascade'))
          .addColumn('waiting_on', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('read_model_waiting_pk', ['case_id', 'waiting_on'])
          .execute();
        const index = (name: string, table: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();
        // the list's order, unscoped (operations) and per hospital or hall (clerks)
        await index('read_model_case_created', 'read_model_case', ['created_at', 'case_id']);
        await index('read_model_case_hospital_created', 'read_model_case', ['hospital_id', 'created_at', 'case_id']);
        await index('read_model_case_status_created', 'read_model_case', ['status', 'created_at']);
        await index('read_model_case_born_on', 'read_model_case', ['born_on']);
        await index('read_model_case_overdue', 'read_model_case', ['overdue']);
        await index('read_model_waiting_on', 'read_model_waiting', ['waiting_on']);
      },
    },
    // The dashboard's figures (no visibility): the close, the wait for originals, and one row per service.
    // Existing rows get NULL here and no services (a migration has no key to decrypt the state): their counts
    // are right at once, their times and places once `npm run read-model -- rebuild` refreshes them
    // (PROJECTION_VERSION). The indexes are what the dashboard and the lists read in order: on SQLite the
    // state is stored in the row, so a query that must visit the rows of a whole period is slow.
    '0002-read-model-figures': {
      async up(db: Kysely<unknown>) {
        const seconds = dialect === 'postgres' ? 'double precision' : 'real';
        const bool = dialect === 'postgres' ? 'boolean' : 'integer';
        for (const [column, type] of [['closed_at', 'text'], ['seconds_to_finish', seconds], ['awaiting_originals', bool], ['services_elsewhere', bool], ['projection', 'integer']] as const) {
          await db.schema.alterTable('read_model_case').addColumn(column, type).execute();
        }
        await db.schema
          .createTable('read_model_service')
          .addColumn('case_id', 'text', (c) => c.notNull().references('read_model_case.case_id').onDelete('cascade'))
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('agency', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('submitted_at', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('seconds', seconds)
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('hospital_id', 'text', (c) => c.notNull())
          .addColumn('case_finished', bool, (c) => c.notNull())
          .addColumn('first_on_channel', bool, (c) => c.notNull())
          .addPrimaryKeyConstraint('read_model_service_pk', ['case_id', 'service'])
          .execute();
        const index = (name: string, table: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();
        // A period's cases in creation order, with every column the dashboard and the list read: a covering
        // range (and the unfiltered list's order, as the index it replaces).
        await db.schema.dropIndex('read_model_case_created').execute();
        await index('read_model_case_created_cover', 'read_model_case', [
          'created_at', 'case_id', 'hospital_id', 'status', 'born_on', 'waiver_outcome', 'waiver_lost_reason', 'childcare_subsidy',
          'services_elsewhere', 'awaiting_originals', 'seconds_to_finish', 'closed_at',
        ]);
        // the overdue filter in the list's order (either value)
        await db.schema.dropIndex('read_model_case_overdue').execute();
        await index('read_model_case_overdue_created', 'read_model_case', ['overdue', 'created_at', 'case_id']);
        // per agency and per channel, the answer times in order: a percentile is an offset into the index
        await index('read_model_service_agency', 'read_model_service', ['agency', 'case_finished', 'seconds', 'created_at', 'hospital_id']);
        await index('read_model_service_channel', 'read_model_service', ['channel', 'seconds', 'created_at', 'hospital_id', 'first_on_channel']);
      },
    },
  };
}

/** This module's tables and migrations, for `database.migrate(readModelSchema)`. */
export const readModelSchema: ModuleSchema = { owner: 'read_model', migrations };

// ---- the projection -------------------------------------------------------------------------------

/** The plain columns of a case's row: what lists filter on, and nothing personal. */
export interface CaseProjection {
  caseId: string;
  seq: number;
  hospitalId: string;
  status: CaseStatus;
  /** YYYY-MM-DD, the Shanghai date of application.newborn.birthAt */
  bornOn: string;
  /** Shanghai ISO: the case's first journal entry, else the fallback (the API's start time) */
  createdAt: string;
  updatedAt: string | null;
  overdue: boolean;
  waitingOn: WaitingOn[];
  waiverOutcome: WaiverOutcome;
  waiverLostReason: string | null;
  childcareSubsidy: SubsidyDecision;
  /** where the household registration goes (异地通办, issue 19): the exchange's channel, null when in Jinan */
  channel: ExchangeChannel | null;
  /** Shanghai ISO: the last journal entry once the case is closed (the workflow returns right after it); null while open */
  closedAt: string | null;
  /** from createdAt to closedAt for a finished case (completed or partially completed); null otherwise (open, cancelled) */
  secondsToFinish: number | null;
  /** open, and the parents are asked to post originals to another place */
  awaitingOriginals: boolean;
  /** a service is handled in another place */
  servicesElsewhere: boolean;
  /** every service the case asked for (a skipped one is left out): its agency, where it went, and how long the agency took */
  services: ServiceProjection[];
}

/** A service of a case: its agency, its channel, and its first submission and answer (caseTiming). */
export interface ServiceProjection {
  service: ServiceKey;
  agency: ServiceAgency;
  channel: Channel;
  /** Shanghai ISO */
  submittedAt: string | null;
  /** Shanghai ISO: completed or refused */
  endedAt: string | null;
  /** from submittedAt to endedAt; null until both are known */
  seconds: number | null;
  /** the case's first service (in the catalog's order) on this channel */
  firstOnChannel: boolean;
}

/** Any ISO instant as the fixed-width Shanghai form (`…T08:30:00.000+08:00`), so that text order is time order. */
const shanghaiInstant = (iso: string): string => toShanghaiIso(instantMs(iso));

/** The household's channel: as the case recorded it once sent (patch cross-region), else as the application places it. */
function householdChannel(state: BirthCaseState): ExchangeChannel | null {
  const channel = state.services.household?.channel ?? placesOf(state.application).householdChannel;
  return channel === 'local' ? null : channel;
}

/**
 * The row's plain columns for a case at `seq`. Pure. `fallbackCreatedAt` (Shanghai ISO) stands for the
 * creation time of a case with no journal entry yet; without either, a RangeError.
 */
export function caseProjection(state: BirthCaseState, seq: number, fallbackCreatedAt?: string): CaseProjection {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`read model: seq must be a whole number ≥ 0, not ${seq}`);
  const createdAt = state.createdAt ?? fallbackCreatedAt;
  if (createdAt === undefined) throw new RangeError(`read model: case ${state.caseId} has no entry yet and no creation time was given`);
  const waiver = waiverOutcome(state);
  const created = shanghaiInstant(createdAt);
  const closedAt = isCaseClosed(state.status) && state.updatedAt !== null ? shanghaiInstant(state.updatedAt) : null;
  const services = serviceProjections(state);
  return {
    caseId: state.caseId,
    seq,
    hospitalId: state.hospitalId,
    status: state.status,
    bornOn: shanghaiDate(state.application.newborn.birthAt),
    createdAt: created,
    updatedAt: state.updatedAt === null ? null : shanghaiInstant(state.updatedAt),
    // states from before the flag existed carry none
    overdue: state.overdue ?? false,
    waitingOn: waitingOn(state),
    waiverOutcome: waiver.outcome,
    waiverLostReason: waiver.lostReason,
    childcareSubsidy: childcareSubsidyDecision(state),
    channel: householdChannel(state),
    closedAt,
    secondsToFinish: closedAt !== null && FINISHED_STATUSES.includes(state.status) ? secondsBetween(created, closedAt) : null,
    awaitingOriginals: !isCaseClosed(state.status) && state.actionsRequired.some((a) => a.kind === 'originals'),
    servicesElsewhere: services.some((s) => s.channel !== 'local'),
    services,
  };
}

const secondsBetween = (from: string, to: string): number => (instantMs(to) - instantMs(from)) / 1000;

/** The services the case asked for (not skipped), as the dashboard counts them, timed as the memo's `timing` was. */
function serviceProjections(state: BirthCaseState): ServiceProjection[] {
  const timing = caseTiming(state.events);
  const channels = new Set<Channel>();
  return caseServiceEntries(state.services).filter(([, s]) => s.status !== 'skipped').map(([service, s]) => {
    const t = timing[service];
    const submittedAt = t?.submittedAt ? shanghaiInstant(t.submittedAt) : null;
    const endedAt = t?.endedAt ? shanghaiInstant(t.endedAt) : null;
    // a case from before the cross-region bundle records no channel: local
    const channel = s.channel ?? 'local';
    const firstOnChannel = !channels.has(channel);
    channels.add(channel);
    return {
      service,
      agency: serviceAgency(service),
      channel,
      submittedAt,
      endedAt,
      seconds: submittedAt !== null && endedAt !== null ? secondsBetween(submittedAt, endedAt) : null,
      firstOnChannel,
    };
  });
}

// ---- the store ------------------------------------------------------------------------------------

/** Where a list page ends: the next page starts after this row. */
export interface ReadModelCursor {
  createdAt: string;
  caseId: string;
}

/** The clerk's list filters (api/cases.schemas.ts CaseListQuery), with a keyset cursor for the page token. */
export type ReadModelListFilter = Pick<CaseListQuery, 'status' | 'bornFrom' | 'bornTo' | 'waitingOn' | 'overdue' | 'pageSize'> & {
  after?: ReadModelCursor;
};

export interface ReadModelPage {
  cases: CaseSummary[];
  /** the cursor of the next page, null on the last one */
  next: ReadModelCursor | null;
}

/** What a publication did: stored ('applied'), nothing (the row is at this seq or further), or, with `refresh`, rewrote an older projection at this seq. */
export type PublishOutcome = 'applied' | 'stale' | 'refreshed';

export interface PublishOptions {
  /** Shanghai ISO: the creation time of a case with no journal entry yet (default: now) */
  createdAt?: string;
  /**
   * A rebuild's write: at the row's own seq, rewrite its plain columns, waits and services when they are of
   * an older PROJECTION_VERSION (a row written before migration 0002); the stored state is kept.
   */
  refresh?: boolean;
}

export interface ReadModel {
  /**
   * Stores the case at `seq` unless the stored row is at this seq or further ('stale'; with `refresh`, a row
   * at this seq whose projection is older has it rewritten: 'refreshed').
   */
  publish(state: BirthCaseState, seq: number, opts?: PublishOptions): Promise<PublishOutcome>;
  /** The stored case, decrypted; null when there is no row. Throws ReadModelDecodeError when it cannot be read. */
  get(caseId: string): Promise<{ seq: number; state: BirthCaseState } | null>;
  /** A page of cases, newest first (of one hospital or hall when `hospitalId` is given). */
  list(filter: ReadModelListFilter, hospitalId: string | null): Promise<ReadModelPage>;
}

/** The operations dashboard's figures, aggregated in SQL over the rows (infra/read-model-figures.ts). */
export interface ReadModelFigures {
  dashboard(period: DashboardPeriod): Promise<DashboardFigures>;
}

/** Many cases in one transaction, a few hundred rows per statement: for loading (the scale benchmark), not for the worker. */
export interface ReadModelBulk {
  /**
   * Stores each case as `publish` would (the highest seq given per case, and only over a lower stored one),
   * with a clock's creation time for cases with no entry. Counts the cases stored and those left as they were.
   */
  publishMany(entries: ReadonlyArray<{ state: BirthCaseState; seq: number }>): Promise<{ applied: number; stale: number }>;
}

/** A stored state that does not decode: encrypted with a key no longer in the ring, altered, or another case's. */
export class ReadModelDecodeError extends Error {
  override name = 'ReadModelDecodeError';
  constructor(readonly caseId: string, reason: string, options?: ErrorOptions) {
    super(`read model: the stored state of case ${caseId} cannot be read (${reason})`, options);
  }
}

export interface ReadModelOptions {
  /** the clock (epoch ms) for a first row's creation time; tests pass their own */
  now?: () => number;
  /**
   * How many cases' decoded states `get` keeps (least recently read go first); 0 or none: none (the worker,
   * the rebuild). A kept state is handed out again only while the row's seq is the one it was decoded at:
   * each read still asks the row for its seq, and the stored state comes back (and is decrypted) only when
   * the seq moved. Same seq, same state (the upsert never rewrites a state at an equal seq).
   */
  decodedCases?: number;
}

/**
 * The read model on an open database (migrated with `readModelSchema`). `codec` encrypts the stored state:
 * the payload key ring's EncryptionCodec with `refuseUnencrypted: true`, so that a state written around this
 * module in the clear is refused on read, not served.
 */
export function createReadModel(database: Database, codec: PayloadCodec, options: ReadModelOptions = {}): ReadModel & ReadModelFigures & ReadModelBulk {
  const db: Db = database.db.withTables<ReadModelTables>();
  const now = options.now ?? Date.now;
  const flag = (b: boolean): boolean | number => (database.dialect === 'postgres' ? b : b ? 1 : 0);
  const sealed = stateCodec(codec);
  const decoded = options.decodedCases ? new LRUCache<string, { seq: number; state: BirthCaseState }>({ max: options.decodedCases }) : null;

  return {
    async publish(state, seq, opts = {}) {
      const projection = caseProjection(state, seq, opts.createdAt ?? toShanghaiIso(now()));
      const row: ReadModelCaseTable = { ...columnsOf(projection, flag), state: await sealed.seal(state) };
      return db.transaction().execute(async (trx): Promise<PublishOutcome> => {
        if ((await upsertNewer(trx, [row])).length > 0) {
          await replaceChildren(trx, [projection], flag);
          return 'applied';
        }
        const storedCreatedAt = opts.refresh ? await refreshOlder(trx, row) : null;
        if (storedCreatedAt === null) return 'stale';
        await replaceChildren(trx, [{ ...projection, createdAt: storedCreatedAt }], flag);
        return 'refreshed';
      });
    },
    async publishMany(entries) {
      const latest = new Map<string, { state: BirthCaseState; seq: number }>();
      for (const e of entries) if ((latest.get(e.state.caseId)?.seq ?? -1) < e.seq) latest.set(e.state.caseId, e);
      // in case-id order: concurrent batches lock the rows they share in the same order (PostgreSQL)
      const ordered = [...latest.values()].sort((a, b) => (a.state.caseId < b.state.caseId ? -1 : a.state.caseId > b.state.caseId ? 1 : 0));
      const fallback = toShanghaiIso(now());
      const prepared = await Promise.all(ordered.map(async ({ state, seq }) => {
        const projection = caseProjection(state, seq, fallback);
        return { projection, row: { ...columnsOf(projection, flag), state: await sealed.seal(state) } };
      }));
      return db.transaction().execute(async (trx) => {
        const applied = new Set<string>();
        for (const batch of chunks(prepared, BULK_CASES)) for (const id of await upsertNewer(trx, batch.map((p) => p.row))) applied.add(id);
        const written = prepared.filter((p) => applied.has(p.projection.caseId)).map((p) => p.projection);
        for (const batch of chunks(written, BULK_CASES)) await replaceChildren(trx, batch, flag);
        return { applied: applied.size, stale: prepared.length - applied.size };
      });
    },
    async get(caseId) {
      const held = decoded?.get(caseId);
      // With a state held: the stored one only when the row has moved past it (one query either way).
      const row = held
        ? await db.selectFrom('read_model_case')
          .select(['seq', sql<Uint8Array | null>`case when seq = ${held.seq} then null else state end`.as('state')])
          .where('case_id', '=', caseId).executeTakeFirst()
        : await db.selectFrom('read_model_case').select(['seq', 'state']).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) {
        decoded?.delete(caseId);
        return null;
      }
      const seq = Number(row.seq);
      if (held && row.state === null && seq === held.seq) return { seq, state: held.state };
      if (row.state === null) throw new ReadModelDecodeError(caseId, 'no stored state');
      const state = await sealed.open(caseId, row.state);
      decoded?.set(caseId, { seq, state });
      return { seq, state };
    },
    async list(filter, hospitalId) {
      if (!Number.isSafeInteger(filter.pageSize) || filter.pageSize < 1) throw new RangeError(`read model: pageSize must be a whole number ≥ 1, not ${filter.pageSize}`);
      const rows = await listQuery(db, filter, hospitalId, flag).limit(filter.pageSize + 1).execute();
      const page = rows.slice(0, filter.pageSize);
      const last = page.at(-1);
      return { cases: page.map(summaryOf), next: rows.length > filter.pageSize && last ? { createdAt: last.created_at, caseId: last.case_id } : null };
    },
    dashboard: (period) => readModelFigures(db, period, flag),
  };
}

function columnsOf(p: CaseProjection, flag: (b: boolean) => boolean | number): Omit<ReadModelCaseTable, 'state'> {
  return {
    case_id: p.caseId,
    seq: p.seq,
    hospital_id: p.hospitalId,
    status: p.status,
    born_on: p.bornOn,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    overdue: flag(p.overdue),
    waiver_outcome: p.waiverOutcome,
    waiver_lost_reason: p.waiverLostReason,
    childcare_subsidy: p.childcareSubsidy,
    channel: p.channel,
    closed_at: p.closedAt,
    seconds_to_finish: p.secondsToFinish,
    awaiting_originals: flag(p.awaitingOriginals),
    services_elsewhere: flag(p.servicesElsewhere),
    projection: PROJECTION_VERSION,
  };
}

/** The plain columns a refresh rewrites: all but the key, the seq, the creation time (the same journal gives the same) and the state. */
const REFRESHED_COLUMNS = [
  'hospital_id', 'status', 'born_on', 'updated_at', 'overdue', 'waiver_outcome', 'waiver_lost_reason', 'childcare_subsidy', 'channel',
  'closed_at', 'seconds_to_finish', 'awaiting_originals', 'services_elsewhere', 'projection',
] as const satisfies ReadonlyArray<keyof ReadModelCaseTable>;

/** Cases per statement of a bulk write: with their services, well under SQLite's 32,766 parameters. */
const BULK_CASES = 200;
const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Inserts each row, or replaces the stored one when its seq is greater; the case ids it did either for. On
 * PostgreSQL a conflicting row is locked and its seq read after the lock, so concurrent writers of one
 * case queue here and the greatest seq wins whatever the order; SQLite has one writer at a time.
 */
async function upsertNewer(trx: Trx, rows: readonly ReadModelCaseTable[]): Promise<string[]> {
  const written = await trx
    .insertInto('read_model_case')
    .values([...rows])
    .onConflict((oc) =>
      oc
        .column('case_id')
        .doUpdateSet((eb) => ({
          seq: eb.ref('excluded.seq'),
          hospital_id: eb.ref('excluded.hospital_id'),
          status: eb.ref('excluded.status'),
          born_on: eb.ref('excluded.born_on'),
          created_at: eb.ref('excluded.created_at'),
          updated_at: eb.ref('excluded.updated_at'),
          overdue: eb.ref('excluded.overdue'),
          waiver_outcome: eb.ref('excluded.waiver_outcome'),
          waiver_lost_reason: eb.ref('excluded.waiver_lost_reason'),
          childcare_subsidy: eb.ref('excluded.childcare_subsidy'),
          channel: eb.ref('excluded.channel'),
          state: eb.ref('excluded.state'),
          closed_at: eb.ref('excluded.closed_at'),
          seconds_to_finish: eb.ref('excluded.seconds_to_finish'),
          awaiting_originals: eb.ref('excluded.awaiting_originals'),
          services_elsewhere: eb.ref('excluded.services_elsewhere'),
          projection: eb.ref('excluded.projection'),
        }))
        .where((eb) => eb('read_model_case.seq', '<', eb.ref('excluded.seq'))),
    )
    .returning('case_id')
    .execute();
  return written.map((r) => r.case_id);
}

/**
 * A rebuild at the row's own seq: rewrites the plain columns of a row whose projection is older (written
 * before migration 0002, or by an older PROJECTION_VERSION); the row's creation time when it did, else null.
 * The stored state and creation time stay (the worker's state has the journal's machine data, a rebuild may
 * have read the memo's; a case with no entry yet was given its creation time by the first write).
 */
async function refreshOlder(trx: Trx, row: ReadModelCaseTable): Promise<string | null> {
  const set = Object.fromEntries(REFRESHED_COLUMNS.map((c) => [c, row[c]])) as Pick<ReadModelCaseTable, (typeof REFRESHED_COLUMNS)[number]>;
  const updated = await trx
    .updateTable('read_model_case')
    .set(set)
    .where('case_id', '=', row.case_id)
    .where('seq', '=', row.seq)
    .where((eb) => eb.or([eb('projection', 'is', null), eb('projection', '<', PROJECTION_VERSION)]))
    .returning('created_at')
    .executeTakeFirst();
  return updated?.created_at ?? null;
}

/**
 * Runs under the case rows' locks (taken by the upsert): whom each case waits on, and its services, are
 * those of the row just written.
 */
async function replaceChildren(trx: Trx, written: readonly CaseProjection[], flag: (b: boolean) => boolean | number): Promise<void> {
  const ids = written.map((p) => p.caseId);
  await trx.deleteFrom('read_model_waiting').where('case_id', 'in', ids).execute();
  await trx.deleteFrom('read_model_service').where('case_id', 'in', ids).execute();
  const waiting = written.flatMap((p) => p.waitingOn.map((w) => ({ case_id: p.caseId, waiting_on: w })));
  if (waiting.length > 0) await trx.insertInto('read_model_waiting').values(waiting).execute();
  const services = written.flatMap((p) => p.services.map((s): ReadModelServiceTable => ({
    case_id: p.caseId, service: s.service, agency: s.agency, channel: s.channel, submitted_at: s.submittedAt, ended_at: s.endedAt, seconds: s.seconds,
    created_at: p.createdAt, hospital_id: p.hospitalId, case_finished: flag(p.secondsToFinish !== null), first_on_channel: flag(s.firstOnChannel),
  })));
  if (services.length > 0) await trx.insertInto('read_model_service').values(services).execute();
}

/** The list's rows: the clerk's filters (as Temporal's visibility query had them before the list moved here), birth days inclusive. */
function listQuery(db: Db, f: ReadModelListFilter, hospitalId: string | null, flag: (b: boolean) => boolean | number) {
  let q = db.selectFrom('read_model_case as c').select(['c.case_id', 'c.status', 'c.hospital_id', 'c.born_on', 'c.created_at']);
  if (hospitalId !== null) q = q.where('c.hospital_id', '=', hospitalId);
  // a retired status filter matches no row, as no case has it
  if (f.status !== undefined) q = q.where('c.status', '=', f.status);
  if (f.bornFrom !== undefined) q = q.where('c.born_on', '>=', f.bornFrom);
  if (f.bornTo !== undefined) q = q.where('c.born_on', '<=', f.bornTo);
  if (f.overdue !== undefined) q = q.where('c.overdue', '=', flag(f.overdue === 'true'));
  const waitingOnFilter = f.waitingOn;
  if (waitingOnFilter !== undefined) {
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('read_model_waiting as w').select('w.case_id').whereRef('w.case_id', '=', 'c.case_id').where('w.waiting_on', '=', waitingOnFilter)),
    );
  }
  const after = f.after;
  if (after !== undefined) {
    q = q.where((eb) => eb(eb.refTuple('c.created_at', 'c.case_id'), '<', eb.tuple(after.createdAt, after.caseId)));
  }
  return q.orderBy('c.created_at', 'desc').orderBy('c.case_id', 'desc');
}

function summaryOf(row: Pick<ReadModelCaseTable, 'case_id' | 'status' | 'hospital_id' | 'born_on' | 'created_at'>): CaseSummary {
  const status = CaseStatusSchema.safeParse(row.status);
  return {
    caseId: row.case_id,
    status: status.success ? status.data : null,
    hospitalId: row.hospital_id,
    // as the visibility list gives it: the birth date's Shanghai midnight
    bornAt: toShanghaiIso(instantMs(`${row.born_on}T00:00:00+08:00`)),
    createdAt: row.created_at,
  };
}

// ---- the encrypted state --------------------------------------------------------------------------

/** The state as a JSON payload, encoded by the codec, stored as the encoded Payload's protobuf bytes. */
function stateCodec(codec: PayloadCodec) {
  return {
    async seal(state: BirthCaseState): Promise<Buffer> {
      const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(state)]);
      if (!encoded) throw new Error('read model: the codec returned no payload');
      return Buffer.from(temporal.api.common.v1.Payload.encode(encoded).finish());
    },
    async open(caseId: string, bytes: Uint8Array): Promise<BirthCaseState> {
      let state: BirthCaseState;
      try {
        const stored: Payload = temporal.api.common.v1.Payload.decode(bytes);
        const [decoded] = await codec.decode([stored]);
        if (!decoded) throw new Error('the codec returned no payload');
        state = defaultPayloadConverter.fromPayload<BirthCaseState>(decoded);
      } catch (err) {
        throw new ReadModelDecodeError(caseId, err instanceof Error ? err.message : String(err), { cause: err });
      }
      // a state copied into another case's row (someone with write access to the database) is refused
      if (state?.caseId !== caseId) throw new ReadModelDecodeError(caseId, 'the state is another case’s');
      return state;
    },
  };
}
