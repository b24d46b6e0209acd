// Temporal plumbing shared by the API and the worker: one client per process, the encrypting converter.
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';
import { EncryptionCodec, loadPayloadKey } from './payload-codec';

export function dataConverter(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEY' | 'DATA_DIR'>): DataConverter {
  const key = loadPayloadKey({ base64: config.PAYLOAD_ENCRYPTION_KEY, dataDir: config.DATA_DIR });
  return { payloadCodecs: [new EncryptionCodec(key)] };
}

/**
 * A client whose connection is made on first use, so the API can start (and say 503) while Temporal is
 * down. A clerk waits seconds, not the SDK's default half-minute of retries, before hearing so.
 */
export function createClient(config: Config): Client {
  const connection = Connection.lazy({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: '3 seconds',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
}
