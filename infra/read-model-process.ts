// The read model of this process (API or worker): the project's database (infra/database.ts) opened and
// migrated in the background, and the payload key ring that encrypts each stored case. Every call waits for
// the database and fails while it cannot be opened (the API then reads Temporal; the worker logs the
// publication it could not write), and the next call tries to open it again.
import type pino from 'pino';
import type { Config } from './config';
import { databaseOptionsFromEnv, openMigratedDatabase } from './database';
import type { Database } from './database';
import { EncryptionCodec, loadPayloadKeys } from './payload-codec';
import { createReadModel, readModelSchema } from './read-model';
import type { ReadModel, ReadModelBulk, ReadModelFigures, ReadModelOptions } from './read-model';

type ReadModelConfig = Pick<Config, 'DATA_DIR' | 'PAYLOAD_ENCRYPTION_KEY' | 'ALLOW_DEV_SECRETS'>;

export interface ProcessReadModel extends ReadModel, ReadModelFigures, ReadModelBulk {
  /** closes the database (the process is stopping) */
  close(): Promise<void>;
}

/** `decodedCases`: how many decoded states reads keep, each checked against its row's seq (ReadModelOptions; the API's). */
export function openReadModel(config: ReadModelConfig, logger?: pino.Logger, env: NodeJS.ProcessEnv = process.env, options: Pick<ReadModelOptions, 'decodedCases'> = {}): ProcessReadModel {
  let opened: Promise<{ database: Database; model: ReadModel & ReadModelFigures & ReadModelBulk }> | null = null;
  const ready = (): Promise<ReadModel & ReadModelFigures & ReadModelBulk> => {
    opened ??= openMigratedDatabase(databaseOptionsFromEnv(env, config.DATA_DIR, 'readModel'), readModelSchema)
      .then((database) => ({ database, model: createReadModel(database, codecOf(config), options) }))
      .catch((err: unknown) => {
        opened = null;
        logger?.error({ err: (err as Error).message }, 'read model: database not opened');
        throw err;
      });
    return opened.then((o) => o.model);
  };
  return {
    publish: (state, seq, options) => ready().then((m) => m.publish(state, seq, options)),
    publishMany: (entries) => ready().then((m) => m.publishMany(entries)),
    get: (caseId) => ready().then((m) => m.get(caseId)),
    list: (filter, hospitalId) => ready().then((m) => m.list(filter, hospitalId)),
    dashboard: (period) => ready().then((m) => m.dashboard(period)),
    async close() {
      const current = opened;
      opened = null;
      if (current) await current.then((o) => o.database.close(), () => undefined);
    },
  };
}

/** Rows are written and read with the payload key ring: a row encrypted with a key since rotated out of it fails to read (and the read goes to Temporal). */
function codecOf(config: ReadModelConfig): EncryptionCodec {
  const keys = loadPayloadKeys({ base64: config.PAYLOAD_ENCRYPTION_KEY, dataDir: config.DATA_DIR, allowDevKey: config.ALLOW_DEV_SECRETS });
  return new EncryptionCodec(keys, { refuseUnencrypted: true });
}
