// Records birth-case workflow histories for the replay test (tests/replay/replay.test.ts): each scenario
// runs on a local dev server with scripted agencies, and its closed history is written encrypted with
// the test-only replay key. Existing histories are kept unless --rerecord: re-recording must never be
// the way to make a failing replay pass (see tests/replay/README.md).
//
//   npx tsx scripts/record-histories.ts [--rerecord] [--tag <tag>] [scenario ...]
//
// No scenario names: every scenario without a history yet. --tag writes <scenario>.<tag>.json next to
// the existing history (a new branch behind patched() gets its own history; the old one stays).
// --dry-run records and checks that the histories replay, and writes nothing.
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { SERVICE_KEYS } from '../domain/catalog';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
import type { CaseAction } from '../domain/case-state';
import {
  agencyEvent, BIRTH_CASE_WORKFLOW_TYPE, birthCaseWorkflowId, cancelCase, correctCase, getCaseState, requestCancellation, resolveService, supplyNewbornName,
} from '../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState, CaseSettings } from '../workflows/birth-case.contract';
import { eventually } from '../tests/helpers/eventually';
import { FakeAgencies } from '../tests/helpers/fake-agencies';
import type { AgencyScript } from '../tests/helpers/fake-agencies';
import { application } from '../tests/helpers/fixtures';
import { bundleWorkflows, startDevServer, temporalCliPath, testConfig } from '../tests/helpers/temporal';
import { HISTORIES_DIR, INDEX_FILE, readIndex } from '../tests/replay/history-files';
import { historyToJson } from '../tests/replay/history-json';
import type { HistoryIndex, RecordedHistory } from '../tests/replay/history-files';
import { REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64, replayDataConverter } from '../tests/replay/replay-key';
import { NO_READ_MODEL_SINKS } from '../workers/read-model-sink';

const projectRoot = resolve(__dirname, '..');
const clerk = { role: 'clerk' as const, id: 'clerk-1' };
const SCENARIO_DEADLINE_MS = 60_000;

interface Run {
  caseId: string;
  handle: WorkflowHandle;
  agencies: FakeAgencies;
  /** polls the case's state until `predicate` holds */
  until(predicate: (s: BirthCaseState) => boolean): Promise<BirthCaseState>;
}

interface Scenario {
  name: string;
  /** "when X, then Y", as in the workflow tests */
  description: string;
  application: () => CaseCreateRequest;
  script?: AgencyScript;
  settings?: Partial<CaseSettings>;
  /** what clerks, parents and agencies do from outside until the case can close on its own */
  drive?: (run: Run) => Promise<void>;
  /** record the first run (ends in continue-as-new) instead of the last one */
  firstRun?: boolean;
  /** more of the case's input (issue 18: the parents' linked online registration) */
  input?: Partial<BirthCaseInput>;
}

const QINGDAO = '370202';
const BEIJING = '110105';
/** Issue 19: a family registered with the father, whose household is at `code` (outside Jinan). */
const elsewhere = (code: string, more: Parameters<typeof application>[0] = {}): CaseCreateRequest => application({ father: { hukouRegionCode: code }, householdOf: 'father', ...more });

/** Every service of the bundle, the 生育登记 included (patch family-registration), for the scenarios of issue 18. */
const wholeBundle = (app: CaseCreateRequest = application()): CaseCreateRequest => ({ ...app, services: [...SERVICE_KEYS] });

/**
 * The case has sent the SMS that follows `action` on `service` and now waits for the clerk or the agency.
 * Acting earlier races the workflow: it takes its baseline of corrections and agency events only after
 * that SMS, so a message arriving while the SMS is in flight is not counted.
 */
const waitingAfter = (action: CaseAction, service: ServiceKey) => (s: BirthCaseState): boolean => {
  const at = s.events.map((e) => e.action === action && e.service === service).lastIndexOf(true);
  return at >= 0 && s.events.slice(at + 1).some((e) => e.action === 'notification.sent' && e.reason === 'action_required');
};

const scenarios: Scenario[] = [
  {
    name: 'happy-path-all-services',
    description: 'when every agency accepts, then all five services complete',
    application: () => application(),
  },
  {
    name: 'subset-of-services',
    description: 'when only the birth certificate and vaccination are requested, then the others are skipped',
    application: () => application({ services: ['birthCertificate', 'vaccination'] }),
  },
  {
    name: 'correction-then-corrected',
    description: 'when the health commission sends a correction notice, then the clerk corrects and it resubmits',
    application: () => application(),
    script: { certificateCorrections: 1 },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.needs_correction', 'birthCertificate'));
      await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.name': '李安' }, note: '改名', actor: clerk }] });
    },
  },
  {
    name: 'household-review-approved',
    description: 'when household registration goes to manual review, then an approval continues the case',
    application: () => application({ married: false, father: null, householdOf: 'mother' }),
    script: { householdReview: true },
    drive: async ({ caseId, handle, agencies, until }) => {
      await until(waitingAfter('service.under_review', 'household'));
      agencies.decide(caseId, 'approve');
      await handle.signal(agencyEvent, { type: 'review.decided', service: 'household', eventId: 'e1', actor: { role: 'agency', id: 'publicSecurity' } });
    },
  },
  {
    name: 'household-refused',
    description: 'when public security refuses, then the later services are skipped and the case is partially completed',
    application: () => application(),
    script: { refuseHousehold: true },
  },
  {
    name: 'birth-certificate-refused',
    description: 'when the health commission refuses (a non-retryable failure), then everything after it is skipped',
    application: () => application(),
    script: { refuseCertificate: true },
  },
  {
    name: 'newborn-name-later',
    description: 'when the newborn has no name yet, then the case waits for the parents to supply it',
    application: () => {
      const app = application();
      delete app.newborn.name;
      return app;
    },
    drive: async ({ handle, until }) => {
      await until((s) => s.status === 'action_required');
      await handle.executeUpdate(supplyNewbornName, { args: [{ name: '李安然', actor: { role: 'parent', id: null } }] });
    },
  },
  {
    name: 'cancelled-during-review',
    description: 'when a clerk cancels during a review, then open services are cancelled and issued ones compensated',
    application: () => application(),
    script: { householdReview: true },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.under_review', 'household'));
      await handle.signal(cancelCase, { reason: '家长撤回申请', actor: clerk });
    },
  },
  {
    name: 'correction-deadline-passed',
    description: 'when a correction notice is not answered by its deadline, then the service is returned (退件)',
    application: () => application(),
    script: { certificateCorrections: 5 },
    settings: { correctionDueSeconds: 1 },
  },
  {
    name: 'card-posted-callback',
    description: 'when human resources calls back that the card is posted, then the case completes without waiting for the poll',
    application: () => application(),
    settings: { agencyPollSeconds: 3600 },
    drive: async ({ handle, until }) => {
      // the workflow is waiting on its poll timer once it has recorded the application number
      await until((s) => s.events.some((e) => e.service === 'socialSecurityCard' && e.reason === '制卡中'));
      await handle.signal(agencyEvent, { type: 'card.posted', service: 'socialSecurityCard', eventId: 'e2', actor: { role: 'agency', id: 'humanResources' } });
    },
  },
  // --- issue 9 (patch case-v2): the new paths ---
  {
    name: 'needs-attention-resubmitted',
    description: 'when an agency answers 409 IDEMPOTENCY_CONFLICT, then the service needs attention until a clerk resubmits it',
    application: () => application(),
    script: { vaccinationProtocolErrors: 1 },
    drive: async ({ handle, until }) => {
      await until((s) => s.services.vaccination.status === 'needs_attention');
      await handle.executeUpdate(resolveService, { args: [{ service: 'vaccination', action: 'resubmit', note: '已核对', actor: clerk }] });
    },
  },
  {
    name: 'needs-attention-abandoned',
    description: 'when a service that needs attention is abandoned, then it is closed with the reason',
    application: () => application({ services: ['birthCertificate', 'vaccination'] }),
    script: { vaccinationProtocolErrors: 5 },
    drive: async ({ handle, until }) => {
      await until((s) => s.services.vaccination.status === 'needs_attention');
      await handle.executeUpdate(resolveService, { args: [{ service: 'vaccination', action: 'abandon', note: '线下办理', actor: clerk }] });
    },
  },
  {
    name: 'agency-unreachable-escalated',
    description: 'when the health commission is unreachable past the configured time, then the case shows it and escalates while retrying',
    application: () => application({ services: ['birthCertificate'] }),
    script: { certificateUnavailableAttempts: 2 },
    settings: { agencyUnreachableSeconds: 1 },
  },
  {
    name: 'cancel-update-during-review',
    description: 'when a clerk cancels by update during a review, then the review is withdrawn and issued documents reported',
    application: () => application(),
    script: { householdReview: true },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.under_review', 'household'));
      await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    },
  },
  {
    name: 'temporal-cancel-during-review',
    description: 'when the run is cancelled in Temporal during a review, then the case compensates as for a clerk',
    application: () => application(),
    script: { householdReview: true },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.under_review', 'household'));
      await handle.cancel();
    },
  },
  {
    name: 'cancel-during-card-production',
    description: 'when a clerk cancels while the card is in production, then the card is stopped',
    application: () => application(),
    script: { cardReadsUntilPosted: 1000 },
    settings: { agencyPollSeconds: 3600 },
    drive: async ({ handle, until }) => {
      await until((s) => s.events.some((e) => e.service === 'socialSecurityCard' && e.reason === '制卡中'));
      await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    },
  },
  {
    name: 'correction-answering-no-notice',
    description: 'when an address is corrected during the certificate\'s correction wait, then nothing is resubmitted until the name is corrected',
    application: () => application(),
    script: { certificateCorrections: 1 },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.needs_correction', 'birthCertificate'));
      await handle.executeUpdate(correctCase, { args: [{ changes: { 'delivery.address': '济南市历下区泉城路2号' }, actor: clerk }] });
      await handle.executeUpdate(correctCase, { updateId: 'correction:retried-key', args: [{ changes: { 'newborn.name': '李安' }, actor: clerk }] });
      await handle.executeUpdate(correctCase, { updateId: 'correction:retried-key', args: [{ changes: { 'newborn.name': '李安' }, actor: clerk }] });
    },
  },
  {
    name: 'review-escalated-then-approved',
    description: 'when a review passes its due time, then the case escalates twice; the approval then completes it',
    application: () => application(),
    script: { householdReview: true },
    settings: { reviewDueSeconds: 1, secondEscalationSeconds: 1, agencyPollSeconds: 1, agencyPollMaxSeconds: 2 },
    drive: async ({ caseId, handle, agencies, until }) => {
      await until((s) => s.services.household.escalation?.level === 2);
      agencies.decide(caseId, 'approve');
      await handle.signal(agencyEvent, { type: 'review.decided', service: 'household', eventId: 'review:R1', actor: { role: 'agency', id: 'publicSecurity' } });
    },
  },
  {
    name: 'correction-escalated-then-returned',
    description: 'when a correction notice stays unanswered, then the case escalates before the deadline and returns the application at it',
    application: () => application({ services: ['birthCertificate'] }),
    script: { certificateCorrections: 1 },
    settings: { correctionDueSeconds: 3, correctionEscalationLeadSeconds: 2 },
  },
  {
    name: 'continued-as-new-during-review',
    description: 'when a review waits past the history bound, then the case continues as new carrying its state (the first run)',
    application: () => application(),
    script: { householdReview: true },
    settings: { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 },
    firstRun: true,
    drive: async ({ caseId, handle, agencies }) => {
      const first = (await handle.describe()).runId;
      await eventually(async () => {
        if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
      }, { timeoutMs: 50_000 });
      agencies.decide(caseId, 'approve');
    },
  },
  {
    name: 'continued-as-new-resumed',
    description: 'when a case continued as new during a review, then the next run resumes the wait and completes on the decision (the last run)',
    application: () => application(),
    script: { householdReview: true },
    settings: { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 },
    drive: async ({ caseId, handle, agencies }) => {
      const first = (await handle.describe()).runId;
      await eventually(async () => {
        if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
      }, { timeoutMs: 50_000 });
      agencies.decide(caseId, 'approve');
    },
  },
  // --- issue 18 (patch family-registration): the 生育登记 ---
  {
    name: 'family-registration-linked',
    description: 'when the case links the parents\' online registration, then the 生育登记 is completed at once and the registration is signalled (here absent: the signal fails, the case goes on)',
    application: () => wholeBundle(),
    input: { registration: { registrationId: '7ZQ0K8M2XW4T9B1C', registrationNumber: 'SY2026370100000123', childrenOnRecord: 1 } },
  },
  {
    name: 'family-registration-by-case',
    description: 'when the family did not register online, then the case registers it first in the chain, and all six services complete',
    application: () => wholeBundle(),
  },
  {
    name: 'family-registration-children-mismatch',
    description: 'when the commission counts other children, then the clerk gets a correction notice; a twin\'s corrected position registers the family',
    application: () => {
      const app = wholeBundle();
      return { ...app, newborn: { ...app.newborn, birthOrder: 2, multipleBirth: { children: 2, position: 1 } } };
    },
    script: { childrenOnRecord: 0 },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.needs_correction', 'familyRegistration'));
      await handle.executeUpdate(correctCase, { args: [{ changes: { 'newborn.multipleBirth.position': 2 }, note: '双胞胎中后出生', actor: clerk }] });
    },
  },
  {
    name: 'family-registration-cancelled-during-review',
    description: 'when a clerk cancels during a review, then the registration the case made is reported to the commission with the rest',
    application: () => wholeBundle(),
    script: { householdReview: true },
    drive: async ({ handle, until }) => {
      await until(waitingAfter('service.under_review', 'household'));
      await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    },
  },
  {
    name: 'family-registration-continued-as-new',
    description: 'when a case with the 生育登记 continues as new during a review, then the next run keeps its bundle and completes on the decision (the last run)',
    application: () => wholeBundle(),
    script: { householdReview: true },
    settings: { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 },
    drive: async ({ caseId, handle, agencies }) => {
      const first = (await handle.describe()).runId;
      await eventually(async () => {
        if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
      }, { timeoutMs: 50_000 });
      agencies.decide(caseId, 'approve');
    },
  },
  // --- issue 19 (patch cross-region): items handled where they belong, through the exchange ---
  {
    name: 'household-in-province',
    description: 'when the household is in Qingdao, then household, insurance and card go there through the in-province exchange (insured at home: no Jinan waiver)',
    application: () => elsewhere(QINGDAO),
  },
  {
    name: 'household-cross-province',
    description: 'when the household is in Beijing, then household, insurance and card go there through the cross-province exchange',
    application: () => elsewhere(BEIJING),
  },
  {
    name: 'insured-in-jinan-with-permit',
    description: 'when a parent holds a Jinan residence permit and the child is insured in Jinan, then only the household is forwarded and the waiver applies',
    application: () => elsewhere(QINGDAO, { insuredAt: 'jinan', residencePermit: { holder: 'father' } }),
  },
  {
    name: 'originals-then-supplied',
    description: 'when the other place asks for originals, then the parents are asked (task, SMS); once received and called back, the household completes',
    application: () => elsewhere(QINGDAO),
    script: { exchange: { originals: ['household'] } },
    drive: async ({ caseId, handle, agencies, until }) => {
      await until((s) => s.events.some((e) => e.action === 'notification.sent' && e.data?.step.startsWith('household:originals') === true));
      agencies.receiveOriginals(caseId);
      await handle.signal(agencyEvent, { type: 'forward.answered', service: 'household', eventId: 'forward:FW-1', actor: { role: 'agency', id: 'exchange' } });
    },
  },
  {
    name: 'household-refused-elsewhere',
    description: 'when the other place refuses the household registration, then it is refused with the place and reason and the rest skipped',
    application: () => elsewhere(QINGDAO),
    script: { exchange: { refuse: { kinds: ['household'], reason: '父亲户口已迁出' } } },
  },
  {
    name: 'exchange-unreachable',
    description: 'when the exchange is unreachable past the configured time, then the household shows it waits on the exchange and escalates, then completes',
    application: () => elsewhere(QINGDAO, { services: ['birthCertificate', 'household'] }),
    script: { exchange: { unreachableAttempts: 2 } },
    settings: { agencyUnreachableSeconds: 1 },
  },
  {
    name: 'inbound-from-hall',
    description: 'when the child was born in Qingdao to a Jinan family, then the certificate is verified and the vaccination record transferred through the exchange',
    application: () => application({ householdOf: 'mother', insuredAt: 'jinan', bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: QINGDAO, certificateNumber: 'Q370212345' } }),
  },
  {
    name: 'forward-continued-as-new',
    description: 'when a forward waits past the history bound, then the case continues as new under the patch, reads the forward again and completes on the answer (the last run)',
    application: () => elsewhere(QINGDAO, { services: ['birthCertificate', 'household'] }),
    script: { exchange: { neverAnswer: true } },
    settings: { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 },
    drive: async ({ caseId, handle, agencies }) => {
      const first = (await handle.describe()).runId;
      await eventually(async () => {
        if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
      }, { timeoutMs: 50_000 });
      agencies.script(caseId, {});
    },
  },
  {
    name: 'forward-continued-as-new-first-run',
    description: 'when a forward waits past the history bound, then the case continues as new carrying the patch (resume.crossRegion) and its forward (the first run)',
    application: () => elsewhere(QINGDAO, { services: ['birthCertificate', 'household'] }),
    script: { exchange: { neverAnswer: true } },
    settings: { agencyPollSeconds: 1, agencyPollMaxSeconds: 1, maxHistoryEvents: 100 },
    firstRun: true,
    drive: async ({ caseId, handle, agencies }) => {
      const first = (await handle.describe()).runId;
      await eventually(async () => {
        if ((await handle.describe()).runId === first) throw new Error('not continued as new yet');
      }, { timeoutMs: 50_000 });
      agencies.script(caseId, {});
    },
  },
  {
    name: 'cancelled-mid-forwarding',
    description: 'when a clerk cancels while the other place has the household, then the forward is withdrawn through the exchange',
    application: () => elsewhere(QINGDAO),
    script: { exchange: { neverAnswer: true } },
    drive: async ({ handle, until }) => {
      await until((s) => s.services.household.forward !== undefined);
      await handle.executeUpdate(requestCancellation, { args: [{ reason: '家长撤回申请', actor: clerk }] });
    },
  },
];

function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** `promise`, or a rejection once the deadline passes (the promise itself may then settle unobserved). */
async function withDeadline<T>(what: string, promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not closed within ${SCENARIO_DEADLINE_MS / 1000} s`)), SCENARIO_DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rerecord: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false }, tag: { type: 'string' } },
  });
  const unknown = positionals.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${scenarios.map((s) => s.name).join(', ')}`);
  if (values.tag !== undefined && !/^[a-z0-9-]+$/.test(values.tag)) throw new Error('--tag takes lowercase letters, digits and dashes.');
  const fileOf = (s: Scenario): string => `${s.name}${values.tag ? `.${values.tag}` : ''}.json`;

  const chosen = scenarios.filter((s) => positionals.length === 0 || positionals.includes(s.name));
  const kept = chosen.filter((s) => existsSync(join(HISTORIES_DIR, fileOf(s))) && !values.rerecord && !values['dry-run']);
  for (const s of kept) console.log(`keep   ${fileOf(s)} (exists; --rerecord to replace it)`);
  const toRecord = chosen.filter((s) => !kept.includes(s));
  if (toRecord.length === 0) return;

  const started = Date.now();
  const config = testConfig({ PAYLOAD_ENCRYPTION_KEY: REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64 });
  const [env, bundle] = await Promise.all([startDevServer(config), bundleWorkflows()]);
  const agencies = new FakeAgencies();
  const taskQueue = `record-histories-${randomUUID()}`;
  const worker = await Worker.create({ sinks: NO_READ_MODEL_SINKS,
    connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: agencies.activities(), dataConverter: replayDataConverter(),
  });

  const recordOne = async (s: Scenario): Promise<{ scenario: Scenario; workflowId: string; history: History }> => {
    const caseId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    agencies.script(caseId, s.script ?? {});
    const input: BirthCaseInput = {
      caseId, hospitalId: 'H0001', acceptedBy: clerk, application: s.application(), trackingSecretHash: 'x', trackingNonce: 'recorded',
      settings: { correctionDueSeconds: 600, agencyPollSeconds: 1, ...s.settings }, ...s.input,
    };
    const workflowId = birthCaseWorkflowId(caseId);
    const handle = await env.client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    const until = (predicate: (st: BirthCaseState) => boolean): Promise<BirthCaseState> =>
      eventually(async () => {
        const st = await handle.query(getCaseState);
        if (!predicate(st)) throw new Error(`${s.name}: still ${st.status}`);
        return st;
      });
    try {
      await withDeadline(s.name, (async () => {
        await s.drive?.({ caseId, handle, agencies, until });
        await handle.result();
      })());
    } catch (err) {
      const st = await handle.query(getCaseState).catch(() => null);
      const services = st ? Object.entries(st.services).map(([k, v]) => `${k}=${v.status}`).join(' ') : 'state unavailable';
      // ends a pending update call too, so nothing is left polling a server about to stop
      await handle.terminate('recording failed').catch(() => undefined);
      throw new Error(`${s.name} (${workflowId}): ${(err as Error).message}; case ${st?.status ?? '?'}: ${services}`, { cause: err });
    }
    const history = s.firstRun
      ? await env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).fetchHistory()
      : await env.client.workflow.getHandle(workflowId).fetchHistory();
    const last = history.events?.at(-1)?.eventType;
    const closed = s.firstRun ? temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW : temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
    if (last !== closed) {
      throw new Error(`${s.name}: the workflow did not complete (last event ${last})`);
    }
    return { scenario: s, workflowId, history };
  };

  let recorded: Awaited<ReturnType<typeof recordOne>>[];
  try {
    recorded = await worker.runUntil(async () => {
      const settled = await Promise.allSettled(toRecord.map(recordOne));
      const failed = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length > 0) throw new AggregateError(failed, `${failed.length} scenario(s) failed; nothing was written`);
      return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    });
  } finally {
    await env.teardown();
    rmSync(config.DATA_DIR, { recursive: true, force: true });
  }

  // A history the current code cannot replay would make the replay test fail from the start.
  const replays = Worker.runReplayHistories(
    { sinks: NO_READ_MODEL_SINKS, workflowBundle: bundle, dataConverter: replayDataConverter(), replayName: 'record-histories' },
    recorded.map((r) => ({ workflowId: r.workflowId, history: r.history })),
  );
  for await (const result of replays) {
    if (result.error) throw new Error(`${result.workflowId}: freshly recorded history does not replay: ${result.error.message}`);
  }

  if (values['dry-run']) {
    console.log(`dry run: ${recorded.map((r) => `${r.scenario.name} (${r.history.events?.length} events)`).join(', ')} recorded and replayed; nothing written`);
    return;
  }

  const sdkVersion = (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
  const temporalCli = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  const gitCommit = git('rev-parse', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'workflows', 'domain', 'activities/agency-options.ts', 'activities/agency.types.ts');
  const bundleSha256 = createHash('sha256').update(bundle.code).digest('hex');
  const recordedAt = new Date().toISOString();

  mkdirSync(HISTORIES_DIR, { recursive: true });
  const index: HistoryIndex = readIndex();
  for (const { scenario, workflowId, history } of recorded) {
    const file = fileOf(scenario);
    writeFileSync(join(HISTORIES_DIR, file), `${historyToJson(history)}\n`);
    const meta: RecordedHistory = {
      file, description: scenario.description, workflowId, workflowType: BIRTH_CASE_WORKFLOW_TYPE, events: history.events?.length ?? 0,
      recordedAt, sdkVersion, temporalCli, gitCommit, uncommittedWorkflowCode: dirty ? dirty.split('\n') : [], bundleSha256,
    };
    index.histories[file.replace(/\.json$/, '')] = meta;
    console.log(`wrote  ${file} (${meta.events} events)`);
  }
  index.histories = Object.fromEntries(Object.entries(index.histories).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`);
  console.log(`${recorded.length} histor${recorded.length === 1 ? 'y' : 'ies'} recorded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
