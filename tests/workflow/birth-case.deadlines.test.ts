// Service levels measured in days, on the time-skipping test server: the real defaults (a five-day
// correction deadline, an hourly re-read of agencies) run in seconds.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig } from '../../infra/config';
import { dataConverter } from '../../infra/temporal';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping';
import { BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, cancelCase, getCaseState } from '../../workflows/birth-case.contract';
import { addMonthsCivil, lastDayByArt203, shanghaiDate } from '../../domain/dates';
import { eventually } from '../helpers/eventually';
import type { BirthCaseInput, BirthCaseState } from '../../workflows/birth-case.contract';
import type { CaseAction } from '../../domain/case-state';
import { eventsOf } from '../../domain/case-log';
import { FakeAgencies } from '../helpers/fake-agencies';
import type { AgencyScript } from '../helpers/fake-agencies';
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
  // The test server knows no custom search attributes until they are registered.
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
}, 300_000);
afterAll(async () => { await env?.teardown(); });

async function newCase(script: AgencyScript, settings: Partial<BirthCaseInput['settings']> = {}) {
  const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  agencies.script(caseId, script);
  const taskQueue = `deadlines-${caseId}`;
  // born by the test server's clock, which earlier skipping has moved far ahead of the wall clock
  const input: BirthCaseInput = {
    caseId, hospitalId: 'H0001', acceptedBy: { role: 'clerk', id: 'c' }, application: application({}, 2, await env.currentTimeMs()), trackingSecretHash: 'x', trackingCode: `${caseId}-X`,
    settings: { correctionDueSeconds: defaults.CORRECTION_DUE_SECONDS, agencyPollSeconds: defaults.AGENCY_POLL_SECONDS, ...settings },
  };
  return { caseId, input, taskQueue };
}

async function runCase(script: AgencyScript): Promise<BirthCaseState> {
  const { caseId, input, taskQueue } = await newCase(script);
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: dataConverter(config) });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId: birthCaseWorkflowId(caseId), args: [input] });
    await handle.result();
    return handle.query(getCaseState);
  });
}

/** Workflow time between the first entries with these actions, from the audit trail itself. */
function between(state: BirthCaseState, from: CaseAction, to: CaseAction, service: string): number {
  const at = (action: CaseAction) => Date.parse(state.events.find((e) => e.action === action && e.service === service)?.at ?? 'missing');
  return at(to) - at(from);
}

test('when a correction notice goes unanswered, then the application is returned after the five-day deadline, not before', async () => {
  const state = await runCase({ certificateCorrections: 99 });
  expect(state.services.birthCertificate).toMatchObject({ status: 'refused', reason: '补正期限已过，申请退件' });
  const waited = between(state, 'service.needs_correction', 'service.refused', 'birthCertificate');
  expect(waited).toBeGreaterThanOrEqual(5 * DAY);
  expect(waited).toBeLessThan(5 * DAY + 60_000);
});

test('when no card-posted callback arrives, then the re-reads (after 1 h, then 2 h, then 4 h: a doubling interval) find the card and the case completes', async () => {
  const state = await runCase({ cardReadsUntilPosted: 3 });
  expect(state.status).toBe('completed');
  expect(state.services.socialSecurityCard.result).toMatchObject({ trackingNumber: 'EA123456789CN' });
  const waited = between(state, 'service.submitted', 'service.completed', 'socialSecurityCard');
  expect(waited).toBeGreaterThanOrEqual(7 * 3600_000);
  expect(waited).toBeLessThan(7 * 3600_000 + 60_000);
});

/** Every run of the case, newest first, with its number of history events. */
async function runLengths(workflowId: string): Promise<number[]> {
  const lengths: number[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    lengths.push(history.events?.length ?? 0);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return lengths;
    runId = previous;
  }
}

// The bound stated in the README ("Bounded history"): every run ends below MAX_HISTORY_EVENTS + 100.
const HISTORY_BOUND_SLACK = 100;

test('when a review stays undecided for 60 days at production settings, then it escalates at its due time and every run stays under the history bound', async () => {
  const maxHistoryEvents = 300; // small, so that 60 days need several runs
  const { caseId, input, taskQueue } = await newCase({ householdReview: true }, { maxHistoryEvents });
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: dataConverter(config) });
  const workflowId = birthCaseWorkflowId(caseId);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    await eventually(async () => expect((await handle.query(getCaseState)).services.household.status).toBe('under_review'));
    await env.sleep(60 * DAY);
    const latest = env.client.workflow.getHandle(workflowId);
    const state = await latest.query(getCaseState);
    expect(state.services.household.status).toBe('under_review');
    const reviewAt = Date.parse(state.events.find((e) => e.action === 'service.under_review')!.at);
    const escalations = eventsOf(state.events, 'case.escalated').filter((e) => e.service === 'household');
    expect(escalations.map((e) => e.data.level)).toEqual([1, 2]);
    // the configured default: three days, then a second level three days later
    expect(Date.parse(escalations[0]!.at) - reviewAt).toBeGreaterThanOrEqual(3 * DAY);
    expect(Date.parse(escalations[0]!.at) - reviewAt).toBeLessThan(3 * DAY + 60_000);
    expect(state.overdue).toBe(true);
    expect(state.events.filter((e) => e.action === 'case.accepted')).toHaveLength(1);

    const lengths = await runLengths(workflowId);
    expect(lengths.length).toBeGreaterThan(1);
    for (const n of lengths) expect(n).toBeLessThan(maxHistoryEvents + HISTORY_BOUND_SLACK);
    // the agency was re-read ever less often: about 64 reads in 60 days, not 1,440
    expect(agencies.callsFor(caseId, 'getHouseholdRegistration').length).toBeLessThan(80);

    await latest.signal(cancelCase, { reason: '测试结束', actor: { role: 'clerk', id: 'c' } });
    await latest.result();
  });
}, 300_000);

test('when a card stays in production for 10 days at production settings, then the case waits with few events and under the default bound', async () => {
  const { caseId, input, taskQueue } = await newCase({ cardReadsUntilPosted: 100_000 });
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: dataConverter(config) });
  const workflowId = birthCaseWorkflowId(caseId);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    await eventually(async () => expect((await handle.query(getCaseState)).services.socialSecurityCard.result).toBeDefined());
    await env.sleep(10 * DAY);
    const latest = env.client.workflow.getHandle(workflowId);
    expect((await latest.query(getCaseState)).services.socialSecurityCard.status).toBe('submitted');
    const lengths = await runLengths(workflowId);
    for (const n of lengths) expect(n).toBeLessThan(defaults.MAX_HISTORY_EVENTS + HISTORY_BOUND_SLACK);
    expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThan(600);
    await latest.signal(cancelCase, { reason: '测试结束', actor: { role: 'clerk', id: 'c' } });
    await latest.result();
  });
}, 300_000);

test('when household registration is still open a week before it is due, then the parents get one reminder; likewise before the waiver window ends', async () => {
  // an officer who never decides; the agency is re-read only every 100 days so skipped time stays cheap
  const { caseId, input, taskQueue } = await newCase({ householdReview: true }, { agencyPollSeconds: 100 * 86_400 });
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS, connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: dataConverter(config) });
  const reminders = (key: string) => agencies.callsFor(caseId, 'sendSms').filter((c) => c.idempotencyKey.endsWith(`:sms:reminder:${key}`));
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId: birthCaseWorkflowId(caseId), args: [input] });
    await eventually(async () => expect((await handle.query(getCaseState)).services.household.status).toBe('under_review'));
    expect(reminders('household')).toHaveLength(0);

    await env.sleep(40 * DAY); // past the household due date (one month after birth)
    await eventually(() => expect(reminders('household')).toHaveLength(1));
    const sent = (await handle.query(getCaseState)).events.find((e) => e.action === 'notification.sent' && e.reason === 'deadline_approaching');
    // A new case counts by Civil Code art. 203 (patch policy-readings): a due day on a rest day moves to the
    // next working day, and the reminder goes a week before the day the family really has.
    const dueOn = lastDayByArt203(addMonthsCivil(shanghaiDate(input.application.newborn.birthAt), 1)).date;
    const due = Date.parse(`${dueOn}T23:59:59+08:00`);
    expect(due - Date.parse(sent!.at)).toBeGreaterThan(6 * DAY); // sent a week ahead, not after the fact
    expect(due - Date.parse(sent!.at)).toBeLessThan(8 * DAY);

    await env.sleep(200 * DAY); // past the six-month waiver window, still not enrolled
    await eventually(() => expect(reminders('medicalInsurance')).toHaveLength(1));
    expect(reminders('household')).toHaveLength(1);

    await handle.signal(cancelCase, { reason: '测试结束', actor: { role: 'clerk', id: 'c' } });
    await handle.result();
  });
});

test('when a case completes quickly, then no reminder is ever sent', async () => {
  const state = await runCase({});
  expect(state.status).toBe('completed');
  expect(agencies.callsFor(state.caseId, 'sendSms').filter((c) => c.idempotencyKey.includes(':sms:reminder:'))).toHaveLength(0);
});
