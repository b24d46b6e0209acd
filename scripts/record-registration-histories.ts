// Records family-registration workflow histories (生育登记, issue 18) for the replay test, beside the birth
// case's (scripts/record-histories.ts, whose rules hold here too): each scenario runs on a local dev server
// with a scripted health commission, and its closed history is written encrypted with the test-only
// replay key under tests/replay/histories, named `registration-…`. Existing histories are never replaced.
//
//   npx tsx scripts/record-registration-histories.ts [--tag <tag>] [--dry-run] [scenario ...]
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { SmsRequest } from '../activities/agency.types';
import type { FamilyRegistrationActivities } from '../activities/family-registration.types';
import { addMonthsToYearMonth, instantMs, shanghaiDateOfMs } from '../domain/dates';
import { DEFAULT_REGISTRATION_SETTINGS, type RegistrationSettings } from '../domain/family-registration';
import {
  amendRegistration, awaitRegistrationVerdict, FAMILY_REGISTRATION_WORKFLOW_TYPE, familyRegistrationWorkflowId, registrationCaseLinked,
  RegistrationConflictType, withdrawRegistration,
} from '../workflows/family-registration.contract';
import type { FamilyRegistrationInput, FamilyRegistrationRequest } from '../workflows/family-registration.contract';
import { registrationRequest } from '../tests/helpers/registration-fixtures';
import { bundleWorkflows, startDevServer, temporalCliPath, testConfig } from '../tests/helpers/temporal';
import { HISTORIES_DIR, INDEX_FILE, readIndex } from '../tests/replay/history-files';
import type { HistoryIndex, RecordedHistory } from '../tests/replay/history-files';
import { historyToJson } from '../tests/replay/history-json';
import { REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64, replayDataConverter } from '../tests/replay/replay-key';

const projectRoot = resolve(__dirname, '..');
const mother = { role: 'parent' as const, id: 'mother' };
const DAY_MS = 86_400_000;

interface Scenario {
  name: string;
  description: string;
  request?: () => FamilyRegistrationRequest;
  /** the commission finds a conflict with the registration */
  conflict?: boolean;
  settings?: () => RegistrationSettings;
  drive?: (handle: WorkflowHandle, request: FamilyRegistrationRequest) => Promise<void>;
}

/** Settings under which a registration expected last month lapses `lapseInMs` from now, reminded `leadMs` before. */
function lapsingSoon(expectedMonth: string, lapseInMs: number, leadMs: number): RegistrationSettings {
  const endOfMonth = instantMs(`${addMonthsToYearMonth(expectedMonth, 1)}-01T00:00:00+08:00`) - 1000;
  return { expireAfterDays: (Date.now() + lapseInMs - endOfMonth) / DAY_MS, reminderLeadDays: leadMs / DAY_MS };
}
const lastMonth = (): string => addMonthsToYearMonth(shanghaiDateOfMs(Date.now()).slice(0, 7), -1);

const scenarios: Scenario[] = [
  {
    name: 'registration-born',
    description: 'when a birth case links the registration, then it is closed as born at the commission',
    drive: async (handle) => {
      await handle.executeUpdate(awaitRegistrationVerdict);
      await handle.signal(registrationCaseLinked, { caseId: 'RECORDEDCASE0001', birthAt: '2026-12-01T08:00:00+08:00', at: '2026-12-01T09:00:00+08:00' });
    },
  },
  {
    name: 'registration-refused',
    description: 'when the commission finds a conflict, then the run ends at once with it',
    conflict: true,
  },
  {
    name: 'registration-amended-withdrawn',
    description: 'when the parents amend (once accepted, once refused by the commission) and withdraw, then it is withdrawn',
    drive: async (handle, request) => {
      await handle.executeUpdate(awaitRegistrationVerdict);
      await handle.executeUpdate(amendRegistration, { args: [{ request: { ...request, hospitalId: 'H0002' }, actor: mother }] });
      await handle.executeUpdate(amendRegistration, { args: [{ request: { ...request, hospitalId: 'H0002', childrenBefore: 2 }, actor: mother }] }).catch(() => undefined);
      await handle.executeUpdate(withdrawRegistration, { args: [{ reason: '计划有变', actor: mother }] });
    },
  },
  {
    name: 'registration-reminded-expired',
    description: 'when no case links the registration, then the mother is reminded before it lapses and it expires',
    request: () => ({ ...registrationRequest(), expectedMonth: lastMonth() }),
    settings: () => lapsingSoon(lastMonth(), 4000, 2000),
  },
];

/** The scripted health commission and SMS gateway: a conflict for the scenarios that ask, and for a changed count. */
function fakeAgencies(conflicted: Set<string>): FamilyRegistrationActivities & { sendSms(req: SmsRequest): Promise<{ messageId: string }> } {
  const conflict = (): ApplicationFailure => ApplicationFailure.create({
    type: RegistrationConflictType, nonRetryable: true, message: 'conflict',
    details: [{ code: 'CHILDREN_MISMATCH', path: 'childrenBefore', message: '卫生健康委记录显示母亲此前已生育0个子女，您申报的是2个，请核对' }],
  });
  return {
    registerFamily: async (req) => {
      if (conflicted.has(req.registrationId)) throw conflict();
      return { registrationNumber: 'SY2026370100000001', childrenOnRecord: req.request.childrenBefore };
    },
    amendFamilyRegistration: async (req) => {
      if (req.request.childrenBefore !== 0) throw conflict();
      return { registrationNumber: req.registrationNumber, childrenOnRecord: 0 };
    },
    withdrawFamilyRegistration: async (req) => ({ registrationNumber: req.registrationNumber, status: req.outcome }),
    closeFamilyRegistration: async (req) => ({ registrationNumber: req.registrationNumber, status: 'born' }),
    sendSms: async () => ({ messageId: 'SMS0000000001' }),
  };
}

function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, tag: { type: 'string' } } });
  const unknown = positionals.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${scenarios.map((s) => s.name).join(', ')}`);
  if (values.tag !== undefined && !/^[a-z0-9-]+$/.test(values.tag)) throw new Error('--tag takes lowercase letters, digits and dashes.');
  const fileOf = (s: Scenario): string => `${s.name}${values.tag ? `.${values.tag}` : ''}.json`;
  const chosen = scenarios.filter((s) => positionals.length === 0 || positionals.includes(s.name));
  const toRecord = chosen.filter((s) => values['dry-run'] || !existsSync(join(HISTORIES_DIR, fileOf(s))));
  for (const s of chosen.filter((c) => !toRecord.includes(c))) console.log(`keep   ${fileOf(s)} (exists; histories are never replaced)`);
  if (toRecord.length === 0) return;

  const config = testConfig({ PAYLOAD_ENCRYPTION_KEY: REPLAY_TEST_ONLY_PAYLOAD_KEY_BASE64 });
  const [env, bundle] = await Promise.all([startDevServer(config), bundleWorkflows()]);
  const conflicted = new Set<string>();
  const taskQueue = `record-registration-histories-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: fakeAgencies(conflicted), dataConverter: replayDataConverter() });

  const recordOne = async (s: Scenario) => {
    const registrationId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    if (s.conflict) conflicted.add(registrationId);
    const request = s.request?.() ?? registrationRequest();
    const input: FamilyRegistrationInput = { registrationId, request, actor: mother, settings: s.settings?.() ?? DEFAULT_REGISTRATION_SETTINGS };
    const workflowId = familyRegistrationWorkflowId(registrationId);
    const handle = await env.client.workflow.start(FAMILY_REGISTRATION_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
    await s.drive?.(handle, request);
    await handle.result();
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    if (history.events?.at(-1)?.eventType !== temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) throw new Error(`${s.name}: not completed`);
    return { scenario: s, workflowId, history };
  };

  let recorded: Array<Awaited<ReturnType<typeof recordOne>>>;
  try {
    recorded = await worker.runUntil(() => Promise.all(toRecord.map(recordOne)));
  } finally {
    await env.teardown();
    rmSync(config.DATA_DIR, { recursive: true, force: true });
  }
  const replays = Worker.runReplayHistories(
    { workflowBundle: bundle, dataConverter: replayDataConverter(), replayName: 'record-registration-histories' },
    recorded.map((r) => ({ workflowId: r.workflowId, history: r.history })),
  );
  for await (const result of replays) {
    if (result.error) throw new Error(`${result.workflowId}: freshly recorded history does not replay: ${result.error.message}`);
  }
  if (values['dry-run']) {
    console.log(`dry run: ${recorded.map((r) => `${r.scenario.name} (${r.history.events?.length} events)`).join(', ')} recorded and replayed; nothing written`);
    return;
  }
  writeRecorded(recorded, fileOf, createHash('sha256').update(bundle.code).digest('hex'));
}

function writeRecorded(recorded: Array<{ scenario: Scenario; workflowId: string; history: Parameters<typeof historyToJson>[0] }>, fileOf: (s: Scenario) => string, bundleSha256: string): void {
  const sdkVersion = (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
  const temporalCli = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  const gitCommit = git('rev-parse', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'workflows/family-registration.workflow.ts', 'workflows/family-registration', 'workflows/family-registration.contract.ts', 'domain/family-registration.ts');
  const recordedAt = new Date().toISOString();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const index: HistoryIndex = readIndex();
  for (const { scenario, workflowId, history } of recorded) {
    const file = fileOf(scenario);
    writeFileSync(join(HISTORIES_DIR, file), `${historyToJson(history)}\n`);
    const meta: RecordedHistory = {
      file, description: scenario.description, workflowId, workflowType: FAMILY_REGISTRATION_WORKFLOW_TYPE, events: history.events?.length ?? 0,
      recordedAt, sdkVersion, temporalCli, gitCommit, uncommittedWorkflowCode: dirty ? dirty.split('\n') : [], bundleSha256,
    };
    index.histories[file.replace(/\.json$/, '')] = meta;
    console.log(`wrote  ${file} (${meta.events} events)`);
  }
  index.histories = Object.fromEntries(Object.entries(index.histories).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
