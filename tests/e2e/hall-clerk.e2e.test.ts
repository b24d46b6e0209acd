// Issue 19 (异地通办), over real HTTP against the real stack: a service hall's clerk (政务服务大厅窗口) files the
// case of a child born outside Jinan whose household is in Jinan, reads and lists its hall's cases only,
// and cannot file a hospital's kind of case nor read a hospital's case; a hospital cannot file an inbound
// case. The new fields' rules answer 400 with every issue in Chinese, and nothing starts.
import { Dashboard } from '../../api/ops.schemas';
import { CaseView } from '../../api/views.schemas';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let hall: string;
let officer: string;
let clerk: string;

const INBOUND = { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' };

beforeAll(async () => {
  stack = await startStack({ config: { TEMPORAL_CALL_TIMEOUT_MS: 8000 } });
  [hall, clerk] = await Promise.all([stack.token({ role: 'hallClerk', hallId: 'JN-HALL-01' }), stack.token({ role: 'clerk', hospitalId: 'H0001' })]);
  officer = await stack.token({ role: 'officer', agency: 'publicSecurity' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

const issueCodes = (body: { error: { issues?: { path: string; code: string }[] } }) => (body.error.issues ?? []).map((i) => `${i.path}:${i.code}`);

test('when a hall clerk files a child born in Qingdao to a Jinan household, then the case is the hall\'s: it reads it with the birth certificate coming in-province from Qingdao, lists it, and a hospital clerk cannot see it', async () => {
  const created = await stack.call('POST', '/api/cases', { token: hall, body: application({ bornElsewhere: INBOUND }) });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };

  const read = await stack.call('GET', `/api/cases/${caseId}`, { token: hall });
  expect(read.status).toBe(200);
  const view = CaseView.parse(read.body);
  expect(view.hallId).toBe('JN-HALL-01');
  expect(view.hospitalId).toBe('HALL:JN-HALL-01');
  expect(view.bornElsewhere).toEqual(INBOUND);
  expect(view.services.birthCertificate?.handledAt).toMatchObject({ channel: 'inProvince', channelLabel: '省内跨域通办', serviceLevelDays: 5, placeLabel: '山东省青岛市' });
  expect(view.services.household?.handledAt).toMatchObject({ channel: 'local', placeLabel: '山东省济南市' });

  const mine = await stack.call('GET', '/api/cases?pageSize=50', { token: hall });
  expect(mine.status).toBe(200);
  expect(mine.body.cases.every((c: { hospitalId: string | null }) => c.hospitalId === 'HALL:JN-HALL-01')).toBe(true);

  // the hospital's clerk: not found (existence does not leak), in reads, audit and writes alike
  expect((await stack.call('GET', `/api/cases/${caseId}`, { token: clerk })).status).toBe(404);
  expect((await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk })).status).toBe(404);
  expect((await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'delivery.method': 'pickup' } } })).status).toBe(404);
  const hospitalList = await stack.call('GET', '/api/cases?pageSize=50', { token: clerk });
  expect(hospitalList.body.cases.map((c: { caseId: string }) => c.caseId)).not.toContain(caseId);
}, 60_000);

test('when a hall clerk files a case without bornElsewhere, then 400 INBOUND_REQUIRED; when a hospital clerk files one with it, then 400 INBOUND_HALL_ONLY; nothing starts', async () => {
  const local = application();
  const refused = await stack.call('POST', '/api/cases', { token: hall, body: local });
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe('VALIDATION_FAILED');
  expect(issueCodes(refused.body)).toEqual(['bornElsewhere:INBOUND_REQUIRED']);
  expect(refused.body.error.issues[0].message).toContain('政务服务大厅');

  const inbound = application({ bornElsewhere: INBOUND });
  const hospital = await stack.call('POST', '/api/cases', { token: clerk, body: inbound });
  expect(hospital.status).toBe(400);
  expect(issueCodes(hospital.body)).toEqual(['bornElsewhere:INBOUND_HALL_ONLY']);

  // nothing started: the same applications, filed by the right desk, are new cases (no duplicate)
  expect((await stack.call('POST', '/api/cases', { token: clerk, body: local })).status).toBe(201);
  expect((await stack.call('POST', '/api/cases', { token: hall, body: inbound })).status).toBe(201);
}, 60_000);

test('when a hospital clerk files a case, then the hall clerk cannot read, audit, correct or cancel it (404), nor use the hospital\'s delivery page (403)', async () => {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application() });
  expect(created.status).toBe(201);
  const { caseId } = created.body as { caseId: string };
  expect((await stack.call('GET', `/api/cases/${caseId}`, { token: hall })).status).toBe(404);
  expect((await stack.call('GET', `/api/cases/${caseId}/audit`, { token: hall })).status).toBe(404);
  expect((await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: hall, body: { changes: { 'delivery.method': 'pickup' } } })).status).toBe(404);
  expect((await stack.call('POST', `/api/cases/${caseId}/cancel`, { token: hall, body: { reason: '测试' } })).status).toBe(404);
  expect((await stack.call('GET', `/api/cases/${caseId}/delivery`, { token: hall })).status).toBe(403);
  // an officer files nothing
  expect((await stack.call('POST', '/api/cases', { token: officer, body: application({ bornElsewhere: INBOUND }) })).status).toBe(403);
}, 60_000);

test('when the new fields break their rules, then 400 lists every issue in Chinese and nothing starts; fixed, the case starts', async () => {
  const qingdaoInsuredHere = application({ householdOf: 'father', father: { hukouRegionCode: '370212' }, insuredAt: 'jinan' });
  const permit = await stack.call('POST', '/api/cases', { token: clerk, body: qingdaoInsuredHere });
  expect(permit.status).toBe(400);
  expect(issueCodes(permit.body)).toEqual(['residencePermit:RESIDENCE_PERMIT_REQUIRED']);

  const unknownRegion = await stack.call('POST', '/api/cases', { token: clerk, body: application({ mother: { hukouRegionCode: '379901' } }) });
  expect(unknownRegion.status).toBe(400);
  expect(issueCodes(unknownRegion.body)).toEqual(['mother.hukouRegionCode:REGION_UNKNOWN']);
  expect(unknownRegion.body.error.issues[0].message).toContain('GB/T 2260');

  const awayInbound = application({ father: { hukouRegionCode: '110105' }, bornElsewhere: { ...INBOUND, regionCode: '370102', certificateNumber: 'bad' } });
  const inbound = await stack.call('POST', '/api/cases', { token: hall, body: awayInbound });
  expect(inbound.status).toBe(400);
  expect(issueCodes(inbound.body).sort()).toEqual([
    'bornElsewhere.certificateNumber:INVALID_FORMAT', 'bornElsewhere.regionCode:BIRTH_REGION_JINAN', 'householdOf:INBOUND_HOUSEHOLD_NOT_JINAN',
  ]);

  const fixed = await stack.call('POST', '/api/cases', { token: clerk, body: { ...qingdaoInsuredHere, residencePermit: { holder: 'mother' } } });
  expect(fixed.status).toBe(201);
  const view = CaseView.parse((await stack.call('GET', `/api/cases/${fixed.body.caseId}`, { token: clerk })).body);
  expect(view.insuredAt).toBe('jinan');
  expect(view.services.household?.handledAt).toMatchObject({ channel: 'inProvince', placeLabel: '山东省青岛市' });
  expect(view.services.medicalInsurance?.handledAt.channel).toBe('local');
}, 60_000);

test('when the admin reads the dashboard for the hall, then it counts the hall\'s cases and carries the cross-region section per channel', async () => {
  const admin = await stack.token({ role: 'admin' });
  const r = await eventually(async () => {
    const answer = await stack.call('GET', '/api/ops/dashboard?hospitalId=HALL:JN-HALL-01', { token: admin });
    if (answer.status !== 200 || answer.body.cases.total < 2) throw new Error(`dashboard: ${answer.status} ${JSON.stringify(answer.body.cases ?? answer.body)}`);
    // the inbound cases' birth certificates go through the exchange to Qingdao: in-province services (the channel the case records)
    if (answer.body.crossRegion.cases < 1 || answer.body.crossRegion.byChannel.inProvince.services < 1) throw new Error(`cross-region: ${JSON.stringify(answer.body.crossRegion)}`);
    return answer;
  });
  const dashboard = Dashboard.parse(r.body);
  expect(dashboard.period.hospitalId).toBe('HALL:JN-HALL-01');
  expect(Object.keys(dashboard.crossRegion.byChannel)).toEqual(['local', 'inProvince', 'crossProvince']);
  expect((await stack.call('GET', '/api/ops/dashboard?hospitalId=HALL:x%27%20OR%201=1', { token: admin })).status).toBe(400);
}, 60_000);
