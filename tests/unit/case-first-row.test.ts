// A case's first row: the API writes it to the read model as it files the case (seq 0, no journal entry),
// and Temporal is given no memo. While the row is that first one, a read asks Temporal whether a worker has
// done the case's first task — if not, the case as filed; if so, the workflow (its publication is on its
// way); and the case as filed when Temporal cannot say. A fake client stands for Temporal.
import type { Client } from '@temporalio/client';
import { createCaseRepository } from '../../api/case-repository';
import type { CaseSource } from '../../api/case-repository';
import type { BirthCaseState } from '../../workflows/birth-case.contract';

const CASE_ID = '0123456789ABCDEF';
const state = (status: string, events: number) => ({ caseId: CASE_ID, hospitalId: 'H0001', status, events: Array.from({ length: events }, () => ({})) }) as unknown as BirthCaseState;
const FILED = state('in_progress', 0);
const QUERIED = state('in_progress', 3);

function setUp(temporal: { historyLength?: number; describeFails?: boolean }, row: { seq: number; state: BirthCaseState } | null) {
  const sources: CaseSource[] = [];
  const calls = { describe: 0, query: 0 };
  const client = {
    workflow: {
      getHandle: () => ({
        describe: async () => {
          calls.describe++;
          if (temporal.describeFails) throw new Error('deadline exceeded');
          return { memo: undefined, historyLength: temporal.historyLength ?? 2 };
        },
        query: async () => { calls.query++; return QUERIED; },
      }),
    },
  } as unknown as Client;
  const readModel = { get: async () => row, list: async () => ({ cases: [], next: null }) };
  const cases = createCaseRepository({ client, pageTokenKey: 'test-key', readModel, onRead: (s) => sources.push(s) });
  return { cases, sources, calls };
}

test('when no worker has done the case\'s first task, then the case reads as filed, from its first row', async () => {
  const { cases, sources, calls } = setUp({ historyLength: 2 }, { seq: 0, state: FILED });
  expect(await cases.read(CASE_ID)).toBe(FILED);
  expect(sources).toEqual(['readModel']);
  expect(calls).toEqual({ describe: 1, query: 0 });
});

test('when a worker has done the first task but its publication has not landed, then the case reads from the workflow', async () => {
  const { cases, sources } = setUp({ historyLength: 5 }, { seq: 0, state: FILED });
  expect(await cases.read(CASE_ID)).toBe(QUERIED);
  expect(sources).toEqual(['query']);
});

test('when Temporal cannot be asked, then the case reads as filed rather than not at all', async () => {
  const { cases, sources } = setUp({ describeFails: true }, { seq: 0, state: FILED });
  expect(await cases.read(CASE_ID)).toBe(FILED);
  expect(sources).toEqual(['readModel']);
});

test('when the row is a publication of the workflow\'s (seq ≥ 1), then Temporal is not asked at all', async () => {
  const published = state('in_progress', 3);
  const { cases, calls } = setUp({ describeFails: true }, { seq: 3, state: published });
  expect(await cases.read(CASE_ID)).toBe(published);
  expect(calls).toEqual({ describe: 0, query: 0 });
});
