// Every recorded history (tests/replay/histories) replayed against the current workflow code, without a
// Temporal server (each with the workflow type it started: birth cases, and since issue 18 family
// registrations, recorded by scripts/record-registration-histories.ts): a change to workflows/ that would break cases already running fails here, naming the
// scenario. Re-recording is never the fix for a failure here: see tests/replay/README.md.
import { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { BIRTH_CASE_WORKFLOW_TYPE } from '../../workflows/birth-case.contract';
import { FAMILY_REGISTRATION_WORKFLOW_TYPE } from '../../workflows/family-registration.contract';
import { bundleWorkflows } from '../helpers/temporal';
import { historyFiles, readHistoryJson, readIndex, scenarioOf } from './history-files';
import { historyFromJson } from './history-json';
import { replayDataConverter } from './replay-key';
import { NO_READ_MODEL_SINKS } from '../../workers/read-model-sink';
import type { InjectedSinks } from '@temporalio/worker';
import type { BirthCaseState, CaseSinks } from '../../workflows/birth-case.contract';
import { caseIdFromWorkflowId } from '../../workflows/birth-case.contract';

const files = historyFiles();
const index = readIndex();
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);

/** Replays one history as the worker would; rejects with the SDK's error if the code no longer fits it. */
async function replay(scenario: string, json: unknown): Promise<void> {
  const workflowId = index.histories[scenario]?.workflowId ?? `replay-${scenario}`;
  await Worker.runReplayHistory({ sinks: NO_READ_MODEL_SINKS, workflowBundle: bundle, dataConverter: replayDataConverter(), replayName: `replay-${scenario}` }, historyFromJson(json), workflowId);
}

/**
 * Encodings of the payloads that carry our data: not search attributes (Temporal indexes them, so no codec
 * touches them) nor patched() markers (the SDK writes `{"id":…,"deprecated":…}` there in plain JSON).
 */
function payloadEncodings(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) payloadEncodings(item, found);
  } else if (node && typeof node === 'object') {
    const { metadata, markerName } = node as { metadata?: Record<string, string>; markerName?: string };
    if (markerName === 'core_patch') return found;
    if (metadata && typeof metadata.encoding === 'string') {
      found.push(Buffer.from(metadata.encoding, 'base64').toString('utf8'));
      return found;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'searchAttributes') payloadEncodings(value, found);
  }
  return found;
}

describe('recorded histories', () => {
  test('when the histories are listed, then there are some, each with its index entry, and no entry without its file', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.map(scenarioOf).sort()).toEqual(Object.keys(index.histories).sort());
  });

  test.each(files)('when %s is read, then it starts the workflow type its index entry names (a birth case or a family registration)', (file) => {
    const started = (readHistoryJson(file) as { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> })
      .events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    expect(started).toBe(index.histories[scenarioOf(file)]?.workflowType);
    expect([BIRTH_CASE_WORKFLOW_TYPE, FAMILY_REGISTRATION_WORKFLOW_TYPE]).toContain(started);
  });

  test.each(files)('when %s was recorded, then every payload in it is encrypted', (file) => {
    const encodings = payloadEncodings(readHistoryJson(file));
    expect(encodings.length).toBeGreaterThan(0);
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
  });
});

describe('replay with the current workflow code', () => {
  test.each(files)('when %s is replayed, then the code makes the same commands as recorded', async (file) => {
    const scenario = scenarioOf(file);
    try {
      await replay(scenario, readHistoryJson(file));
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`History "${scenario}" no longer replays. The change to workflows/ is incompatible with running cases: ` +
        `guard it with patched() (tests/replay/README.md).\n${why}`, { cause: err });
    }
  });

  test('when a history differs from what the code does, then the replay fails with a nondeterminism error', async () => {
    // the harness must be able to fail: rename the first activity the workflow scheduled
    const [file] = files;
    if (!file) throw new Error('no recorded history');
    const tampered = readHistoryJson(file) as { events: Array<{ activityTaskScheduledEventAttributes?: { activityType: { name: string } } }> };
    const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes;
    if (!scheduled) throw new Error(`${file} schedules no activity`);
    scheduled.activityType.name = 'anActivityTheCodeNeverCalls';

    const replayed = replay(scenarioOf(file), tampered);
    await expect(replayed).rejects.toBeInstanceOf(DeterminismViolationError);
    await expect(replayed).rejects.toThrow(/nondeterminism/i);
  });
});

describe('the read model through replay (issue 21)', () => {
  const birthCases = files.filter((f) => index.histories[scenarioOf(f)]?.workflowType === BIRTH_CASE_WORKFLOW_TYPE);
  /** Histories whose case publishes (a memo upsert in them): the read model's publications ride on the same points. */
  const publishes = (file: string): boolean => JSON.stringify(readHistoryJson(file)).includes('EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED');

  test.each(birthCases.filter(publishes))('when %s is replayed with the sink on, then its publications only move forward and end at the whole journal', async (file) => {
    const scenario = scenarioOf(file);
    const workflowId = index.histories[scenario]?.workflowId ?? `replay-${scenario}`;
    const published: Array<{ seq: number; state: BirthCaseState }> = [];
    const sinks: InjectedSinks<CaseSinks> = { readModel: { publish: { fn: (_info, state, seq) => { published.push({ seq, state }); }, callDuringReplay: true } } };
    await Worker.runReplayHistory({ sinks, workflowBundle: bundle, dataConverter: replayDataConverter(), replayName: `read-model-${scenario}` }, historyFromJson(readHistoryJson(file)), workflowId);

    expect(published.length).toBeGreaterThan(0);
    const seqs = published.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // a replayed publication never goes backwards
    for (const { seq, state } of published) {
      expect(state.events).toHaveLength(seq); // seq is the journal's length: the write's order is the case's own
      expect(state.caseId).toBe(caseIdFromWorkflowId(workflowId));
    }
    const last = published.at(-1)!.state;
    expect(last.events.map((e) => e.seq)).toEqual(last.events.map((_e, i) => i + 1));
  });
});
