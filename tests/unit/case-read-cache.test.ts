// The API's case-read cache, over a fake Temporal client that counts describe calls: concurrent reads of a
// case share one describe, a write through this process shows on the next read, the TTL expires, failures
// are not kept, the cache stays bounded — and the clerk's hospital check still runs on a cached state.
import type { Client } from '@temporalio/client';
import { createCaseReadCache } from '../../api/case-read-cache';
import { createCaseRepository } from '../../api/case-repository';
import type { CaseSource } from '../../api/case-repository';
import { ApiError } from '../../api/errors';
import type { BirthCaseState } from '../../workflows/birth-case.contract';

const CASE_A = '0123456789ABCDEF';
const CASE_B = '0123456789ABCDEG';

/** A state the fake hands out: only the fields these tests look at. */
const stateOf = (caseId: string, version: number, hospitalId = 'H0001') =>
  ({ caseId, hospitalId, status: 'in_progress', version, events: [] }) as unknown as BirthCaseState;

interface Fake {
  client: Client;
  describes: Map<string, number>;
  /** what the next describe of a case answers: a state or an error */
  answer: Map<string, () => BirthCaseState>;
  /** resolves the describes held back while `hold` is set */
  release(): void;
  hold: boolean;
}

// The reader's memo decoding is stubbed: the fake's describe returns the state itself as its "memo".
jest.mock('../../workflows/case-publication', () => ({ caseStateFromMemo: (memo: unknown) => memo }));

function fakeClient(): Fake {
  const held: Array<() => void> = [];
  const fake: Fake = {
    describes: new Map(),
    answer: new Map(),
    hold: false,
    release: () => { for (const go of held.splice(0)) go(); },
    client: undefined as unknown as Client,
  };
  fake.client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        describe: async () => {
          const caseId = workflowId.replace(/^.*?([0-9A-Z]{16})$/, '$1');
          fake.describes.set(caseId, (fake.describes.get(caseId) ?? 0) + 1);
          if (fake.hold) await new Promise<void>((go) => held.push(go));
          const answer = fake.answer.get(caseId);
          if (!answer) throw new Error(`no such case ${caseId}`);
          return { memo: answer(), historyLength: 3 }; // a fresh case: its memo serves
        },
        query: async () => { throw new Error('not used'); },
      }),
    },
  } as unknown as Client;
  return fake;
}

function setUp(options: { ttlMs?: number; max?: number } = {}) {
  const fake = fakeClient();
  let clock = 1_000;
  const cache = createCaseReadCache({ ttlMs: options.ttlMs ?? 300, max: options.max ?? 100, now: () => clock });
  const sources: CaseSource[] = [];
  const reader = createCaseRepository({ client: fake.client, pageTokenKey: 'test-key', cache, onRead: (s) => sources.push(s) });
  return { fake, cache, reader, sources, advance: (ms: number) => { clock += ms; } };
}

test('when fifty reads of one case arrive together, then one describe serves them all, and reads within the TTL need none', async () => {
  const { fake, reader, sources } = setUp();
  fake.answer.set(CASE_A, () => stateOf(CASE_A, 1));
  fake.hold = true;
  const reads = Array.from({ length: 50 }, () => reader.read(CASE_A));
  await new Promise((go) => setImmediate(go));
  fake.release();
  const states = await Promise.all(reads);
  expect(states.every((s) => s.caseId === CASE_A)).toBe(true);
  expect(fake.describes.get(CASE_A)).toBe(1);
  fake.hold = false;
  await reader.read(CASE_A);
  expect(fake.describes.get(CASE_A)).toBe(1);
  expect(sources.filter((s) => s === 'memo')).toHaveLength(1);
  expect(sources.filter((s) => s === 'cache')).toHaveLength(50);
});

test('when the TTL has passed, then the next read describes the case again and sees its change', async () => {
  const { fake, reader, advance } = setUp({ ttlMs: 300 });
  let version = 1;
  fake.answer.set(CASE_A, () => stateOf(CASE_A, version));
  expect(await reader.read(CASE_A)).toMatchObject({ version: 1 });
  version = 2; // changed elsewhere (the worker, another API process)
  advance(300); // lru-cache serves an entry while its age is at most the TTL
  expect(await reader.read(CASE_A)).toMatchObject({ version: 1 });
  advance(1);
  expect(await reader.read(CASE_A)).toMatchObject({ version: 2 });
  expect(fake.describes.get(CASE_A)).toBe(2);
});

test('when this process writes to a case, then the next read describes it again — even if a describe begun before the write ends after it', async () => {
  const { fake, reader } = setUp({ ttlMs: 60_000 });
  let version = 1;
  fake.answer.set(CASE_A, () => stateOf(CASE_A, version));
  expect(await reader.read(CASE_A)).toMatchObject({ version: 1 });

  // A read in flight across the write: it answers the old state, but must not be kept.
  reader.invalidate(CASE_A);
  fake.hold = true;
  const before = reader.read(CASE_A);
  await new Promise((go) => setImmediate(go));
  version = 2;
  reader.invalidate(CASE_A); // the write
  fake.hold = false;
  const after = reader.read(CASE_A); // does not join the flight begun before the write
  expect(await after).toMatchObject({ version: 2 });
  fake.release();
  expect(await before).toMatchObject({ version: 2 }); // the fake answers at release time
  expect(await reader.read(CASE_A)).toMatchObject({ version: 2 });
  expect(fake.describes.get(CASE_A)).toBe(3);
});

test('when a flight begun before a write answers the old state late, then it is not kept', async () => {
  const { fake, reader } = setUp({ ttlMs: 60_000 });
  let version = 1;
  fake.answer.set(CASE_A, () => stateOf(CASE_A, version));
  fake.hold = true;
  const stale = reader.read(CASE_A);
  await new Promise((go) => setImmediate(go));
  fake.answer.set(CASE_A, () => stateOf(CASE_A, 1)); // this flight saw the case before the write
  fake.release();
  reader.invalidate(CASE_A); // the write lands while the answer is on its way
  fake.hold = false;
  expect(await stale).toMatchObject({ version: 1 });
  version = 2;
  fake.answer.set(CASE_A, () => stateOf(CASE_A, version));
  expect(await reader.read(CASE_A)).toMatchObject({ version: 2 });
});

test('when a fresh read is asked for (before a write), then it skips the cache and refills it', async () => {
  const { fake, reader } = setUp({ ttlMs: 60_000 });
  let version = 1;
  fake.answer.set(CASE_A, () => stateOf(CASE_A, version));
  await reader.read(CASE_A);
  version = 2;
  expect(await reader.read(CASE_A, { fresh: true })).toMatchObject({ version: 2 });
  expect(await reader.read(CASE_A)).toMatchObject({ version: 2 });
  expect(fake.describes.get(CASE_A)).toBe(2);
});

test('when a describe fails, then the failure is not kept: the next read describes again', async () => {
  const { fake, reader } = setUp({ ttlMs: 60_000 });
  await expect(reader.read(CASE_A)).rejects.toThrow('no such case');
  await expect(reader.read(CASE_A)).rejects.toThrow('no such case');
  expect(fake.describes.get(CASE_A)).toBe(2);
  fake.answer.set(CASE_A, () => stateOf(CASE_A, 1));
  expect(await reader.read(CASE_A)).toMatchObject({ version: 1 });
  expect(fake.describes.get(CASE_A)).toBe(3);
});

test('when more cases are read than the cache holds, then it keeps at most its bound, dropping the least recently read', async () => {
  const { fake, cache, reader } = setUp({ ttlMs: 60_000, max: 3 });
  const ids = Array.from({ length: 10 }, (_, i) => `0123456789ABCD${String(i).padStart(2, '0')}`);
  for (const id of ids) fake.answer.set(id, () => stateOf(id, 1));
  for (const id of ids) await reader.read(id);
  expect(cache.size).toBe(3);
  await reader.read(ids[9] as string);
  expect(fake.describes.get(ids[9] as string)).toBe(1);
  await reader.read(ids[0] as string);
  expect(fake.describes.get(ids[0] as string)).toBe(2);
});

test('when the TTL is 0, then every read describes (the cache is off)', async () => {
  const { fake, cache, reader } = setUp({ ttlMs: 0 });
  fake.answer.set(CASE_A, () => stateOf(CASE_A, 1));
  await reader.read(CASE_A);
  await reader.read(CASE_A);
  expect(fake.describes.get(CASE_A)).toBe(2);
  expect(cache.size).toBe(0);
});

test('when a clerk of another hospital reads a cached case, then she gets 404 as without the cache', async () => {
  const { fake, reader } = setUp({ ttlMs: 60_000 });
  fake.answer.set(CASE_B, () => stateOf(CASE_B, 1, 'H0001'));
  const own = await reader.load(CASE_B, { sub: 'c1', role: 'clerk', hospitalId: 'H0001' });
  expect(own.caseId).toBe(CASE_B);
  const other = reader.load(CASE_B, { sub: 'c2', role: 'clerk', hospitalId: 'H0002' });
  await expect(other).rejects.toBeInstanceOf(ApiError);
  await expect(other).rejects.toMatchObject({ code: 'NOT_FOUND' });
  expect(fake.describes.get(CASE_B)).toBe(1);
});
