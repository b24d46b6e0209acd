// THE journal: every entry of a case goes through record(), and so does what the case publishes about
// itself for reads without a worker (memo and search attributes, workflows/case-publication.ts).
import { CancellationScope, condition, upsertSearchAttributes } from '@temporalio/workflow';
import { reduceCase, SYSTEM } from '../../domain/case-state';
import type { CaseEvent, DerivedCase } from '../../domain/case-state';
import type { EventInput } from '../../domain/case-log';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { toShanghaiIso } from '../../domain/dates';
import { CaseSearchAttributes } from '../birth-case.contract';
import type { CasePublisher } from '../case-publication';

export type { EventInput };

export interface Journal {
  readonly events: CaseEvent[];
  /** THE journal: every event of the case goes through here (and what is published about it). */
  record(e: EventInput): void;
  derived(): DerivedCase;
  /** the status search attribute was set outside record() (the legacy start) */
  markPublished(status: string): void;
  /** where record() reads the application as it is now (for the publication) */
  bindApplication(current: () => CaseCreateRequest): void;
  /** publishes what this task recorded now: before the case returns or continues as new (no command may follow those) */
  flush(): void;
}

/** The entry as the log keeps it: the journal fills in the sequence number and time, and the defaults. */
function entryOf(e: EventInput, seq: number, at: string): CaseEvent {
  const entry = {
    seq, at,
    actor: e.actor ?? SYSTEM,
    action: e.action,
    service: e.service ?? null,
    attempt: e.attempt ?? null,
    outcome: e.outcome ?? 'ok',
    reason: e.reason ?? null,
    ...(e.data ? { data: e.data } : {}),
  };
  // `action` and `data` come from one member of the EventInput union; TypeScript cannot correlate them
  // once the defaults are filled in around them, so the pairing is asserted here, once.
  return entry as CaseEvent;
}

/**
 * The publication runs when the task's other work has settled: woken by the first entry a task records,
 * it publishes after the microtasks of that activation ran (see flush() for the points that cannot wait).
 * Outside every cancellation scope, so a cancelled case still publishes its compensation.
 */
function publishOncePerTask(publisher: CasePublisher): void {
  void CancellationScope.nonCancellable(async () => {
    for (;;) {
      await condition(() => publisher.pending);
      publisher.flush();
    }
  });
}

export function createJournal(initial: CaseEvent[], publisher: CasePublisher | null, perTask = false): Journal {
  const events: CaseEvent[] = [...initial];
  const derived = (): DerivedCase => reduceCase(events);
  const start = initial.length > 0 ? derived() : null;
  let lastStatus = start?.status ?? '';
  let lastOverdue = start?.overdue ?? false;
  let application = (): CaseCreateRequest | null => null;
  if (publisher && perTask) publishOncePerTask(publisher);
  const record = (e: EventInput): void => {
    events.push(entryOf(e, events.length + 1, toShanghaiIso(Date.now())));
    const now = derived();
    const current = application();
    if (publisher && current && perTask) {
      publisher.stage(events, now, current); // the overdue mark included
      return;
    }
    if (publisher && current) publisher.publish(events, now, current);
    else if (now.status !== lastStatus) {
      lastStatus = now.status;
      upsertSearchAttributes([{ key: CaseSearchAttributes.status, value: now.status }]);
    }
    // The escalation's mark (the per-entry publication leaves it to the case); never set on the legacy path.
    if (now.overdue !== lastOverdue) {
      lastOverdue = now.overdue;
      upsertSearchAttributes([{ key: CaseSearchAttributes.overdue, value: now.overdue }]);
    }
  };
  return {
    events, record, derived,
    markPublished: (status) => { lastStatus = status; },
    bindApplication: (current) => { application = current; },
    flush: () => publisher?.flush(),
  };
}
