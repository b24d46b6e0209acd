// The family registration (生育登记) on a real Temporal dev server, against the mock health commission over
// HTTP through the real adapters: registered, refused with the commission's conflicts, amended, withdrawn
// (and registered again), closed as born when a birth case links it.
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { WorkflowUpdateStage } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createAgencyActivities } from '../../activities';
import { registrationIdFor } from '../../api/case-identity';
import { addMonthsToYearMonth } from '../../domain/dates';
import { DEFAULT_REGISTRATION_SETTINGS } from '../../domain/family-registration';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { workerDataConverter } from '../../workers/birth-case.worker';
import {
  amendRegistration, awaitRegistrationVerdict, FAMILY_REGISTRATION_WORKFLOW_TYPE, familyRegistrationWorkflowId, getRegistrationState,
  registrationCaseLinked, registrationConflictsOf, withdrawRegistration,
} from '../../workflows/family-registration.contract';
import type { FamilyRegistrationRequest, RegistrationOutcome, RegistrationState, RegistrationVerdict } from '../../workflows/family-registration.contract';
import { startTestMock, type TestMock } from '../agencies/support';
import { eventually } from '../helpers/eventually';
import { registrationRequest } from '../helpers/registration-fixtures';
import { bundleWorkflows, startDevServer, testConfig } from '../helpers/temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const parent = { role: 'parent' as const, id: 'parent-session' };
const taskQueue = `family-registration-${randomUUID()}`;
let env: TestWorkflowEnvironment;
let mock: TestMock;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  const config = testConfig();
  const [started, bundle, agencies] = await Promise.all([startDevServer(config), bundleWorkflows(), startTestMock()]);
  env = started;
  mock = agencies;
  worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS,
    connection: env.nativeConnection, taskQueue, workflowBundle: bundle, dataConverter: workerDataConverter(config),
    activities: createAgencyActivities({ baseUrl: mock.url, timeoutMs: 2000 }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await mock?.close();
  await env?.teardown();
});

async function register(request: FamilyRegistrationRequest): Promise<{ handle: WorkflowHandle; verdict: RegistrationVerdict }> {
  const registrationId = registrationIdFor(request.mother.idNumber, 'test-secret');
  const handle = await env.client.workflow.start(FAMILY_REGISTRATION_WORKFLOW_TYPE, {
    taskQueue, workflowId: familyRegistrationWorkflowId(registrationId), workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [{ registrationId, request, actor: parent, settings: DEFAULT_REGISTRATION_SETTINGS }],
  });
  return { handle, verdict: await handle.executeUpdate(awaitRegistrationVerdict) };
}

const registered = (verdict: RegistrationVerdict): RegistrationState => {
  if (!verdict.registered) throw new Error(`not registered: ${JSON.stringify(verdict.conflicts)}`);
  return verdict.state;
};

const atCommission = async (number: string): Promise<{ status: string; childrenBefore: number; expectedMonth: string; caseId: string | null }> =>
  (await mock.admin.get<{ status: string; childrenBefore: number; expectedMonth: string; caseId: string | null }>(`/health-commission/family-registrations/${number}`)).body;

test('when a family registers with the children the commission has on record, then it is registered with a number and waits, open at the commission', async () => {
  const request = registrationRequest({ onRecord: 1 });
  const { handle, verdict } = await register(request);
  const state = registered(verdict);
  expect(state).toMatchObject({ status: 'registered', childrenOnRecord: 1, request, linkedCases: [] });
  expect(state.registrationNumber).toMatch(/^SY\d{16}$/);
  expect(state.audit.map((e) => e.action)).toEqual(['registration.registered']);
  // the lapse: 92 days after the end of the expected month
  expect(Date.parse(state.expiresAt)).toBeGreaterThan(Date.now() + 92 * 86_400_000);
  expect(await atCommission(state.registrationNumber)).toMatchObject({ status: 'open', childrenBefore: 1 });
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await handle.query(getRegistrationState)).toEqual(state);
});

test('when the declared children differ from the record and the father is unknown, then the run ends at once naming every conflict, and nothing is registered', async () => {
  const request = registrationRequest({ onRecord: 2, childrenBefore: 0, father: { idNumber: makeCitizenId('370103', '1992-07-01', 999) } });
  const { handle, verdict } = await register(request);
  expect(verdict).toMatchObject({ registered: false });
  const conflicts = verdict.registered ? [] : verdict.conflicts;
  expect(conflicts.map((c) => [c.code, c.path])).toEqual([['PERSON_UNKNOWN', 'father.idNumber'], ['CHILDREN_MISMATCH', 'childrenBefore']]);
  expect(conflicts[1]?.message).toBe('卫生健康委记录显示母亲此前已生育2个子女，您申报的是0个，请核对');
  const outcome: RegistrationOutcome = await handle.result();
  expect(outcome).toMatchObject({ status: 'refused', registrationNumber: null });
  // no personal value in what the commission says
  expect(JSON.stringify(conflicts)).not.toContain(request.mother.idNumber);
});

test('when the mother has an open registration elsewhere, then the commission refuses with REGISTRATION_OPEN', async () => {
  const request = registrationRequest({ mother: { idNumber: makeCitizenId('370102', '1994-03-15', 994) }, childrenBefore: 1 });
  const { verdict } = await register(request);
  expect(verdict.registered ? [] : verdict.conflicts.map((c) => c.code)).toEqual(['REGISTRATION_OPEN']);
});

test('when the parents amend, then the commission has the new month and the audit names the fields; a wrong count or an invalid body is refused and nothing changes', async () => {
  const request = registrationRequest({ onRecord: 0 });
  const { handle, verdict } = await register(request);
  const before = registered(verdict);
  const later = { ...request, expectedMonth: addMonthsToYearMonth(request.expectedMonth, 1) };
  const amended = await handle.executeUpdate(amendRegistration, { args: [{ request: { ...later, father: { ...request.father!, phone: '13700137000' } }, actor: parent }] });
  expect(amended.audit.at(-1)).toMatchObject({ action: 'registration.amended', fields: expect.arrayContaining(['father.phone']) as unknown });
  expect(JSON.stringify(amended.audit)).not.toContain('13700137000');
  expect((await atCommission(before.registrationNumber)).expectedMonth).toBe(later.expectedMonth);

  const wrong = await handle.executeUpdate(amendRegistration, { args: [{ request: { ...later, childrenBefore: 2 }, actor: parent }] }).catch((e: unknown) => e);
  expect(registrationConflictsOf(wrong)?.map((c) => c.code)).toEqual(['CHILDREN_MISMATCH']);
  const invalid = await handle.executeUpdate(amendRegistration, { args: [{ request: { ...later, hospitalId: 'X1' }, actor: parent }] }).catch((e: unknown) => e as Error);
  expect(((invalid as Error).cause as Error | undefined)?.message).toBe('分娩医院格式不正确');
  const now = await handle.query(getRegistrationState);
  expect(now.audit.map((e) => e.action)).toEqual(['registration.registered', 'registration.amended']);
  expect(now.request.childrenBefore).toBe(0);
});

test('when the parents withdraw, then it is withdrawn at the commission, the run ends, and the mother may register again under a new number', async () => {
  const request = registrationRequest({ onRecord: 0 });
  const { handle, verdict } = await register(request);
  const first = registered(verdict);
  const withdrawn = await handle.executeUpdate(withdrawRegistration, { args: [{ reason: '计划有变', actor: parent }] });
  expect(withdrawn).toMatchObject({ status: 'withdrawn' });
  expect(withdrawn.audit.at(-1)).toMatchObject({ action: 'registration.withdrawn', reason: '计划有变' });
  expect(await handle.result()).toMatchObject({ status: 'withdrawn', registrationNumber: first.registrationNumber });
  expect((await atCommission(first.registrationNumber)).status).toBe('withdrawn');
  // a closed registration refuses further changes
  await expect(handle.executeUpdate(withdrawRegistration, { args: [{ reason: '再次撤回', actor: parent }] })).rejects.toThrow();

  const again = await register(request);
  const second = registered(again.verdict);
  expect(second.registrationNumber).not.toBe(first.registrationNumber);
  expect(again.handle.workflowId).toBe(handle.workflowId);
});

test('when a birth case links the registration, then it is closed as born with the case at the commission and the run ends', async () => {
  const request = registrationRequest({ onRecord: 1 });
  const { handle, verdict } = await register(request);
  const state = registered(verdict);
  const caseId = 'CASE0000000000A1';
  await handle.signal(registrationCaseLinked, { caseId, birthAt: '2026-12-01T08:00:00+08:00', at: '2026-12-01T09:00:00+08:00' });
  expect(await handle.result()).toMatchObject({ status: 'born' });
  const final = await handle.query(getRegistrationState);
  expect(final).toMatchObject({ status: 'born', linkedCases: [{ caseId, at: '2026-12-01T09:00:00+08:00' }] });
  expect(final.audit.map((e) => e.action)).toEqual(['registration.registered', 'registration.case_linked']);
  await eventually(async () => expect(await atCommission(state.registrationNumber)).toMatchObject({ status: 'born', caseId }));
});

test('when a registration has been amended twenty times, then a further amendment is refused and the history stays small', async () => {
  const request = registrationRequest({ onRecord: 0 });
  const { handle } = await register(request);
  for (let i = 1; i <= 20; i++) {
    await handle.executeUpdate(amendRegistration, { args: [{ request: { ...request, hospitalId: `H000${i % 2 === 1 ? 2 : 1}` }, actor: parent }] });
  }
  const refused = await handle.executeUpdate(amendRegistration, { args: [{ request: { ...request, hospitalId: 'H0003' }, actor: parent }] }).catch((e: unknown) => e as Error);
  expect(((refused as Error).cause as Error | undefined)?.message).toBe('登记信息最多修改20次；如需再改，请撤回后重新登记');
  expect((await handle.query(getRegistrationState)).audit.filter((e) => e.action === 'registration.amended')).toHaveLength(20);
  expect((await handle.describe()).historyLength).toBeLessThan(300);
});

test('when a birth case links the registration while an amendment is at the commission, then the amendment finishes first and the registration then closes as born; a later amendment is refused', async () => {
  const request = registrationRequest({ onRecord: 0 });
  const { handle } = await register(request);
  await mock.admin.setFaults('healthCommission', { latencyMs: 800 });
  try {
    const amending = await handle.startUpdate(amendRegistration, { args: [{ request: { ...request, hospitalId: 'H0002' }, actor: parent }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await handle.signal(registrationCaseLinked, { caseId: 'CASE0000000000E5', birthAt: '2026-12-01T08:00:00+08:00', at: '2026-12-01T09:00:00+08:00' });
    expect((await amending.result()).request.hospitalId).toBe('H0002');
  } finally {
    await mock.admin.setFaults('healthCommission', {});
  }
  expect(await handle.result()).toMatchObject({ status: 'born' });
  expect((await handle.query(getRegistrationState)).audit.map((e) => e.action)).toEqual(['registration.registered', 'registration.amended', 'registration.case_linked']);
  await expect(handle.executeUpdate(amendRegistration, { args: [{ request, actor: parent }] })).rejects.toThrow();
});
