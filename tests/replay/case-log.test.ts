// Every journal entry ever recorded parses into the typed case log (domain/case-log.ts): the entries a
// continued case carried into its next run (with their machine data) and the audit each case published in
// its memo (without it), decoded from every recorded history with the key they were recorded with.
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { AuditEntry, CaseEvent } from '../../domain/case-log';
import { historyFiles, readHistoryJson } from './history-files';
import { historyFromJson } from './history-json';
import { replayDataConverter } from './replay-key';

type Payload = temporal.api.common.v1.IPayload;
const codec = replayDataConverter().payloadCodecs![0]!;

/** The payloads of a history that can carry journal entries: workflow inputs and memo upserts. */
function entryPayloads(history: temporal.api.history.v1.IHistory): Payload[] {
  const out: Payload[] = [];
  for (const e of history.events ?? []) {
    out.push(...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []));
    out.push(...(e.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads ?? []));
    out.push(...Object.values(e.workflowExecutionStartedEventAttributes?.memo?.fields ?? {}));
    out.push(...Object.values(e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields ?? {}));
  }
  return out;
}

/** Every object in a decoded value that is a journal entry (it has a sequence number, an action and a time). */
function entriesIn(value: unknown, found: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) entriesIn(v, found);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['seq'] === 'number' && typeof o['action'] === 'string' && typeof o['at'] === 'string') found.push(o);
    else for (const v of Object.values(o)) entriesIn(v, found);
  }
  return found;
}

describe('the typed case log reads every recorded entry', () => {
  const files = historyFiles();
  let total = 0;
  test.each(files)('when the entries in %s are parsed, then each is a valid case-log entry', async (file) => {
    const history = historyFromJson(readHistoryJson(file));
    const decoded = await codec.decode(entryPayloads(history));
    const entries = decoded.flatMap((p) => entriesIn(defaultPayloadConverter.fromPayload(p)));
    for (const entry of entries) {
      const parsed = 'data' in entry ? CaseEvent.safeParse(entry) : AuditEntry.safeParse(entry);
      if (!parsed.success) throw new Error(`${file}: entry ${String(entry['seq'])} (${String(entry['action'])}) does not parse: ${parsed.error.message}`);
    }
    total += entries.length;
  });
  test('when all histories are read, then they held entries to check (the walk found them)', () => {
    expect(total).toBeGreaterThan(files.length * 5);
  });
});
