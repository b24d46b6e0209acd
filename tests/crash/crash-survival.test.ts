// Crash survival, on real separate processes (Temporal dev server on a SQLite file, mock agencies, two
// workers, the API): with cases running, kill -9 one of two workers; kill -9 the only worker and start it
// again; stop the Temporal server and start it again on the same file; kill -9 the agencies and start them
// again; an agency outage. After each, every case completes, every agency holds exactly one record per case
// and service, every audit is complete, and no SMS went out twice.
// CI size by default; CRASH_SUITE_FULL=true runs the size (100 cases a scenario, a 30 s outage).
// CRASH_SUITE_CASES and CRASH_SUITE_OUTAGE_SECONDS override either.
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/eventually';
import { ProcessStack } from '../helpers/processes';

const FULL = process.env.CRASH_SUITE_FULL === 'true';
const CASES = Number(process.env.CRASH_SUITE_CASES ?? (FULL ? 100 : 12));
const OUTAGE_SECONDS = Number(process.env.CRASH_SUITE_OUTAGE_SECONDS ?? (FULL ? 30 : 8));
const COMPLETION_MS = FULL ? 900_000 : 300_000;

const SERVICES = ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'];
const BUSINESS_RECORDS = [
  'healthCommission/birthCertificate=1', 'humanResources/socialSecurityCard=1', 'medicalSecurity/medicalInsurance=1',
  'publicSecurity/household=1', 'vaccination/vaccination=1',
];
// Accepted, one per service completed, case completed.
const SMS_PER_CASE = 1 + SERVICES.length + 1;

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

/** Waits until the agencies hold at least `min` records of these cases: the cases are mid-way. */
async function inFlight(caseIds: string[], min: number): Promise<void> {
  await eventually(async () => {
    const { records } = await stack.agencies('GET', '/admin/records');
    const ours = new Set(caseIds);
    const n = (records as Array<{ caseId: string; count: number }>).filter((r) => ours.has(r.caseId)).reduce((s, r) => s + r.count, 0);
    if (n < min) throw new Error(`only ${n} agency records so far`);
  }, { timeoutMs: 120_000, intervalMs: 200 });
}

async function expectAllSurvived(caseIds: string[]): Promise<void> {
  await eventually(async () => {
    const open: string[] = [];
    for (const id of caseIds) {
      const res = await stack.call('GET', `/api/cases/${id}`, { token: clerk });
      if (res.status !== 200 || res.body.status !== 'completed') {
        open.push(`${id}: ${res.status} ${res.body?.status ?? res.body?.error?.code}`);
        continue;
      }
      // Completed, and the case's work is over: the closing message is the last entry of its audit.
      const audit = await stack.call('GET', `/api/cases/${id}/audit`, { token: clerk });
      const last = audit.body?.entries?.at(-1);
      if (last?.action !== 'notification.sent' || last?.reason !== 'case_completed') open.push(`${id}: completed, last entry ${last?.action} ${last?.reason}`);
    }
    if (open.length > 0) throw new Error(`${open.length}/${caseIds.length} cases not completed and closed, e.g. ${open.slice(0, 3).join('; ')}`);
  }, { timeoutMs: COMPLETION_MS, intervalMs: 1000 });

  for (const caseId of caseIds) {
    const { records } = await stack.agencies('GET', `/admin/records?caseId=${caseId}`);
    const business = (records as Array<{ agency: string; service: string; count: number }>).filter((r) => r.agency !== 'sms');
    expect(business.map((r) => `${r.agency}/${r.service}=${r.count}`).sort()).toEqual(BUSINESS_RECORDS);

    const { messages } = await stack.agencies('GET', `/admin/sms/outbox?caseId=${caseId}`);
    const sent = (messages as Array<{ template: string; params: unknown }>).map((m) => `${m.template} ${JSON.stringify(m.params)}`);
    expect(new Set(sent).size).toBe(sent.length); // no message twice
    expect(sent).toHaveLength(SMS_PER_CASE);

    const audit = await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk });
    expect(audit.status).toBe(200);
    const entries = audit.body.entries as Array<{ seq: number; action: string; service: string | null; outcome: string }>;
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries[0]?.action).toBe('case.accepted');
    expect(entries.at(-2)).toMatchObject({ action: 'case.finished', outcome: 'ok' });
    expect(entries.filter((e) => e.action === 'service.completed').map((e) => e.service).sort()).toEqual([...SERVICES].sort());
    const notes = entries.filter((e) => e.action === 'notification.sent');
    expect(notes.map((e) => e.outcome)).toEqual(Array(SMS_PER_CASE).fill('ok'));
  }
}

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
