// Twins' cases shown to each other (issue 22): the other children of a delivery are found among the
// hospital's cases born within a day, matched by the mother's ID number server-side — never by a search
// attribute holding personal data.
import { caseDelivery, MAX_CANDIDATES } from '../../api/delivery';
import type { CaseRepository, CaseSummary } from '../../api/case-repository';
import { CaseEvent } from '../../domain/case-log';
import { reduceCase } from '../../domain/case-state';
import type { CaseListQuery } from '../../api/cases.schemas';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application, type ApplicationInput } from '../helpers/fixtures';

const accepted = reduceCase([CaseEvent.parse({
  seq: 1, at: '2026-11-20T10:00:00+08:00', actor: { role: 'system', id: null }, action: 'case.accepted', service: null, attempt: 1, outcome: 'ok', reason: null,
  data: { newbornNameMissing: false },
})]);
let n = 0;
function caseOf(input: ApplicationInput, hospitalId = 'H0001'): BirthCaseState {
  n += 1;
  return { ...accepted, caseId: `C${String(n).padStart(15, '0')}`, hospitalId, application: application(input), trackingSecretHash: 'x', events: [] };
}

/** A repository over the given cases; `list` filters by hospital and Shanghai birth day as the visibility query does. */
function repositoryOf(all: BirthCaseState[], pageSize = 100): Pick<CaseRepository, 'list' | 'read'> & { listed: CaseListQuery[] } {
  const listed: CaseListQuery[] = [];
  return {
    listed,
    async list(filter, hospitalId) {
      listed.push(filter);
      const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
      const hits: CaseSummary[] = all
        .filter((c) => (hospitalId === null || c.hospitalId === hospitalId) && day(c.application.newborn.birthAt) >= (filter.bornFrom ?? '') && day(c.application.newborn.birthAt) <= (filter.bornTo ?? '9999'))
        .map((c) => ({ caseId: c.caseId, status: c.status, hospitalId: c.hospitalId, bornAt: c.application.newborn.birthAt, createdAt: null }));
      const from = filter.pageToken ? Number(filter.pageToken) : 0;
      const size = Math.min(pageSize, filter.pageSize);
      return { cases: hits.slice(from, from + size), nextPageToken: from + size < hits.length ? String(from + size) : null };
    },
    async read(caseId) {
      const c = all.find((x) => x.caseId === caseId);
      if (!c) throw new Error('not found');
      return c;
    },
  };
}

describe('the other children of a delivery', () => {
  const mother = { idNumber: application().mother.idNumber };
  const twinA = caseOf({ mother, newborn: { birthAt: '2026-11-20T23:50:00+08:00', birthOrder: 2, multipleBirth: { children: 2, position: 1 } } });
  // Born after midnight: the next day, the same delivery.
  const twinB = caseOf({ mother, newborn: { name: '李安宁', birthAt: '2026-11-21T00:05:00+08:00', birthOrder: 3, multipleBirth: { children: 2, position: 2 } } });
  const otherMother = caseOf({ newborn: { birthAt: '2026-11-20T23:55:00+08:00', birthOrder: 3, multipleBirth: { children: 2, position: 2 } } });
  const singleSameMother = caseOf({ mother, newborn: { birthAt: '2026-11-20T23:50:00+08:00', birthOrder: 4 } });
  const otherHospital = caseOf({ mother, newborn: { birthAt: '2026-11-21T00:06:00+08:00', birthOrder: 3, multipleBirth: { children: 2, position: 2 } } }, 'H0002');

  it('when twins are born either side of midnight, then each case finds the other, and no other mother’s child, single birth or other hospital’s case', async () => {
    const repo = repositoryOf([twinA, twinB, otherMother, singleSameMother, otherHospital]);
    const a = await caseDelivery(repo, twinA);
    expect(a).toEqual({ children: 2, position: 1, complete: true, siblings: [expect.objectContaining({ caseId: twinB.caseId, position: 2, birthOrder: 3, newbornName: '李安宁' })] });
    const b = await caseDelivery(repo, twinB);
    expect(b.siblings.map((s) => s.caseId)).toEqual([twinA.caseId]);
    // The list asked for the days around the birth, nothing personal.
    expect(repo.listed[0]).toEqual({ bornFrom: '2026-11-19', bornTo: '2026-11-21', pageSize: 100 });
  });

  it('when the ID number’s check character is written x on one case and X on the other, then still the same mother', async () => {
    const upper = caseOf({ newborn: { birthAt: '2026-11-20T08:00:00+08:00', multipleBirth: { children: 2, position: 1 } } });
    const lower = { ...caseOf({ newborn: { birthAt: '2026-11-20T08:05:00+08:00', birthOrder: 3, multipleBirth: { children: 2, position: 2 } } }) };
    lower.application = { ...lower.application, mother: { ...lower.application.mother, idNumber: upper.application.mother.idNumber.toLowerCase() } };
    expect((await caseDelivery(repositoryOf([upper, lower]), upper)).siblings.map((s) => s.caseId)).toEqual([lower.caseId]);
  });

  it('when the case is not a multiple birth, then nothing is listed or read', async () => {
    const repo = repositoryOf([singleSameMother, twinA]);
    expect(await caseDelivery(repo, singleSameMother)).toEqual({ children: 1, position: 1, siblings: [], complete: true });
    expect(repo.listed).toEqual([]);
  });

  it('when the hospital has more births around that day than are read, then the answer says it is not complete', async () => {
    const crowd = Array.from({ length: MAX_CANDIDATES + 5 }, (_, i) => caseOf({ newborn: { birthAt: `2026-11-20T${String(8 + (i % 12)).padStart(2, '0')}:00:00+08:00` } }));
    const d = await caseDelivery(repositoryOf([twinA, ...crowd, twinB]), twinA);
    expect(d.complete).toBe(false);
  });
});
