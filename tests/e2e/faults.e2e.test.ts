// Agencies that fail 30% of requests (503s, hangs past the timeout, dropped connections), and drop 10% of
// answers after committing: every case still completes, and every agency holds exactly one record per case
// and service (retries reuse the idempotency key, so they never create a second one).
import { AGENCY_NAMES } from '../../domain/catalog';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const CASES = 50;
let stack: Stack;

beforeAll(async () => {
  // a hang lasts past the adapter's 2 s timeout, so it is a real timeout, then a retry
  stack = await startStack({ config: { AGENCY_TIMEOUT_MS: 2000 } });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

test(`when every agency fails 30% of requests, then ${CASES} cases all complete with exactly one record per case and service`, async () => {
  for (const agency of AGENCY_NAMES) {
    const res = await fetch(`${stack.agenciesUrl}/admin/faults/${agency}`, {
      method: 'PUT', headers: { 'content-type': 'application/json', ...stack.agenciesAdmin }, body: JSON.stringify({ errorRate: 0.3, hangMs: 3000, failAfterCommitRate: 0.1 }),
    });
    expect(res.status).toBe(200);
  }
  const clerk = await stack.token({ sub: 'clerk-f', role: 'clerk', hospitalId: 'H0001' });
  const created = await Promise.all(Array.from({ length: CASES }, () => stack.call('POST', '/api/cases', { token: clerk, body: application() })));
  expect(created.map((c) => c.status)).toEqual(Array(CASES).fill(201));
  const caseIds: string[] = created.map((c) => c.body.caseId);

  await eventually(async () => {
    const views = await Promise.all(caseIds.map((id) => stack.call('GET', `/api/cases/${id}`, { token: clerk })));
    const open = views.filter((v) => v.body.status !== 'completed');
    if (open.length > 0) {
      const where = open.slice(0, 3).map((v) => `${v.body.caseId}: ${v.body.status} ${JSON.stringify(Object.fromEntries(Object.entries(v.body.services ?? {}).map(([k, x]: [string, any]) => [k, x.status])))}`);
      throw new Error(`${open.length} cases not completed yet, e.g. ${where.join('; ')}`);
    }
  }, { timeoutMs: 420_000, intervalMs: 2000 });

  const faultsSeen = (await (await fetch(`${stack.agenciesUrl}/admin/faults`, { headers: stack.agenciesAdmin })).json()) as { faults: Record<string, unknown> };
  expect(Object.keys(faultsSeen.faults)).toEqual(expect.arrayContaining([...AGENCY_NAMES]));
  for (const caseId of caseIds) {
    const { records } = (await (await fetch(`${stack.agenciesUrl}/admin/records?caseId=${caseId}`, { headers: stack.agenciesAdmin })).json()) as { records: Array<{ agency: string; service: string; count: number }> };
    const business = records.filter((r: { agency: string }) => r.agency !== 'sms');
    expect(business.map((r: { agency: string; service: string; count: number }) => `${r.agency}/${r.service}=${r.count}`).sort()).toEqual([
      'healthCommission/birthCertificate=1', 'humanResources/socialSecurityCard=1', 'medicalSecurity/medicalInsurance=1',
      'publicSecurity/household=1', 'vaccination/vaccination=1',
    ]);
  }
}, 600_000);
