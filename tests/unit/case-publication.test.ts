// The memo a case publishes: it reads back as the case, it stays within its stated size bound for the
// longest case the API lets in, and the incremental upserts add up to the full memo.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { CaseEvent } from '../../domain/case-log';
import { benefitsInputFor, decideBenefits, type Benefits } from '../../domain/policy';
import { reduceCase } from '../../domain/case-state';
import { EncryptionCodec } from '../../infra/payload-codec';
import type { BirthCaseInput, BirthCaseState } from '../../workflows/birth-case.contract';
import {
  AUDIT_CHUNK_EVENTS, MemoKeys, caseStateFromMemo, CasePublisher, fullCaseMemo, initialCaseMemo, MAX_MEMO_AUDIT_EVENTS, MEMO_SIZE_BOUND_BYTES,
  waiverOutcome, waitingOn, caseSearchAttributes, bornOnValue,
} from '../../workflows/case-publication';
import { application } from '../helpers/fixtures';

const upserted: Array<Record<string, unknown>> = [];
const attributeUpserts: Array<Array<{ key: { name: string }; value: unknown }>> = [];
jest.mock('@temporalio/workflow', () => ({
  ...jest.requireActual('@temporalio/workflow'),
  upsertMemo: (memo: Record<string, unknown>) => upserted.push(memo),
  upsertSearchAttributes: (pairs: Array<{ key: { name: string }; value: unknown }>) => attributeUpserts.push(pairs),
  // the read model's sink (issue 21): what the worker would be handed
  proxySinks: () => ({ readModel: { publish: (state: BirthCaseState, seq: number) => published.push({ state, seq }) } }),
}));
const published: Array<{ state: BirthCaseState; seq: number }> = [];

// The size bound must hold with compression off too (PAYLOAD_COMPRESSION=false): measured uncompressed.
const codec = new EncryptionCodec(randomBytes(32), { compress: false });
const clerk = { role: 'clerk' as const, id: 'clerk-1' };

function input(app = application()): BirthCaseInput {
  return {
    caseId: 'ABCDEFGHJKMNPQRS', hospitalId: 'H0001', acceptedBy: clerk, application: app, trackingSecretHash: 'f'.repeat(64), trackingCode: 'x',
    settings: { correctionDueSeconds: 600, agencyPollSeconds: 1 },
  };
}

/** A journal entry, checked against the case log's schema like any entry the workflow records. */
function event(seq: number, over: Record<string, unknown> = {}): CaseEvent {
  return CaseEvent.parse({ seq, at: `2026-11-29T10:00:${String(seq % 60).padStart(2, '0')}.000+08:00`, actor: clerk, action: 'notification.sent', service: null, attempt: null, outcome: 'ok', reason: 'service_completed', ...over });
}

/** The bytes Temporal stores for each memo field: JSON payload, then encrypted by the codec. */
async function encodedSizes(memo: Record<string, unknown>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(memo)) {
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    out[key] = (payload?.data?.length ?? 0) + Object.values(payload?.metadata ?? {}).reduce((n, m) => n + m.length, 0);
  }
  return out;
}

async function roundTrip(memo: Record<string, unknown>): Promise<Record<string, unknown>> {
  const back: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(memo)) {
    const [decoded] = await codec.decode(await codec.encode([defaultPayloadConverter.toPayload(value)]));
    back[key] = defaultPayloadConverter.fromPayload(decoded!);
  }
  return back;
}

const journal = (n: number): CaseEvent[] => [
  event(1, { action: 'case.accepted', data: { newbornNameMissing: false } }),
  ...Array.from({ length: n - 1 }, (_, i) => event(i + 2, { action: 'service.submitted', service: 'vaccination', attempt: 1, outcome: 'pending', data: { result: { applicationNumber: 'A1' } } })),
];

test('when a memo is read back through the codec, then it is the case as the query shows it, without machine data', async () => {
  const i = input();
  const events = journal(40);
  const state = caseStateFromMemo(await roundTrip(fullCaseMemo(i, i.application, events)));
  const derived = reduceCase(events);
  expect(state).toEqual({
    ...derived, caseId: i.caseId, hospitalId: i.hospitalId, application: i.application, trackingSecretHash: i.trackingSecretHash,
    events: events.map(({ data: _d, ...e }) => e),
  });
});

test('when a case has just started, then its initial memo reads as an accepted case with no entries', async () => {
  const i = input();
  const state = caseStateFromMemo(await roundTrip(initialCaseMemo(i)));
  expect(state).toMatchObject({ status: 'accepted', caseId: i.caseId, events: [], createdAt: null });
});

test('when a memo misses a chunk or the journal passed the memo\'s limit, then the memo does not serve (the query does)', () => {
  const i = input();
  const memo = fullCaseMemo(i, i.application, journal(40));
  delete memo['audit.1'];
  expect(caseStateFromMemo(memo)).toBeNull();
  expect(caseStateFromMemo(fullCaseMemo(i, i.application, journal(MAX_MEMO_AUDIT_EVENTS + 1)))).toBeNull();
  expect(caseStateFromMemo(undefined)).toBeNull();
});

test('when the journal grows entry by entry, then the upserts merge into the full memo and each rewrites one chunk at most', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), (n) => {
    upserted.length = 0;
    const i = input();
    const publisher = new CasePublisher(i);
    const events = journal(n);
    for (let k = 1; k <= n; k++) publisher.publish(events.slice(0, k), reduceCase(events.slice(0, k)), i.application);
    const merged = Object.assign({}, ...upserted);
    expect(merged).toEqual(fullCaseMemo(i, i.application, events));
    for (const u of upserted) expect(Object.keys(u).filter((k) => k.startsWith('audit.')).length).toBeLessThanOrEqual(1);
  }), { numRuns: 20 });
});

test('when a case publishes once per workflow task, then the upserts still merge into the full memo, one of each per task at most', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 40 }), (n, taskSizes) => {
    upserted.length = 0;
    published.length = 0;
    const i = input();
    const publisher = new CasePublisher(i);
    const events = journal(n);
    let k = 0;
    let tasks = 0;
    for (const size of [...taskSizes, n]) {
      if (k >= n) break;
      const before = upserted.length;
      for (const end = Math.min(n, k + size); k < end; k++) publisher.stage(events.slice(0, k + 1), reduceCase(events.slice(0, k + 1)), i.application);
      expect(publisher.pending).toBe(true);
      publisher.flush();
      tasks += 1;
      expect(publisher.pending).toBe(false);
      expect(upserted.length - before).toBeLessThanOrEqual(1);
    }
    expect(Object.assign({}, ...upserted)).toEqual(fullCaseMemo(i, i.application, events));
    expect(upserted.length).toBeLessThanOrEqual(tasks);
    // The read model gets the whole case once per task, in journal order, the last with every entry.
    expect(published).toHaveLength(tasks);
    expect(published.map((p) => p.seq)).toEqual([...published.map((p) => p.seq)].sort((a, b) => a - b));
    expect(published.at(-1)).toEqual({ seq: n, state: { ...reduceCase(events), caseId: i.caseId, hospitalId: i.hospitalId, application: i.application, trackingSecretHash: i.trackingSecretHash, events } });
    publisher.flush(); // nothing staged: nothing written
    expect(upserted.length).toBeLessThanOrEqual(tasks);
    expect(published).toHaveLength(tasks);
  }), { numRuns: 40 });
});

test('when a case publishes once per task, then each search-attribute upsert carries only what changed, the overdue mark included', () => {
  attributeUpserts.length = 0;
  const i = input();
  const publisher = new CasePublisher(i);
  const events = journal(3);
  const names = (pairs: Array<{ key: { name: string } }>): string[] => pairs.map((p) => p.key.name).sort();
  publisher.stage(events.slice(0, 1), reduceCase(events.slice(0, 1)), i.application);
  publisher.flush();
  expect(names(attributeUpserts[0]!)).toEqual(expect.arrayContaining(['BirthCaseHospitalId', 'BirthCaseStatus', 'BirthCaseOverdue']));
  publisher.stage(events.slice(0, 2), reduceCase(events.slice(0, 2)), i.application);
  publisher.flush();
  // the case went from accepted to in progress: the status and whom it waits on, nothing else
  expect(names(attributeUpserts[1]!)).toEqual(['BirthCaseStatus', 'BirthCaseWaitingOn']);
  publisher.stage(events.slice(0, 2), reduceCase(events.slice(0, 2)), i.application);
  publisher.flush();
  expect(attributeUpserts).toHaveLength(2); // nothing changed: no upsert
  const overdue = { ...reduceCase(events.slice(0, 2)), overdue: true };
  publisher.stage(events.slice(0, 2), overdue, i.application);
  publisher.flush();
  expect(attributeUpserts[2]).toEqual([expect.objectContaining({ key: expect.objectContaining({ name: 'BirthCaseOverdue' }), value: true })]);
});

test('when a continued run resumes a journal, then its first publication rewrites the chunk it appends to, not the whole audit', () => {
  upserted.length = 0;
  const i = input();
  const events = journal(30);
  const publisher = new CasePublisher(i, 27);
  publisher.stage(events, reduceCase(events), i.application);
  publisher.flush();
  expect(Object.keys(upserted[0]!).filter((k) => k.startsWith('audit.'))).toEqual(['audit.3']);
});

test(`when a case is as long as the memo keeps (${MAX_MEMO_AUDIT_EVENTS} entries, the longest texts the API accepts), then the encrypted memo stays under its bound`, async () => {
  const app = application();
  // The API refuses bodies over 32 KiB: fill the application up to that.
  app.delivery.address = '济'.repeat(200);
  const big = { ...app, newborn: { ...app.newborn, name: '安'.repeat(40) } };
  const pad = 32 * 1024 - Buffer.byteLength(JSON.stringify(big));
  const padded = { ...big, mother: { ...big.mother, name: big.mother.name + 'x'.repeat(Math.max(0, pad)) } };
  const longReason = '因'.repeat(500);
  const events = Array.from({ length: MAX_MEMO_AUDIT_EVENTS }, (_, k) => event(k + 1, { action: 'case.corrected', data: { paths: ['delivery.address'] }, reason: longReason, actor: { role: 'clerk', id: 'c'.repeat(64) } }));
  const sizes = await encodedSizes(fullCaseMemo(input(padded), padded, events));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  expect(total).toBeLessThan(MEMO_SIZE_BOUND_BYTES);
  expect(MEMO_SIZE_BOUND_BYTES).toBeLessThanOrEqual(2 * 1024 * 1024 / 2); // half of Temporal's memo limit
  for (const size of Object.values(sizes)) expect(size).toBeLessThan(128 * 1024);
  expect(Object.keys(sizes).filter((k) => k.startsWith('audit.'))).toHaveLength(MAX_MEMO_AUDIT_EVENTS / AUDIT_CHUNK_EVENTS);
});

test('when cases wait on different people, then waitingOn names each, and a closed case waits on nobody', () => {
  const base = reduceCase(journal(1));
  expect(waitingOn(base)).toEqual([]);
  const review = { ...base, status: 'in_progress' as const, services: { ...base.services, household: { status: 'under_review' as const, attempts: 1 }, vaccination: { status: 'submitted' as const, attempts: 1 } } };
  expect(waitingOn(review)).toEqual(['officer', 'agency']);
  const asked = { ...base, status: 'action_required' as const, actionsRequired: [{ kind: 'newborn_name' as const, service: null, items: [], dueAt: null }, { kind: 'correction' as const, service: 'birthCertificate' as const, items: [], dueAt: null }] };
  expect(waitingOn(asked)).toEqual(['parent', 'clerk']);
  expect(waitingOn({ ...review, status: 'cancelled' })).toEqual([]);
});

test('when the premium waiver is decided, then its outcome says granted, pending, lost (with why) or not applicable', () => {
  const base = reduceCase(journal(1));
  const decided = decideBenefits(benefitsInputFor(application()));
  const waiver = (w: Partial<Benefits['premiumWaiver']>) => ({ ...base, benefits: { ...decided, premiumWaiver: { ...decided.premiumWaiver, eligible: true, pending: false, failed: [], ...w } } });
  expect(waiverOutcome(waiver({}))).toEqual({ outcome: 'granted', lostReason: null });
  expect(waiverOutcome(waiver({ pending: true }))).toEqual({ outcome: 'pending', lostReason: null });
  expect(waiverOutcome({ ...waiver({ pending: true }), status: 'partially_completed' })).toEqual({ outcome: 'lost', lostReason: 'NOT_ENROLLED' });
  expect(waiverOutcome(waiver({ eligible: false, failed: [{ code: 'ENROLMENT_AFTER_DEADLINE', message: '', clause: '' }] }))).toEqual({ outcome: 'lost', lostReason: 'ENROLMENT_AFTER_DEADLINE' });
  expect(waiverOutcome(waiver({ eligible: false, failed: [{ code: 'BIRTH_ORDER_NOT_ELIGIBLE', message: '', clause: '' }] }))).toEqual({ outcome: 'not_applicable', lostReason: null });
});

test('when a case publishes its search attributes, then BirthCaseBornOn holds the birth date at midnight +08:00, not the instant of birth', () => {
  const app = application({ newborn: { birthAt: '2026-11-20T23:59:30+08:00' } });
  const pair = caseSearchAttributes('H0001', app, reduceCase([])).find((a) => a.key.name === 'BirthCaseBornOn');
  expect((pair?.value as Date).toISOString()).toBe('2026-11-19T16:00:00.000Z');
  expect(bornOnValue('2026-11-20T00:10:00+08:00').toISOString()).toBe('2026-11-19T16:00:00.000Z');
});

test('when a memo field has the wrong shape (data from Temporal is not trusted), then the memo does not serve and the read falls back', () => {
  const memo = fullCaseMemo(input(), application(), journal(3));
  expect(caseStateFromMemo(memo)?.events).toHaveLength(3);
  const state = memo[MemoKeys.state] as Record<string, unknown>;
  for (const broken of [{ ...state, status: 'hacked' }, { ...state, services: [] }, { ...state, events: -1 }, { ...state, v: 2 }, null]) {
    expect(caseStateFromMemo({ ...memo, [MemoKeys.state]: broken })).toBeNull();
  }
  expect(caseStateFromMemo({ ...memo, [MemoKeys.case]: { ...(memo[MemoKeys.case] as object), caseId: 7 } })).toBeNull();
  expect(caseStateFromMemo({ ...memo, [MemoKeys.benefits]: 'granted' })).toBeNull();
});
