// The clerk's list query, written once (api/cases.schemas.ts) for the route and the OpenAPI document: every
// case status, and the retired filter values contract v1 accepted, which still parse (and match nothing).
import { CaseListQuery } from '../../api/cases.schemas';
import { CASE_STATUS_KEYS, RETIRED_CASE_STATUS_FILTERS } from '../../domain/catalog';

test('when the list is filtered by any case status, or by a retired one, then the query parses', () => {
  for (const status of [...CASE_STATUS_KEYS, ...RETIRED_CASE_STATUS_FILTERS]) {
    expect(CaseListQuery.safeParse({ status }).success).toBe(true);
  }
  expect(CaseListQuery.parse({ status: 'rejected' })).toMatchObject({ status: 'rejected', pageSize: 20 });
});

test('when a filter is unknown or out of range, then the query is refused', () => {
  expect(CaseListQuery.safeParse({ status: 'escalated' }).success).toBe(false);
  expect(CaseListQuery.safeParse({ waitingOn: 'nobody' }).success).toBe(false);
  expect(CaseListQuery.safeParse({ pageSize: '101' }).success).toBe(false);
  expect(CaseListQuery.safeParse({ sort: 'name' }).success).toBe(false);
});
