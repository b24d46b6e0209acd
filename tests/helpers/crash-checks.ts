// What the crash suites check after a part was killed mid-burst (tests/crash on the dev server, tests/cluster
// on the cluster): the cases are mid-way when the kill comes, and afterwards every case completes, every agency
// holds exactly one record per case and service, every audit is complete and no SMS went out twice.
// The suites pass their own ways to reach an API and the mock agencies, so the checks are the same for both.
import { eventually } from './eventually';

export const SERVICES = ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'];
export const BUSINESS_RECORDS = [
  'healthCommission/birthCertificate=1', 'humanResources/socialSecurityCard=1', 'medicalSecurity/medicalInsurance=1',
  'publicSecurity/household=1', 'vaccination/vaccination=1',
];
// Accepted, one per service completed, case completed.
export const SMS_PER_CASE = 1 + SERVICES.length + 1;

/** A clerk's request to one API (the clerk's token bound in). */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
/** A GET of the mock agencies' admin routes (`/admin/records`, `/admin/sms/outbox`), answering the JSON body. */
export type AgenciesGet = (path: string) => Promise<any>;

interface AgencyRecord { agency: string; service: string; caseId: string; count: number }

/** Waits until the agencies hold at least `min` records of these cases: the cases are mid-way. */
export async function inFlight(agencies: AgenciesGet, caseIds: string[], min: number, timeoutMs = 120_000): Promise<void> {
  await eventually(async () => {
    const { records } = await agencies('/admin/records');
    const ours = new Set(caseIds);
    const n = (records as AgencyRecord[]).filter((r) => ours.has(r.caseId)).reduce((s, r) => s + r.count, 0);
    if (n < min) throw new Error(`only ${n} agency records so far`);
  }, { timeoutMs, intervalMs: 200 });
}

/** How many business records (not SMS) the agencies hold over every case: a case started twice would add more. */
export async function businessRecordTotal(agencies: AgenciesGet): Promise<number> {
  const { records } = await agencies('/admin/records');
  return (records as AgencyRecord[]).filter((r) => r.agency !== 'sms').reduce((s, r) => s + r.count, 0);
}

/**
 * Every case completed and closed (read through each API in `apis`: on a cluster, any API serves any case),
 * then for each case: one record per agency and service, the SMS each sent once, the audit complete.
 */
export async function expectAllSurvived({ apis, agencies, caseIds, timeoutMs }: { apis: ApiCall[]; agencies: AgenciesGet; caseIds: string[]; timeoutMs: number }): Promise<void> {
  const [api] = apis;
  if (!api) throw new Error('no API to read the cases through');
  await eventually(async () => {
    const open: string[] = [];
    for (const id of caseIds) {
      const before = open.length;
      for (const [i, read] of apis.entries()) {
        const res = await read('GET', `/api/cases/${id}`);
        if (res.status !== 200 || res.body.status !== 'completed') open.push(`${id} (API ${i + 1}): ${res.status} ${res.body?.status ?? res.body?.error?.code}`);
      }
      if (open.length > before) continue;
      // Completed, and the case's work is over: the closing message is the last entry of its audit.
      const audit = await api('GET', `/api/cases/${id}/audit`);
      const last = audit.body?.entries?.at(-1);
      if (last?.action !== 'notification.sent' || last?.reason !== 'case_completed') open.push(`${id}: completed, last entry ${last?.action} ${last?.reason}`);
    }
    if (open.length > 0) throw new Error(`${open.length} reads of ${caseIds.length} cases not completed and closed, e.g. ${open.slice(0, 3).join('; ')}`);
  }, { timeoutMs, intervalMs: 1000 });

  for (const caseId of caseIds) {
    const { records } = await agencies(`/admin/records?caseId=${caseId}`);
    const business = (records as AgencyRecord[]).filter((r) => r.agency !== 'sms');
    expect(business.map((r) => `${r.agency}/${r.service}=${r.count}`).sort()).toEqual(BUSINESS_RECORDS);

    const { messages } = await agencies(`/admin/sms/outbox?caseId=${caseId}`);
    const sent = (messages as Array<{ template: string; params: unknown }>).map((m) => `${m.template} ${JSON.stringify(m.params)}`);
    expect(new Set(sent).size).toBe(sent.length); // no message twice
    expect(sent).toHaveLength(SMS_PER_CASE);

    const audit = await api('GET', `/api/cases/${caseId}/audit`);
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
