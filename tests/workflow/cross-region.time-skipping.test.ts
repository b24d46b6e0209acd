// 异地通办's days-long waits (issue 19, patch cross-region) on the time-skipping test server, at the
// production re-read settings: another place that stays silent past its channel's service level (5 days in
// Shandong) is escalated then, and again one service level later, and its late answer still completes the
// item; while the parents owe originals, the other place's service level is not held against it.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { eventsOf } from '../../domain/case-log';
import { loadConfig } from '../../infra/config';
import { dataConverter } from '../../infra/temporal';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping';
import { agencyEvent, BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, getCaseState } from '../../workflows/birth-case.contract';
import type { BirthCaseInput } from '../../workflows/birth-case.contract';
import { eventually } from '../helpers/eventually';
import { FakeAgencies, type AgencyScript } from '../helpers/fake-agencies';
import { application } from '../helpers/fixtures';
import { bundleWorkflows, registerSearchAttributes, testConfig } from '../helpers/temporal';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const agencies = new FakeAgencies();
const config = testConfig();
const defaults = loadConfig({ ALLOW_DEV_SECRETS: 'true' }); // the production service levels, not the test ones

beforeAll(async () => {
  const wrapper = ensureTimeSkippingServer();
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: wrapper } }, client: { dataConverter: dataConverter(config) } }),
    bundleWorkflows(),
  ]);
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  agencies.exchangeNow = () => env.currentTimeMs(); // the exchange's acks and due times on the test server's clock
}, 300_000);
afterAll(async () => { await env?.teardown(); });

/** A household in Qingdao (in-province, 5 days), the certificate and the household only. */
async function start(script: AgencyScript) {
  const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  agencies.script(caseId, script);
  const app = application({ father: { hukouRegionCode: '370202' }, householdOf: 'father', services: ['birthCertificate', 'household'] }, 2, await env.currentTimeMs());
  const input: BirthCaseInput = {
    caseId, hospitalId: 'H0001', acceptedBy: { role: 'clerk', id: 'c' }, application: app, trackingSecretHash: 'x', trackingCode: `${caseId}-X`,
    settings: { correctionDueSeconds: defaults.CORRECTION_DUE_SECONDS, agencyPollSeconds: defaults.AGENCY_POLL_SECONDS },
  };
  const taskQueue = `cross-region-${caseId}`;
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: dataConverter(config) });
  return { caseId, input, taskQueue, worker, workflowId: birthCaseWorkflowId(caseId) };
}

test('when Qingdao stays silent for twelve days, then the case escalates at its five-day service level and again five days later, re-reads ever less often, and completes on the late answer', async () => {
  const { caseId, input, taskQueue, worker, workflowId } = await start({ exchange: { answerAfterReads: 16 } });
  const state = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    await handle.result();
    return handle.query(getCaseState);
  });
  expect(state.services.household).toMatchObject({ status: 'completed', channel: 'inProvince', result: { regionCode: '370202' } });
  const forwarded = eventsOf(state.events, 'service.forwarded')[0]!;
  const forwardedAt = Date.parse(forwarded.at);
  // The exchange's due time (its clock, in the activity: a few ms off the workflow's) is five days on.
  const dueAt = Date.parse(forwarded.data.dueAt);
  expect(Math.abs(dueAt - forwardedAt - 5 * DAY)).toBeLessThan(60_000);
  const escalations = eventsOf(state.events, 'case.escalated').filter((e) => e.service === 'household' && e.data.kind === 'forward_overdue');
  expect(escalations.map((e) => e.data.level)).toEqual([1, 2]);
  expect(Date.parse(escalations[0]!.at)).toBeGreaterThanOrEqual(dueAt);
  expect(Date.parse(escalations[0]!.at) - dueAt).toBeLessThan(60_000);
  expect(Date.parse(escalations[1]!.at) - dueAt).toBeGreaterThanOrEqual(5 * DAY);
  expect(escalations[0]!.reason).toContain('山东省青岛市超过省内跨域通办办理时限');
  const completedAt = Date.parse(state.events.find((e) => e.action === 'service.completed' && e.service === 'household')!.at);
  expect(completedAt - forwardedAt).toBeGreaterThan(10 * DAY);
  // hourly, doubling to daily: 16 reads in twelve days, not 290
  expect(agencies.callsFor(caseId, 'getForwardStatus')).toHaveLength(16);
}, 300_000);

test('when the parents take thirteen days to post the originals, then they are reminded three days before the fifteen-day deadline, the other place\'s service level is not escalated meanwhile, and the answer completes the household', async () => {
  const { caseId, input, taskQueue, worker, workflowId } = await start({ exchange: { originals: ['household'] } });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    await eventually(async () => expect((await handle.query(getCaseState)).services.household.forward).toBeDefined());
    await env.sleep(2 * 3600_000); // the first re-read, an hour after the forward, finds the request
    await eventually(async () => expect((await handle.query(getCaseState)).actionsRequired.map((a) => a.kind)).toEqual(['originals']));
    await env.sleep(11 * DAY);
    expect(agencies.callsFor(caseId, 'sendSms').filter((c) => c.idempotencyKey.includes('originals-reminder'))).toEqual([]);
    await env.sleep(2 * DAY);
    const waiting = await handle.query(getCaseState);
    const reminders = eventsOf(waiting.events, 'notification.sent').filter((e) => e.data?.step.startsWith('household:originals-reminder'));
    expect(reminders).toHaveLength(1);
    expect(Date.parse(reminders[0]!.at)).toBeGreaterThanOrEqual(Date.parse(waiting.actionsRequired[0]!.dueAt!) - 3 * DAY);
    expect(waiting.actionsRequired[0]).toMatchObject({ kind: 'originals', service: 'household' });
    expect(waiting.services.household.escalation).toBeUndefined();
    expect(waiting.overdue).toBe(false);
    agencies.receiveOriginals(caseId);
    await handle.signal(agencyEvent, { type: 'forward.answered', service: 'household', eventId: `forward:${caseId}`, actor: { role: 'agency', id: 'exchange' } });
    await handle.result();
    const done = await handle.query(getCaseState);
    expect(done.services.household.status).toBe('completed');
    expect(done.actionsRequired).toEqual([]);
  });
}, 300_000);
