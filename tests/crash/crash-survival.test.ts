// Crash survival, on real separate processes (Temporal dev server on a SQLite file, mock agencies, two
// workers, the API): with cases running, kill -9 one of two workers; kill -9 the only worker and start it
// again; stop the Temporal server and start it again on the same file; kill -9 the agencies and start them
// again; an agency outage. After each, every case completes, every agency holds exactly one record per case
// and service, every audit is complete, and no SMS went out twice.
// CI size by default; CRASH_SUITE_FULL=true runs the size (100 cases a scenario, a 30 s outage).
// CRASH_SUITE_CASES and CRASH_SUITE_OUTAGE_SECONDS override either.
import { application } from '../helpers/fixtures';
import { expectAllSurvived as expectSurvived, inFlight as casesInFlight } from '../helpers/crash-checks';
import type { AgenciesGet, ApiCall } from '../helpers/crash-checks';
import { ProcessStack } from '../helpers/processes';

const FULL = process.env.CRASH_SUITE_FULL === 'true';
const CASES = Number(process.env.CRASH_SUITE_CASES ?? (FULL ? 100 : 12));
const OUTAGE_SECONDS = Number(process.env.CRASH_SUITE_OUTAGE_SECONDS ?? (FULL ? 30 : 8));
const COMPLETION_MS = FULL ? 900_000 : 300_000;

let stack: ProcessStack;
let clerk: string;

beforeAll(async () => {
  stack = await ProcessStack.create();
  await stack.startAll(2);
  clerk = await stack.token({ sub: 'clerk-crash', role: 'clerk', hospitalId: 'H0001' });
}, 240_000);
afterAll(async () => { await stack?.stop(); }, 120_000);

async function startCases(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => stack.call('POST', '/api/cases', { token: clerk, body: application() })));
    for (const res of batch) {
      if (res.status !== 201) throw new Error(`case not accepted: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.caseId);
    }
  }
  return ids;
}

const api: ApiCall = (method, path, body) => stack.call(method, path, { token: clerk, body });
const agencies: AgenciesGet = (path) => stack.agencies('GET', path);
const inFlight = (caseIds: string[], min: number): Promise<void> => casesInFlight(agencies, caseIds, min);
const expectAllSurvived = (caseIds: string[]): Promise<void> => expectSurvived({ apis: [api], agencies, caseIds, timeoutMs: COMPLETION_MS });

test(`kill -9 one of two workers while ${CASES} cases run: the other finishes them`, async () => {
  const ids = await startCases(CASES);
  await inFlight(ids, CASES);
  await stack.kill('worker-1');
  await expectAllSurvived(ids);
}, COMPLETION_MS + 120_000);

test(`kill -9 the only worker while ${CASES} cases run, then start it again`, async () => {
  expect(stack.running('worker-1')).toBe(false);
  const ids = await startCases(CASES);
  await inFlight(ids, CASES);
  await stack.kill('worker-2');
  await stack.startWorker('2');
  await expectAllSurvived(ids);
}, COMPLETION_MS + 120_000);

test(`stop the Temporal server while ${CASES} cases run, then start it again on the same database file`, async () => {
  const ids = await startCases(CASES);
  await inFlight(ids, CASES);
  await stack.kill('temporal', 'SIGTERM');
  await stack.startTemporal();
  await expectAllSurvived(ids);
}, COMPLETION_MS + 180_000);

test(`kill -9 the mock agencies while ${CASES} cases run, then start them again`, async () => {
  const ids = await startCases(CASES);
  await inFlight(ids, CASES);
  await stack.kill('agencies');
  await stack.startAgencies();
  await expectAllSurvived(ids);
}, COMPLETION_MS + 120_000);

test(`a ${OUTAGE_SECONDS}-second outage of every agency while ${CASES} cases run`, async () => {
  const ids = await startCases(CASES);
  await inFlight(ids, CASES);
  for (const agency of ['healthCommission', 'vaccination', 'publicSecurity', 'medicalSecurity', 'humanResources', 'sms']) {
    await stack.agencies('PUT', `/admin/faults/${agency}`, { outageSeconds: OUTAGE_SECONDS });
  }
  await expectAllSurvived(ids);
}, COMPLETION_MS + 120_000 + OUTAGE_SECONDS * 1000);
