// The worker's end of the read model (issue 21): the sink the case workflow calls at every publication
// (workflows/case-publication.ts) writes the case to the project's database (infra/read-model.ts).
//
// The SDK runs sinks after the workflow's activation and before it reports the task done, so the row is
// written before an update's caller hears back: the API reads its own write from the read model. A write
// that fails is logged (the case id, never the case) and leaves the row behind until the case's next
// publication; reads meanwhile serve the older row, and a write decided on the case reads Temporal
// (api/case-repository.ts, `fresh`). Not called on replay: a case evicted from the worker's cache and
// replayed would only rewrite what the row already has (`seq` keeps it from going backwards anyway).
//
// Group commit: publications that arrive in one turn of the event loop, or while the previous write is
// being written, are written together in one transaction (`publishMany`: the newest seq of each case, each
// only over an older row), and each caller hears back once that transaction has committed. Under load (the
// bench's 25 cases in flight) that is one transaction for several workflow tasks instead of one each.
import type { InjectedSinks } from '@temporalio/worker';
import type pino from 'pino';
import type { ReadModel, ReadModelBulk } from '../infra/read-model';
import type { BirthCaseState, CaseSinks } from '../workflows/birth-case.contract';

/** What a worker writes the read model with: `publishMany` when it has one (group commit), else `publish` per call. */
export type ReadModelWriter = Pick<ReadModel, 'publish'> & Partial<Pick<ReadModelBulk, 'publishMany'>>;

interface Publication { state: BirthCaseState; seq: number; workflowId: string; done: () => void }

/** The sinks every birth-case worker registers; without a read model the publications go nowhere. */
export function caseSinks(readModel: ReadModelWriter | null, logger: pino.Logger): InjectedSinks<CaseSinks> {
  const write = readModel?.publishMany ? groupCommit(readModel.publishMany.bind(readModel), logger) : null;
  return {
    readModel: {
      publish: {
        fn: async (info, state, seq) => {
          if (!readModel) return;
          if (write) return write({ state, seq, workflowId: info.workflowId });
          try {
            await readModel.publish(state, seq);
          } catch (err) {
            logger.error({ caseId: state.caseId, seq, workflowId: info.workflowId, err: (err as Error).message }, 'read model: publication not written');
          }
        },
        callDuringReplay: false,
      },
    },
  };
}

/**
 * One writer for the worker: a publication waits for the current transaction (if any) to end, then goes
 * with every other one queued meanwhile. Resolves when its transaction committed or failed (logged per case:
 * the case id and seq, never the case).
 */
export function groupCommit(publishMany: ReadModelBulk['publishMany'], logger: pino.Logger): (p: Omit<Publication, 'done'>) => Promise<void> {
  let queued: Publication[] = [];
  let writing = false;
  const drain = async (): Promise<void> => {
    // let the publications of this turn of the event loop (other workflows' tasks) join the first batch
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        await publishMany(batch.map(({ state, seq }) => ({ state, seq })));
      } catch (err) {
        for (const p of batch) logger.error({ caseId: p.state.caseId, seq: p.seq, workflowId: p.workflowId, err: (err as Error).message }, 'read model: publication not written');
      }
      for (const p of batch) p.done();
    }
    writing = false;
  };
  return (p) => new Promise<void>((resolve) => {
    queued.push({ ...p, done: resolve });
    if (!writing) {
      writing = true;
      void drain();
    }
  });
}

/** For workers that keep no read model (workflow tests, the history recorder): the sink is there, and writes nothing. */
export const NO_READ_MODEL_SINKS: InjectedSinks<CaseSinks> = {
  readModel: { publish: { fn: () => undefined, callDuringReplay: false } },
};
