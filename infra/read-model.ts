// The read model of birth cases (issue 21): one row per case in the project's database (infra/database.ts),
// written by the worker's sink at every publication of the workflow and by the API at a case's start, so
// that case views and lists are answered without a call to Temporal.
//
// - Ordered and idempotent: a row carries `seq` (the case's journal length) and a write is stored only when
//   its seq is greater than the stored one, in one upsert on both dialects. A retried, replayed or late
//   write never takes a row backwards; an equal seq changes nothing (the same journal gives the same state).
// - Private: the whole BirthCaseState is stored only encrypted with the payload key ring (the codec that
//   encrypts Temporal payloads), as the protobuf bytes of the encoded Payload; keys rotate as for payloads.
//   The plain columns hold what lists filter on: ids, status, dates, flags. No name, ID number or phone.
// - Lists are keyset pages, newest first by (created_at, case_id), with the filters of the clerk's list.
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Kysely, Migration, Transaction } from 'kysely';
import type { CaseSummary } from '../api/case-repository';
import type { CaseListQuery } from '../api/cases.schemas';
import { CaseStatusSchema } from '../domain/catalog';
import type { CaseStatus, ExchangeChannel } from '../domain/catalog';
import { placesOf } from '../domain/cross-region';
import { instantMs, shanghaiDate, toShanghaiIso } from '../domain/dates';
import type { BirthCaseState, SubsidyDecision, WaiverOutcome, WaitingOn } from '../workflows/birth-case.contract';
import { childcareSubsidyDecision, waiverOutcome, waitingOn } from '../workflows/case-publication';
import type { Database, DatabaseDialect, ModuleSchema } from './database';

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
};
type ReadModelWaitingTable = { case_id: string; waiting_on: string };
type ReadModelTables = { read_model_case: ReadModelCaseTable; read_model_waiting: ReadModelWaitingTable };
type Db = Kysely<ReadModelTables>;
type Trx = Transaction<ReadModelTables>;

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
  return {
    caseId: state.caseId,
    seq,
    hospitalId: state.hospitalId,
    status: state.status,
    bornOn: shanghaiDate(state.application.newborn.birthAt),
    createdAt: shanghaiInstant(createdAt),
    updatedAt: state.updatedAt === null ? null : shanghaiInstant(state.updatedAt),
    // states from before the flag existed carry none
    overdue: state.overdue ?? false,
    waitingOn: waitingOn(state),
    waiverOutcome: waiver.outcome,
    waiverLostReason: waiver.lostReason,
    childcareSubsidy: childcareSubsidyDecision(state),
    channel: householdChannel(state),
  };
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

export interface ReadModel {
  /**
   * Stores the case at `seq` unless the stored row is at this seq or further ('stale'). `createdAt`
   * (Shanghai ISO) is the creation time of a case with no journal entry yet (default: now).
   */
  publish(state: BirthCaseState, seq: number, opts?: { createdAt?: string }): Promise<'applied' | 'stale'>;
  /** The stored case, decrypted; null when there is no row. Throws ReadModelDecodeError when it cannot be read. */
  get(caseId: string): Promise<{ seq: number; state: BirthCaseState } | null>;
  /** A page of cases, newest first (of one hospital or hall when `hospitalId` is given). */
  list(filter: ReadModelListFilter, hospitalId: string | null): Promise<ReadModelPage>;
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
}

/**
 * The read model on an open database (migrated with `readModelSchema`). `codec` encrypts the stored state:
 * the payload key ring's EncryptionCodec with `refuseUnencrypted: true`, so that a state written around this
 * module in the clear is refused on read, not served.
 */
export function createReadModel(database: Database, codec: PayloadCodec, options: ReadModelOptions = {}): ReadModel {
  const db: Db = database.db.withTables<ReadModelTables>();
  const now = options.now ?? Date.now;
  const flag = (b: boolean): boolean | number => (database.dialect === 'postgres' ? b : b ? 1 : 0);
  const sealed = stateCodec(codec);

  return {
    async publish(state, seq, opts = {}) {
      const projection = caseProjection(state, seq, opts.createdAt ?? toShanghaiIso(now()));
      const row: ReadModelCaseTable = { ...columnsOf(projection, flag), state: await sealed.seal(state) };
      return db.transaction().execute(async (trx) => {
        if (!(await upsertNewer(trx, row))) return 'stale';
        await replaceWaiting(trx, projection.caseId, projection.waitingOn);
        return 'applied';
      });
    },
    async get(caseId) {
      const row = await db.selectFrom('read_model_case').select(['seq', 'state']).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) return null;
      return { seq: Number(row.seq), state: await sealed.open(caseId, row.state) };
    },
    async list(filter, hospitalId) {
      if (!Number.isSafeInteger(filter.pageSize) || filter.pageSize < 1) throw new RangeError(`read model: pageSize must be a whole number ≥ 1, not ${filter.pageSize}`);
      const rows = await listQuery(db, filter, hospitalId, flag).limit(filter.pageSize + 1).execute();
      const page = rows.slice(0, filter.pageSize);
      const last = page.at(-1);
      return { cases: page.map(summaryOf), next: rows.length > filter.pageSize && last ? { createdAt: last.created_at, caseId: last.case_id } : null };
    },
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
  };
}

/**
 * Inserts the row, or replaces the stored one when this seq is greater; true when it did either. On
 * PostgreSQL the conflicting row is locked and its seq read after the lock, so concurrent writers of one
 * case queue here and the greatest seq wins whatever the order; SQLite has one writer at a time.
 */
async function upsertNewer(trx: Trx, row: ReadModelCaseTable): Promise<boolean> {
  const written = await trx
    .insertInto('read_model_case')
    .values(row)
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
        }))
        .where((eb) => eb('read_model_case.seq', '<', eb.ref('excluded.seq'))),
    )
    .returning('case_id')
    .executeTakeFirst();
  return written !== undefined;
}

/** Runs under the case row's lock (taken by the upsert): whom the case waits on is the applied row's. */
async function replaceWaiting(trx: Trx, caseId: string, waiting: readonly WaitingOn[]): Promise<void> {
  await trx.deleteFrom('read_model_waiting').where('case_id', '=', caseId).execute();
  if (waiting.length > 0) await trx.insertInto('read_model_waiting').values(waiting.map((w) => ({ case_id: caseId, waiting_on: w }))).execute();
}

/** The list's rows: the same filters as the visibility query (api/case-repository.ts), birth days inclusive. */
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
