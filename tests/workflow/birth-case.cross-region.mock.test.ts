// 异地通办 (issue 19, patch cross-region) against the mock exchange over HTTP through the real adapter, on
// a real Temporal dev server: the other place answers days later (scaled), asks for originals by a
// deadline, or refuses; an inbound child's certificate is verified and its record transferred; a cancelled
// case's pending forward is withdrawn at the exchange. No orchestrator takes the callbacks here: the case
// finds each answer by reading the forward again.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createAgencyActivities } from '../../activities';
import { newTrackingCode } from '../../api/case-identity';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { workerDataConverter } from '../../workers/birth-case.worker';
import { BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, getCaseState, requestCancellation } from '../../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState } from '../../workflows/birth-case.contract';
import { startTestMock, type TestMock } from '../agencies/support';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { bundleWorkflows, startDevServer, testConfig } from '../helpers/temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const clerk = { role: 'clerk' as const, id: 'clerk-1' };
const taskQueue = `birth-case-cross-region-mock-${randomUUID()}`;
const SECRET = 'test-secret';
const QINGDAO = '370202';
let env: TestWorkflowEnvironment;
let mock: TestMock;
let worker: Worker;
let running: Promise<void>;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  const config = testConfig();
  // half a second per agency day: Qingdao answers in 1.5 s, the parents have 7.5 s to post originals
  const [server, bundle, agencies] = await Promise.all([startDevServer(config), bundleWorkflows(), startTestMock({ secondsPerDay: 0.5 })]);
  env = server;
  mock = agencies;
  worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS,
    connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter: workerDataConverter(config),
    activities: createAgencyActivities({ baseUrl: mock.url, timeoutMs: 2000, trackingKey: SECRET }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  await Promise.all(started.map((h) => h.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] }).catch(() => undefined)));
  worker?.shutdown();
  await running;
  await mock?.close();
  await env?.teardown();
});

async function startCase(app: CaseCreateRequest): Promise<{ caseId: string; handle: WorkflowHandle }> {
  const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const { trackingNonce, trackingSecretHash } = newTrackingCode(caseId, SECRET);
  const input: BirthCaseInput = {
    caseId, hospitalId: 'H0001', acceptedBy: clerk, application: app, trackingSecretHash, trackingNonce,
    settings: { correctionDueSeconds: 600, agencyPollSeconds: 1, agencyPollMaxSeconds: 1 },
  };
  const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId: birthCaseWorkflowId(caseId), args: [input] });
  started.push(handle);
  return { caseId, handle };
}

const until = (h: WorkflowHandle, predicate: (s: BirthCaseState) => boolean): Promise<BirthCaseState> =>
  eventually(async () => {
    const s = await h.query(getCaseState);
    if (!predicate(s)) throw new Error(`not yet: ${s.status} ${JSON.stringify(Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, v.status])))}`);
    return s;
  }, { timeoutMs: 40_000 });

/** The father's household in Qingdao; his ID's sequence decides what Qingdao does (mock-agencies/exchange.rules.ts). */
const qingdaoFamily = (sequence = 101, services: CaseCreateRequest['services'] = ['birthCertificate', 'household']): CaseCreateRequest =>
  application({ father: { hukouRegionCode: QINGDAO, idNumber: makeCitizenId(QINGDAO, '1992-07-01', sequence) }, householdOf: 'father', services });

test('when the household is in Qingdao, then the exchange carries it there and the case reads the citizen ID Qingdao issued', async () => {
  const { handle } = await startCase(qingdaoFamily(101, ['birthCertificate', 'household', 'medicalInsurance', 'socialSecurityCard']));
  const s = await until(handle, (st) => st.status === 'completed');
  expect(s.services.household).toMatchObject({ channel: 'inProvince', result: { regionCode: QINGDAO } });
  expect(String(s.services.household.result?.citizenId)).toMatch(/^370202/);
  expect(s.services.medicalInsurance).toMatchObject({ channel: 'inProvince', result: { waived: false } });
  expect(s.services.socialSecurityCard.channel).toBe('inProvince');
  expect(s.benefits?.premiumWaiver.failed.map((f) => f.code)).toContain('ENROLMENT_NOT_IN_JINAN');
});

test('when Qingdao asks for originals, then the parents\' task names what and where; once Qingdao has them, it answers and the household completes', async () => {
  const { handle } = await startCase(qingdaoFamily(997));
  const asked = await until(handle, (st) => st.actionsRequired.some((a) => a.kind === 'originals'));
  const task = asked.actionsRequired.find((a) => a.kind === 'originals');
  expect(task).toMatchObject({ service: 'household', postTo: '山东省青岛市公安局户籍窗口（跨域通办专窗）' });
  expect(task?.items.map((i) => i.message)).toEqual(['出生医学证明原件', '父母结婚证原件', '户口簿原件']);
  const forwardId = asked.services.household.forward?.forwardId ?? '';
  const res = await fetch(`${mock.url}/admin/exchange/forwards/${forwardId}/originals-received`, { method: 'POST' });
  expect(res.status).toBe(200);
  const s = await until(handle, (st) => st.services.household.status === 'completed');
  expect(s.actionsRequired).toEqual([]);
  expect(s.events.some((e) => e.action === 'service.originals_received')).toBe(true);
});

test('when Qingdao has no such household, then the household is refused with Qingdao\'s reason', async () => {
  const { handle } = await startCase(qingdaoFamily(996));
  const s = await until(handle, (st) => st.services.household.status === 'refused');
  expect(s.services.household.reason).toBe('山东省青岛市不予办理：户籍地未查到该户籍，无法办理新生儿入户');
});

test('when a Jinan family\'s child was born in Qingdao, then the exchange verifies the certificate and transfers the vaccination record', async () => {
  const app = application({ householdOf: 'mother', services: ['birthCertificate', 'vaccination'], bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: QINGDAO, certificateNumber: 'Q370212345' } });
  const { handle } = await startCase(app);
  const s = await until(handle, (st) => st.status === 'completed');
  expect(s.services.birthCertificate).toMatchObject({ channel: 'inProvince', result: { certificateNumber: 'Q370212345' } });
  expect(s.services.vaccination.channel).toBe('inProvince');
});

test('when the case is cancelled while Qingdao has the household, then the exchange withdraws it there', async () => {
  const { handle } = await startCase(qingdaoFamily(997));
  await until(handle, (st) => st.services.household.forward !== undefined);
  const outcome = await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
  expect(outcome.steps).toContainEqual(expect.objectContaining({ service: 'household', action: 'withdrawn', agencyAnswer: expect.stringContaining('山东省青岛市已撤回该申请') }));
  const forwardKey = `${birthCaseWorkflowId((await handle.query(getCaseState)).caseId)}:household`;
  expect((await mock.admin.get<{ state: string }>(`/exchange/forwards/${encodeURIComponent(forwardKey)}`)).body.state).toBe('withdrawn');
});
