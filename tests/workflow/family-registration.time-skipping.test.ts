// The family registration's months on the time-skipping test server (Java, scripts/time-skipping): it
// waits for the birth for months, reminds the parents `reminderLeadDays` before it lapses, and lapses 92
// days after the end of the expected month (the commission told); a birth linked in time closes it
// without a reminder.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SmsRequest } from '../../activities/agency.types';
import type { FamilyRegistrationActivities } from '../../activities/family-registration.types';
import { addMonthsToYearMonth, shanghaiDateOfMs } from '../../domain/dates';
import { DEFAULT_REGISTRATION_SETTINGS, registrationClock } from '../../domain/family-registration';
import { dataConverter } from '../../infra/temporal';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping';
import {
  FAMILY_REGISTRATION_WORKFLOW_TYPE, familyRegistrationWorkflowId, getRegistrationState, registrationCaseLinked,
} from '../../workflows/family-registration.contract';
import type { RegistrationOutcome } from '../../workflows/family-registration.contract';
import { registrationRequest } from '../helpers/registration-fixtures';
import { bundleWorkflows, testConfig } from '../helpers/temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const DAY = 86_400_000;
const config = testConfig();
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  const wrapper = ensureTimeSkippingServer();
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: wrapper } }, client: { dataConverter: dataConverter(config) } }),
    bundleWorkflows(),
  ]);
}, 300_000);
afterAll(async () => { await env?.teardown(); });

/** A scripted health commission and SMS gateway: every call recorded. */
function fakeAgencies() {
  const calls: Array<{ activity: string; outcome?: string }> = [];
  const sms: SmsRequest[] = [];
  const registry: FamilyRegistrationActivities & { sendSms(req: SmsRequest): Promise<{ messageId: string }> } = {
    registerFamily: async (req) => { calls.push({ activity: 'registerFamily' }); return { registrationNumber: 'SY2026370100000001', childrenOnRecord: req.request.childrenBefore }; },
    amendFamilyRegistration: async (req) => { calls.push({ activity: 'amend' }); return { registrationNumber: req.registrationNumber, childrenOnRecord: req.request.childrenBefore }; },
    withdrawFamilyRegistration: async (req) => { calls.push({ activity: 'withdraw', outcome: req.outcome }); return { registrationNumber: req.registrationNumber, status: req.outcome }; },
    closeFamilyRegistration: async (req) => { calls.push({ activity: 'close' }); return { registrationNumber: req.registrationNumber, status: 'born' }; },
    sendSms: async (req) => { sms.push(req); return { messageId: `SMS${sms.length}` }; },
  };
  return { calls, sms, registry };
}

async function startRegistration(activities: ReturnType<typeof fakeAgencies>['registry']) {
  const nowMs = await env.currentTimeMs();
  // expected next month by the test server's clock (earlier skipping has moved it ahead of the wall clock)
  const request = { ...registrationRequest({}, nowMs), expectedMonth: addMonthsToYearMonth(shanghaiDateOfMs(nowMs).slice(0, 7), 1) };
  const registrationId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const taskQueue = `registration-months-${registrationId}`;
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, dataConverter: dataConverter(config) });
  return { request, worker, start: () => env.client.workflow.start(FAMILY_REGISTRATION_WORKFLOW_TYPE, {
    taskQueue, workflowId: familyRegistrationWorkflowId(registrationId),
    args: [{ registrationId, request, actor: { role: 'parent', id: 'mother' }, settings: DEFAULT_REGISTRATION_SETTINGS }],
  }) };
}

test('when no birth case links the registration, then it waits for months, reminds the mother 14 days before it lapses, and lapses 92 days after the expected month (the commission told)', async () => {
  const agencies = fakeAgencies();
  const { request, worker, start } = await startRegistration(agencies.registry);
  const wallStart = Date.now();
  const { outcome, state } = await worker.runUntil(async () => {
    const handle = await start();
    const result: RegistrationOutcome = await handle.result();
    return { outcome: result, state: await handle.query(getRegistrationState) };
  });
  expect(outcome).toMatchObject({ status: 'expired', registrationNumber: 'SY2026370100000001' });
  expect(state.audit.map((e) => e.action)).toEqual(['registration.registered', 'registration.reminded', 'registration.expired']);
  const at = (action: string): number => Date.parse(state.audit.find((e) => e.action === action)?.at ?? 'missing');
  const { expiresAtMs, remindAtMs } = registrationClock(request.expectedMonth, DEFAULT_REGISTRATION_SETTINGS);
  // months of waiting: from registration to the lapse, at least the rest of this month, the next, and 92 days
  expect(at('registration.expired') - at('registration.registered')).toBeGreaterThan(92 * DAY + 28 * DAY);
  expect(at('registration.expired')).toBeGreaterThanOrEqual(expiresAtMs);
  expect(at('registration.expired') - expiresAtMs).toBeLessThan(60_000);
  expect(at('registration.reminded') - remindAtMs).toBeLessThan(60_000);
  expect(at('registration.expired') - at('registration.reminded')).toBeGreaterThanOrEqual(14 * DAY - 60_000);
  expect(agencies.sms).toEqual([expect.objectContaining({
    phone: request.mother.phone, template: 'deadline_approaching', params: { item: '生育登记', dueOn: shanghaiDateOfMs(expiresAtMs) },
  })]);
  expect(agencies.calls).toEqual([{ activity: 'registerFamily' }, { activity: 'withdraw', outcome: 'expired' }]);
  expect(state.expiresAt).toBe(new Date(expiresAtMs + 8 * 3600_000).toISOString().replace('Z', '+08:00'));
  expect(Date.now() - wallStart).toBeLessThan(60_000);
});

test('when a birth case links the registration forty days on, then it closes as born, with no reminder and no lapse', async () => {
  const agencies = fakeAgencies();
  const { worker, start } = await startRegistration(agencies.registry);
  const { outcome, state } = await worker.runUntil(async () => {
    const handle = await start();
    await env.sleep(40 * DAY);
    await handle.signal(registrationCaseLinked, { caseId: 'CASE0000000000B2', birthAt: new Date(await env.currentTimeMs()).toISOString(), at: new Date(await env.currentTimeMs()).toISOString() });
    const result: RegistrationOutcome = await handle.result();
    return { outcome: result, state: await handle.query(getRegistrationState) };
  });
  expect(outcome.status).toBe('born');
  expect(state.audit.map((e) => e.action)).toEqual(['registration.registered', 'registration.case_linked']);
  expect(Date.parse(state.audit[1]!.at) - Date.parse(state.audit[0]!.at)).toBeGreaterThanOrEqual(40 * DAY - 60_000);
  expect(agencies.sms).toEqual([]);
  expect(agencies.calls.map((c) => c.activity)).toEqual(['registerFamily', 'close']);
});

test('when the reminder SMS cannot be sent, then the failure is recorded and the registration still lapses on time', async () => {
  const agencies = fakeAgencies();
  agencies.registry.sendSms = async () => { throw ApplicationFailure.create({ type: 'AgencyRefused', nonRetryable: true, message: 'sms refused' }); };
  const { request, worker, start } = await startRegistration(agencies.registry);
  const state = await worker.runUntil(async () => {
    const handle = await start();
    await handle.result();
    return handle.query(getRegistrationState);
  });
  expect(state.audit.map((e) => [e.action, e.fields ?? null])).toEqual([
    ['registration.registered', null], ['registration.reminded', ['sms.failed']], ['registration.expired', null],
  ]);
  const { expiresAtMs } = registrationClock(request.expectedMonth, DEFAULT_REGISTRATION_SETTINGS);
  expect(Date.parse(state.audit[2]!.at) - expiresAtMs).toBeLessThan(60_000);
});
