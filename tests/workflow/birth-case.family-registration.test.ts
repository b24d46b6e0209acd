// The birth case's sixth service, 生育登记 (issue 18, patch family-registration), on a real Temporal dev
// server against the mock agencies over HTTP through the real adapters: a case linking the parents'
// online registration completes it at once and closes the registration as born; a case without one
// registers the family at the commission; a commission that counts other children puts a question to the
// clerk; a case accepted before the patch never shows the service.
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createAgencyActivities } from '../../activities';
import { newTrackingCode, registrationIdFor } from '../../api/case-identity';
import { EARLIER_BUNDLE, SERVICE_KEYS } from '../../domain/catalog';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { DEFAULT_REGISTRATION_SETTINGS } from '../../domain/family-registration';
import { toShanghaiIso } from '../../domain/dates';
import { workerDataConverter } from '../../workers/birth-case.worker';
import { BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, correctCase, getCaseState, requestCancellation } from '../../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState, LinkedRegistration } from '../../workflows/birth-case.contract';
import {
  awaitRegistrationVerdict, FAMILY_REGISTRATION_WORKFLOW_TYPE, familyRegistrationWorkflowId, getRegistrationState,
} from '../../workflows/family-registration.contract';
import type { RegistrationState } from '../../workflows/family-registration.contract';
import { startTestMock, type TestMock } from '../agencies/support';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { motherIdWith, registrationRequest } from '../helpers/registration-fixtures';
import { bundleWorkflows, startDevServer, testConfig } from '../helpers/temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const clerk = { role: 'clerk' as const, id: 'clerk-1' };
const parent = { role: 'parent' as const, id: 'parent-session' };
const taskQueue = `birth-case-family-registration-${randomUUID()}`;
const SECRET = 'test-secret';
let env: TestWorkflowEnvironment;
let mock: TestMock;
let worker: Worker;
let running: Promise<void>;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  const config = testConfig();
  const [server, bundle, agencies] = await Promise.all([startDevServer(config), bundleWorkflows(), startTestMock()]);
  env = server;
  mock = agencies;
  worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS,
    connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter: workerDataConverter(config),
    activities: createAgencyActivities({ baseUrl: mock.url, timeoutMs: 2000, trackingKey: SECRET }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  // Cases still waiting on a clerk or an agency are cancelled, so nothing polls a server about to stop.
  await Promise.all(started.map((h) => h.executeUpdate(requestCancellation, { args: [{ reason: '测试结束', actor: clerk }] }).catch(() => undefined)));
  worker?.shutdown();
  await running;
  await mock?.close();
  await env?.teardown();
});

/** A case of the whole bundle (the 生育登记 included), the mother's ID as given, born an hour ago. */
function caseOf(motherIdNumber: string, newborn: Partial<CaseCreateRequest['newborn']> = {}): CaseCreateRequest {
  return application({ services: [...SERVICE_KEYS], mother: { idNumber: motherIdNumber }, newborn: { birthAt: toShanghaiIso(Date.now() - 3_600_000).replace(/\.\d{3}/, ''), ...newborn } });
}

async function startCase(app: CaseCreateRequest, extra: Partial<BirthCaseInput> = {}): Promise<{ caseId: string; handle: WorkflowHandle }> {
  const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const { trackingNonce, trackingSecretHash } = newTrackingCode(caseId, SECRET);
  const input: BirthCaseInput = {
    caseId, hospitalId: 'H0001', acceptedBy: clerk, application: app, trackingSecretHash, trackingNonce,
    settings: { correctionDueSeconds: 600, agencyPollSeconds: 1 }, ...extra,
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
  }, { timeoutMs: 30_000 });

const atCommission = async (number: string): Promise<{ status: string; childrenBefore: number; caseId: string | null }> =>
  (await mock.admin.get<{ status: string; childrenBefore: number; caseId: string | null }>(`/health-commission/family-registrations/${number}`)).body;

/** The parents register online, as the registration workflow does for the parents' page. */
async function registerOnline(onRecord: 0 | 1 | 2): Promise<{ handle: WorkflowHandle; state: RegistrationState }> {
  const request = registrationRequest({ onRecord });
  const registrationId = registrationIdFor(request.mother.idNumber, SECRET);
  const handle = await env.client.workflow.start(FAMILY_REGISTRATION_WORKFLOW_TYPE, {
    taskQueue, workflowId: familyRegistrationWorkflowId(registrationId), workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [{ registrationId, request, actor: parent, settings: DEFAULT_REGISTRATION_SETTINGS }],
  });
  const verdict = await handle.executeUpdate(awaitRegistrationVerdict);
  if (!verdict.registered) throw new Error(`not registered: ${JSON.stringify(verdict.conflicts)}`);
  return { handle, state: verdict.state };
}

test('when the case links the parents\' online registration, then the 生育登记 is completed at once from it and the registration is closed as born with the case', async () => {
  const online = await registerOnline(1);
  const linked: LinkedRegistration = { registrationId: online.state.registrationId, registrationNumber: online.state.registrationNumber, childrenOnRecord: 1 };
  const { caseId, handle } = await startCase(caseOf(online.state.request.mother.idNumber, { birthOrder: 2 }), { registration: linked });

  const s = await until(handle, (st) => st.services.familyRegistration?.status === 'completed');
  expect(s.services.familyRegistration).toMatchObject({ status: 'completed', result: { registrationNumber: online.state.registrationNumber, childrenOnRecord: 1, source: 'online' } });
  // first in the bundle, the acceptance naming it; no agency call of the case's own for it
  expect(Object.keys(s.services)).toEqual([...SERVICE_KEYS]);
  expect(s.events[0]).toMatchObject({ action: 'case.accepted', data: { bundle: [...SERVICE_KEYS] } });
  expect(s.events.filter((e) => e.service === 'familyRegistration').map((e) => e.action)).toEqual(['service.completed']);

  expect(await online.handle.result()).toMatchObject({ status: 'born', registrationNumber: online.state.registrationNumber });
  const closed = await online.handle.query(getRegistrationState);
  expect(closed.linkedCases.map((c) => c.caseId)).toEqual([caseId]);
  expect(await atCommission(online.state.registrationNumber)).toMatchObject({ status: 'born', caseId });
  // the chain goes on to the birth certificate
  await until(handle, (st) => st.services.birthCertificate.status === 'completed');
});

test('when the linked registration is gone by the time the case runs, then the case still completes the 生育登记 from what it was given and goes on', async () => {
  const linked: LinkedRegistration = { registrationId: 'ZZZZZZZZZZZZZZZZ', registrationNumber: 'SY2026370100009999', childrenOnRecord: 0 };
  const { handle } = await startCase(caseOf(motherIdWith(0), { birthOrder: 1 }), { registration: linked });
  const s = await until(handle, (st) => st.services.birthCertificate.status === 'completed');
  expect(s.services.familyRegistration).toMatchObject({ status: 'completed', result: { source: 'online' } });
});

test('when the family did not register, then the case registers it at the commission with the children before this birth, closed as born with the case', async () => {
  const { caseId, handle } = await startCase(caseOf(motherIdWith(1), { birthOrder: 2 }));
  const s = await until(handle, (st) => st.services.familyRegistration?.status === 'completed');
  const result = s.services.familyRegistration?.result;
  expect(result).toMatchObject({ childrenOnRecord: 1, source: 'case' });
  expect(await atCommission(String(result?.registrationNumber))).toMatchObject({ status: 'born', childrenBefore: 1, caseId });
  await until(handle, (st) => st.services.birthCertificate.status === 'completed');
});

test('when the commission counts other children, then the clerk gets a correction notice on the birth order; the birth order itself stays a key field, a twin\'s corrected position registers the family', async () => {
  // The second of twins typed as born first: birth order 2 − position 1 = 1 child before; the commission has none.
  const { handle } = await startCase(caseOf(motherIdWith(0), { birthOrder: 2, multipleBirth: { children: 2, position: 1 } }));
  const waiting = await until(handle, (st) => st.services.familyRegistration?.status === 'needs_correction');
  expect(waiting.status).toBe('action_required');
  expect(waiting.actionsRequired).toEqual([expect.objectContaining({ kind: 'correction', service: 'familyRegistration', items: [expect.objectContaining({ path: 'newborn.birthOrder' })] })]);
  const [item] = waiting.actionsRequired[0]?.items ?? [];
  expect(item?.message).toContain('卫生健康委记录显示母亲此前已生育0个子女');
  expect(item?.message).toContain('推算为1个');
  // the chain waits for the answer
  expect(waiting.services.birthCertificate.status).toBe('pending');

  await expect(handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.birthOrder': 1 }, actor: clerk }] })).rejects.toThrow();
  const outcome = await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.multipleBirth.position': 2 }, note: '双胞胎中后出生', actor: clerk }] });
  expect(outcome.resubmits).toEqual(['familyRegistration']);
  const s = await until(handle, (st) => st.services.familyRegistration?.status === 'completed');
  expect(s.services.familyRegistration?.result).toMatchObject({ childrenOnRecord: 0, source: 'case' });
  await until(handle, (st) => st.services.birthCertificate.status === 'completed');
});

test('when a case accepted before the patch runs on (its acceptance names no bundle), then it has the five services only, and its status is derived from them', async () => {
  const app = application();
  const accepted = { seq: 1, at: toShanghaiIso(Date.now()), actor: clerk, action: 'case.accepted' as const, service: null, attempt: null, outcome: 'ok' as const, reason: null, data: { newbornNameMissing: false } };
  const { handle } = await startCase(app, {
    resume: { events: [accepted], application: app, agencyEventIds: [], appliedCorrections: [], runs: 1 },
  });
  const s = await until(handle, (st) => st.services.birthCertificate.status === 'completed');
  expect(Object.keys(s.services)).toEqual([...EARLIER_BUNDLE]);
  expect(s.events.some((e) => e.service === 'familyRegistration')).toBe(false);
  expect(['in_progress', 'completed']).toContain(s.status);
});
