// The worker's read-model sink (workers/read-model-sink.ts): publications written in group commits, each
// caller answered only once its transaction has ended, and a failed write logged per case (id, never the case).
import pino from 'pino';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowInfo } from '@temporalio/workflow';
import { openMigratedDatabase } from '../../infra/database';
import { createReadModel, readModelSchema } from '../../infra/read-model';
import type { ReadModelBulk } from '../../infra/read-model';
import { caseSinks } from '../../workers/read-model-sink';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { caseState, newCodec } from '../helpers/read-model-suite';

const info = (workflowId: string): WorkflowInfo => ({ workflowId } as WorkflowInfo);

function capturedLogger(): { logger: pino.Logger; lines: () => string } {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString(); done(); } });
  return { logger: pino({ level: 'info' }, stream), lines: () => text };
}

/** A bulk writer that holds each transaction until released, and says what each one carried. */
function heldWriter() {
  const transactions: Array<{ entries: Array<{ state: BirthCaseState; seq: number }>; commit: () => void; fail: (err: Error) => void }> = [];
  const publishMany: ReadModelBulk['publishMany'] = (entries) => new Promise((resolve, reject) => {
    transactions.push({ entries: [...entries], commit: () => resolve({ applied: entries.length, stale: 0 }), fail: reject });
  });
  return { transactions, writer: { publish: () => Promise.reject(new Error('publish is not the path taken')), publishMany } };
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('the read-model sink of the birth-case worker', () => {
  it('when three cases publish in one turn and two more while that write runs, then two transactions carry them, and each case hears back only after its own committed', async () => {
    const { transactions, writer } = heldWriter();
    const publish = caseSinks(writer, pino({ level: 'silent' })).readModel.publish.fn;
    const first = ['C-1', 'C-2', 'C-3'].map((id, i) => publish(info(`wf-${id}`), caseState({ caseId: id }), i + 1) as Promise<void>);
    await new Promise((r) => setImmediate(r));
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.entries.map((e) => [e.state.caseId, e.seq])).toEqual([['C-1', 1], ['C-2', 2], ['C-3', 3]]);

    const second = ['C-4', 'C-5'].map((id) => publish(info(`wf-${id}`), caseState({ caseId: id }), 7) as Promise<void>);
    expect(await settled(first[0] as Promise<void>)).toBe(false);
    expect(transactions).toHaveLength(1); // the second batch waits for the first transaction

    transactions[0]?.commit();
    await Promise.all(first);
    expect(await settled(second[0] as Promise<void>)).toBe(false);
    expect(transactions).toHaveLength(2);
    expect(transactions[1]?.entries.map((e) => e.state.caseId)).toEqual(['C-4', 'C-5']);
    transactions[1]?.commit();
    await Promise.all(second);
  });

  it('when a transaction fails, then each of its cases is logged by id and seq without its data, every caller hears back, and the next publication is written', async () => {
    const { transactions, writer } = heldWriter();
    const { logger, lines } = capturedLogger();
    const publish = caseSinks(writer, logger).readModel.publish.fn;
    const state = caseState({ caseId: 'C-FAIL', application: { mother: { name: '欧阳秀英' } } });
    const failed = [publish(info('wf-a'), state, 4) as Promise<void>, publish(info('wf-b'), caseState({ caseId: 'C-OTHER' }), 2) as Promise<void>];
    await new Promise((r) => setImmediate(r));
    transactions[0]?.fail(new Error('SQLITE_BUSY: database is locked'));
    await Promise.all(failed);
    const logged = lines();
    expect(logged).toContain('"caseId":"C-FAIL"');
    expect(logged).toContain('"caseId":"C-OTHER"');
    expect(logged).toContain('read model: publication not written');
    expect(logged).not.toContain('欧阳秀英');

    const next = publish(info('wf-a'), state, 5) as Promise<void>;
    await new Promise((r) => setImmediate(r));
    expect(transactions).toHaveLength(2);
    transactions[1]?.commit();
    await next;
  });

  it('when publications of several cases go through the sink to a SQLite read model, then each row holds its newest state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-model-sink-'));
    const database = await openMigratedDatabase({ dialect: 'sqlite', file: join(dir, 'read-model.sqlite') }, readModelSchema);
    try {
      const model = createReadModel(database, newCodec());
      const publish = caseSinks(model, pino({ level: 'silent' })).readModel.publish.fn;
      await Promise.all([
        publish(info('wf-1'), caseState({ caseId: 'C-S1', stage: 'inReview' }), 3),
        publish(info('wf-2'), caseState({ caseId: 'C-S2' }), 1),
      ]);
      await publish(info('wf-1'), caseState({ caseId: 'C-S1', stage: 'inReview' }), 2); // older: left as it was
      expect((await model.get('C-S1'))?.seq).toBe(3);
      expect((await model.get('C-S2'))?.seq).toBe(1);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
