// What a case publishes about itself so that it can be read without a worker: its memo (read with a
// describe call; every field is a payload, so the payload codec encrypts it like any other) and its
// search attributes (read through visibility, for listing and counting). The workflow publishes what each
// workflow task recorded (record() stages, the journal flushes; see CasePublisher); the API starts a case with the initial memo and reads it back with
// caseStateFromMemo(). Pure except CasePublisher, which only calls upsertMemo/upsertSearchAttributes.
//
// Memo layout (version 1), one memo field per key, each merged on its own by upsertMemo:
//   case       {v, caseId, hospitalId, application, trackingSecretHash}  changes on correction / naming
//   state      {v, status, services, actionsRequired, timing, events, auditInMemo}  changes with a service's status
//   benefits   the benefit decisions (as in CaseView.benefits)                      changes when benefits are decided
//   audit.<n>  the journal entries n*AUDIT_CHUNK_EVENTS+1 … (n+1)*AUDIT_CHUNK_EVENTS, without their machine data
// A publication rewrites only the audit chunks its entries fall in (and `state`/`case`/`benefits` when they
// changed), so the history grows by a bounded amount per task, not by the whole journal. Size bound: see MEMO_SIZE_BOUND_BYTES.
import { proxySinks, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { z } from 'zod';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { CaseStatusSchema, perService, serviceAgency, WAITING_ON_KEYS, type AgencyName } from '../domain/catalog';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
import { isCaseClosed, reduceCase } from '../domain/case-state';
import type { CaseEvent, DerivedCase } from '../domain/case-state';
import { shanghaiDate } from '../domain/dates';
import { CaseSearchAttributes } from './birth-case.contract';
import type { BirthCaseInput, BirthCaseState, CaseSinks, SubsidyDecision, WaiverOutcome, WaitingOn } from './birth-case.contract';

export const CASE_MEMO_VERSION = 1;
export const AUDIT_CHUNK_EVENTS = 8;
/**
 * The memo keeps at most this many journal entries; a longer journal (far beyond any case the rules allow:
 * the longest recorded cases have under 80) is read from the workflow by query instead.
 */
export const MAX_MEMO_AUDIT_EVENTS = 480;
/**
 * The bound on the whole memo, encrypted: the largest application the API accepts (its 32 KiB body limit),
 * the derived state, and MAX_MEMO_AUDIT_EVENTS entries with the longest reasons the API accepts (500
 * characters). Temporal refuses memos above 2 MiB (limit.memoSize.error) and warns above 128 KiB per
 * field; tests/unit/case-publication.test.ts checks the worst case against this bound and every field
 * against the 128 KiB warning.
 */
export const MEMO_SIZE_BOUND_BYTES = 1024 * 1024;

/** The read model's sink (registered by every worker: workers/read-model-sink.ts). */
const { readModel } = proxySinks<CaseSinks>();

export const MemoKeys = { case: 'case', state: 'state', benefits: 'benefits', auditPrefix: 'audit.' } as const;
const auditKey = (chunk: number): string => `${MemoKeys.auditPrefix}${chunk}`;

/** Which agency carries each service (the per-agency figures of the dashboard): the catalog's. */
export const SERVICE_AGENCY: Readonly<Record<ServiceKey, AgencyName>> = perService(serviceAgency);

export type AuditEntry = Omit<CaseEvent, 'data'>;
export interface CaseMemoCase {
  v: typeof CASE_MEMO_VERSION;
  caseId: string;
  hospitalId: string;
  application: CaseCreateRequest;
  trackingSecretHash: string;
}
/** When a service was first submitted and when it ended (completed/refused), Shanghai ISO instants. */
export interface ServiceTiming { submittedAt: string | null; endedAt: string | null }
export interface CaseMemoState extends Omit<DerivedCase, 'createdAt' | 'updatedAt' | 'benefits'> {
  v: typeof CASE_MEMO_VERSION;
  timing: Partial<Record<ServiceKey, ServiceTiming>>;
  /** journal entries in all */
  events: number;
  /** journal entries held in the audit.<n> fields (all of them unless the journal passed MAX_MEMO_AUDIT_EVENTS) */
  auditInMemo: number;
}

const stripData = ({ data: _data, ...entry }: CaseEvent): AuditEntry => entry;

export function caseTiming(events: readonly CaseEvent[]): CaseMemoState['timing'] {
  const timing: CaseMemoState['timing'] = {};
  for (const e of events) {
    if (!e.service) continue;
    const t = (timing[e.service] ??= { submittedAt: null, endedAt: null });
    if (e.action === 'service.submitted' && t.submittedAt === null) t.submittedAt = e.at;
    if (e.action === 'service.completed' || e.action === 'service.refused') t.endedAt = e.at;
  }
  return timing;
}

export function memoCase(input: Pick<BirthCaseInput, 'caseId' | 'hospitalId' | 'trackingSecretHash'>, application: CaseCreateRequest): CaseMemoCase {
  return { v: CASE_MEMO_VERSION, caseId: input.caseId, hospitalId: input.hospitalId, application, trackingSecretHash: input.trackingSecretHash };
}

export function memoState(events: readonly CaseEvent[], derived: DerivedCase = reduceCase(events)): CaseMemoState {
  const { createdAt: _c, updatedAt: _u, benefits: _b, ...rest } = derived;
  return { v: CASE_MEMO_VERSION, ...rest, timing: caseTiming(events), events: events.length, auditInMemo: Math.min(events.length, MAX_MEMO_AUDIT_EVENTS) };
}

/** The case as its query answers it and the read model stores it: the journal's derived state, with what the case holds now. */
export function caseStateOf(input: BirthCaseInput, application: CaseCreateRequest, events: readonly CaseEvent[], derived: DerivedCase = reduceCase(events)): BirthCaseState {
  const { caseId, hospitalId, trackingSecretHash } = input;
  return { ...derived, caseId, hospitalId, application, trackingSecretHash, events: [...events] };
}

/** A case as it is before its first journal entry: what the API writes as its first row in the read model (seq 0). */
export const initialCaseState = (input: BirthCaseInput): BirthCaseState => caseStateOf(input, input.application, []);

/** The memo a case starts with when the API has no read model to write its first row to, so that it reads before a worker has run it. */
export function initialCaseMemo(input: BirthCaseInput): Record<string, unknown> {
  return { [MemoKeys.case]: memoCase(input, input.application), [MemoKeys.state]: memoState([]), [MemoKeys.benefits]: null };
}

/** Every memo field for a journal, in full (tests and size checks; the workflow sends only what changed). */
export function fullCaseMemo(input: BirthCaseInput, application: CaseCreateRequest, events: readonly CaseEvent[]): Record<string, unknown> {
  const memo: Record<string, unknown> = { [MemoKeys.case]: memoCase(input, application), [MemoKeys.state]: memoState(events), [MemoKeys.benefits]: reduceCase(events).benefits };
  const kept = events.slice(0, MAX_MEMO_AUDIT_EVENTS);
  for (let n = 0; n * AUDIT_CHUNK_EVENTS < kept.length; n++) memo[auditKey(n)] = kept.slice(n * AUDIT_CHUNK_EVENTS, (n + 1) * AUDIT_CHUNK_EVENTS).map(stripData);
  return memo;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The memo's fields as a reader checks them (a memo is data from Temporal: its shape is checked, not assumed). */
const MemoCaseSchema = z.object({
  v: z.literal(CASE_MEMO_VERSION), caseId: z.string(), hospitalId: z.string(), trackingSecretHash: z.string(),
  application: z.custom<CaseCreateRequest>(isRecord),
});
const MemoStateSchema = z.object({
  v: z.literal(CASE_MEMO_VERSION), events: z.number().int().nonnegative(), auditInMemo: z.number().int().nonnegative(),
  status: CaseStatusSchema, overdue: z.boolean().default(false),
  services: z.custom<DerivedCase['services']>(isRecord), actionsRequired: z.custom<DerivedCase['actionsRequired']>(Array.isArray),
  timing: z.custom<CaseMemoState['timing']>(isRecord),
});
const MemoBenefitsSchema = z.custom<DerivedCase['benefits']>((v) => v === null || isRecord(v)).optional();

/** What the case's memo says, as the query would answer it (events without machine data); null when the memo cannot serve. */
export function caseStateFromMemo(memo: Record<string, unknown> | undefined): BirthCaseState | null {
  const c = MemoCaseSchema.safeParse(memo?.[MemoKeys.case]).data;
  const s = MemoStateSchema.safeParse(memo?.[MemoKeys.state]).data;
  const benefits = MemoBenefitsSchema.safeParse(memo?.[MemoKeys.benefits]);
  if (!c || !s || !benefits.success) return null;
  if (s.auditInMemo < s.events) return null; // a journal longer than the memo keeps: the query has it all
  const events: CaseEvent[] = [];
  for (let n = 0; n * AUDIT_CHUNK_EVENTS < s.auditInMemo; n++) {
    const chunk = memo?.[auditKey(n)];
    if (!Array.isArray(chunk)) return null;
    // The memo's entries are the journal's without their machine data (what the audit view shows).
    events.push(...(chunk as CaseEvent[]));
  }
  if (events.length !== s.events) return null;
  const { v: _v, timing: _t, events: _e, auditInMemo: _a, ...derived } = s;
  return {
    ...derived,
    benefits: benefits.data ?? null,
    createdAt: events[0]?.at ?? null,
    updatedAt: events.at(-1)?.at ?? null,
    caseId: c.caseId,
    hospitalId: c.hospitalId,
    application: c.application,
    trackingSecretHash: c.trackingSecretHash,
    events,
  };
}

// --- search attributes ---

/** Whom a case waits on now: the parents (a name), the clerk (a correction), an officer (a review), an agency (a submission). */
export function waitingOn(derived: Pick<DerivedCase, 'status' | 'services' | 'actionsRequired'>): WaitingOn[] {
  if (isCaseClosed(derived.status)) return [];
  const who = new Set<WaitingOn>();
  // The parents: a name, or originals another place asked them to post (issue 19).
  for (const a of derived.actionsRequired) who.add(a.kind === 'newborn_name' || a.kind === 'originals' ? 'parent' : 'clerk');
  for (const s of Object.values(derived.services)) {
    if (s.status === 'under_review') who.add('officer');
    if (s.status === 'submitted') who.add('agency');
  }
  return WAITING_ON_KEYS.filter((w) => who.has(w));
}

/** The premium waiver's outcome and, when lost, why (a failed condition's code, or NOT_ENROLLED). */
export function waiverOutcome(derived: Pick<DerivedCase, 'status' | 'benefits' | 'services'>): { outcome: WaiverOutcome; lostReason: string | null } {
  const waiver = derived.benefits?.premiumWaiver;
  if (!waiver) return { outcome: 'pending', lostReason: null };
  // Insured at home, outside Jinan (issue 19; no case before it was insured elsewhere): Jinan's waiver never applied.
  const never = waiver.failed.find((f) => ['BIRTH_ORDER_NOT_ELIGIBLE', 'BORN_BEFORE_ELIGIBLE_DATE', 'NO_RULE_FOR_BIRTH_DATE', 'ENROLMENT_NOT_IN_JINAN'].includes(f.code));
  if (never) return { outcome: 'not_applicable', lostReason: null };
  if (!waiver.eligible) return { outcome: 'lost', lostReason: waiver.failed[0]?.code ?? 'NOT_ELIGIBLE' };
  if (!waiver.pending) return { outcome: 'granted', lostReason: null };
  // Eligible so far, but the case ended (or insurance ended) without an enrolment: the window is missed.
  const insurance = derived.services.medicalInsurance.status;
  if (isCaseClosed(derived.status) || ['refused', 'skipped', 'cancelled'].includes(insurance)) return { outcome: 'lost', lostReason: 'NOT_ENROLLED' };
  return { outcome: 'pending', lostReason: null };
}

export function childcareSubsidyDecision(derived: Pick<DerivedCase, 'benefits'>): SubsidyDecision {
  const subsidy = derived.benefits?.childcareSubsidy;
  if (!subsidy || subsidy.pending) return 'pending';
  return subsidy.eligible ? 'granted' : 'refused';
}

/**
 * The birth date only (midnight, +08:00): search attributes are stored and shown in the clear (a Temporal
 * UI without a login shows them), so the instant of birth stays in the encrypted input and memo.
 */
export const bornOnValue = (birthAt: string): Date => new Date(`${shanghaiDate(birthAt)}T00:00:00+08:00`);

/** The search attributes this module keeps (not `overdue`, which the overdue escalation sets). */
export function caseSearchAttributes(hospitalId: string, application: CaseCreateRequest, derived: DerivedCase): SearchAttributeUpdatePair[] {
  const waiver = waiverOutcome(derived);
  return [
    { key: CaseSearchAttributes.hospitalId, value: hospitalId },
    { key: CaseSearchAttributes.status, value: derived.status },
    { key: CaseSearchAttributes.bornOn, value: bornOnValue(application.newborn.birthAt) },
    { key: CaseSearchAttributes.waitingOn, value: waitingOn(derived) },
    { key: CaseSearchAttributes.waiverOutcome, value: waiver.outcome },
    { key: CaseSearchAttributes.waiverLostReason, value: waiver.lostReason },
    { key: CaseSearchAttributes.childcareSubsidy, value: childcareSubsidyDecision(derived) },
  ];
}

/**
 * Publishes a case from inside its workflow: the memo fields and search attributes that changed since the
 * last publication (one upsert of each at most per publication).
 *
 * Two rhythms. Cases started before the `lean-history` patch publish at every journal entry
 * (`publish()`), and must keep doing so to replay. Newer cases stage each entry (`stage()`) and publish once
 * per workflow task (`flush()`, called by the journal at the end of the activation and before the case
 * returns or continues as new): a task that records three entries writes one memo upsert and one search
 * attribute upsert instead of three of each, and only the attributes whose value changed.
 */
export class CasePublisher {
  private last: Record<string, string> = {};
  private lastAttributes = '';
  private lastAttributeValues: Record<string, string> = {};
  private staged: { events: readonly CaseEvent[]; derived: DerivedCase; application: CaseCreateRequest } | null = null;
  /** journal entries already in the memo (a continued run starts with its predecessor's, which the memo carries over) */
  private publishedEvents: number;

  /**
   * @param resumedEvents journal entries a continued run starts with
   * @param readModelOnly publish to the read model only, no memo or search attribute (patch read-model)
   */
  constructor(private readonly input: BirthCaseInput, resumedEvents = 0, private readonly readModelOnly = false) {
    this.publishedEvents = resumedEvents;
  }

  /** The memo fields that differ from the last publication (and remembers them as published). */
  private changedMemo(events: readonly CaseEvent[], derived: DerivedCase, application: CaseCreateRequest): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      [MemoKeys.case]: memoCase(this.input, application), [MemoKeys.state]: memoState(events, derived), [MemoKeys.benefits]: derived.benefits,
    };
    const n = events.length;
    if (n > 0 && n <= MAX_MEMO_AUDIT_EVENTS) {
      // Every chunk touched since the last publication (a task may cross a chunk boundary).
      const first = Math.floor(Math.min(this.publishedEvents, n - 1) / AUDIT_CHUNK_EVENTS);
      for (let chunk = first; chunk * AUDIT_CHUNK_EVENTS < n; chunk++) {
        fields[auditKey(chunk)] = events.slice(chunk * AUDIT_CHUNK_EVENTS, Math.min(n, (chunk + 1) * AUDIT_CHUNK_EVENTS)).map(stripData);
      }
    }
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      const json = JSON.stringify(value);
      if (this.last[key] !== json) {
        this.last[key] = json;
        changed[key] = value;
      }
    }
    this.publishedEvents = n;
    return changed;
  }

  /** The case as its query answers it, to the read model (a sink: no history event, nothing on replay). */
  private project(events: readonly CaseEvent[], derived: DerivedCase, application: CaseCreateRequest): void {
    readModel.publish(caseStateOf(this.input, application, events, derived), events.length);
  }

  /** Per journal entry (cases started before `lean-history`): the memo, then every search attribute if any changed. */
  publish(events: readonly CaseEvent[], derived: DerivedCase, application: CaseCreateRequest): void {
    this.project(events, derived, application);
    this.publishedEvents = Math.max(0, events.length - 1); // this rhythm rewrites the last entry's chunk only
    const changed = this.changedMemo(events, derived, application);
    if (Object.keys(changed).length > 0) upsertMemo(changed);

    const attributes = caseSearchAttributes(this.input.hospitalId, application, derived);
    const json = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (json !== this.lastAttributes) {
      this.lastAttributes = json;
      upsertSearchAttributes(attributes);
    }
  }

  /** Per journal entry (newer cases): remembers the case as it now is, for the next flush(). */
  stage(events: readonly CaseEvent[], derived: DerivedCase, application: CaseCreateRequest): void {
    this.staged = { events, derived, application };
  }

  get pending(): boolean {
    return this.staged !== null;
  }

  /** Publishes what changed since the last flush: to the read model, and (before patch read-model) at most one memo upsert and one search-attribute upsert. */
  flush(): void {
    const staged = this.staged;
    if (!staged) return;
    this.staged = null;
    this.project(staged.events, staged.derived, staged.application);
    if (this.readModelOnly) return;
    const changed = this.changedMemo(staged.events, staged.derived, staged.application);
    if (Object.keys(changed).length > 0) upsertMemo(changed);
    const attributes = [
      ...caseSearchAttributes(this.input.hospitalId, staged.application, staged.derived),
      { key: CaseSearchAttributes.overdue, value: staged.derived.overdue },
    ] satisfies SearchAttributeUpdatePair[];
    const upserts = attributes.filter((a) => {
      const json = JSON.stringify(a.value);
      if (this.lastAttributeValues[a.key.name] === json) return false;
      this.lastAttributeValues[a.key.name] = json;
      return true;
    });
    if (upserts.length > 0) upsertSearchAttributes(upserts);
  }
}
