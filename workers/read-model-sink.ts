// The worker's end of the read model (issue 21): the sink the case workflow calls at every publication
// (workflows/case-publication.ts) writes the case to the project's database (infra/read-model.ts).
//
// The SDK runs sinks after the workflow's activation and before it reports the task done, so the row is
// written before an update's caller hears back: the API reads its own write from the read model. A write
// that fails is logged (the case id, never the case) and leaves the row behind until the case's next
// publication; reads meanwhile serve the older row, and a write decided on the case reads Temporal
// (api/case-repository.ts, `fresh`). Not called on replay: a case evicted from the worker's cache and
// replayed would only rewrite what the row already has (`seq` keeps it from going backwards anyway).
import type { InjectedSinks } from '@temporalio/worker';
import type pino from 'pino';
import type { ReadModel } from '../infra/read-model';
import type { CaseSinks } from '../workflows/birth-case.contract';

/** The sinks every birth-case worker registers; without a read model the publications go nowhere. */
export function caseSinks(readModel: Pick<ReadModel, 'publish'> | null, logger: pino.Logger): InjectedSinks<CaseSinks> {
  return {
    readModel: {
      publish: {
        fn: async (info, state, seq) => {
          if (!readModel) return;
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

/** For workers that keep no read model (workflow tests, the history recorder): the sink is there, and writes nothing. */
export const NO_READ_MODEL_SINKS: InjectedSinks<CaseSinks> = {
  readModel: { publish: { fn: () => undefined, callDuringReplay: false } },
};
