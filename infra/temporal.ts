// Temporal plumbing shared by the API and the worker: one client per process, the encrypting converter.
import { readFileSync } from 'node:fs';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';
import { EncryptionCodec, loadPayloadKeys } from './payload-codec';

/** Payloads encrypted by the key ring; failure messages and stack traces moved into an encrypted payload too. */
export function dataConverter(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEY' | 'DATA_DIR' | 'ALLOW_DEV_SECRETS'> & Partial<Pick<Config, 'PAYLOAD_COMPRESSION'>>): DataConverter {
  return {
    payloadCodecs: [payloadCodec(config)],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}

/** The payload codec of this process (the key ring, compression as configured; on by default). */
export function payloadCodec(config: Pick<Config, 'PAYLOAD_ENCRYPTION_KEY' | 'DATA_DIR' | 'ALLOW_DEV_SECRETS'> & Partial<Pick<Config, 'PAYLOAD_COMPRESSION'>>): EncryptionCodec {
  const keys = loadPayloadKeys({ base64: config.PAYLOAD_ENCRYPTION_KEY, dataDir: config.DATA_DIR, allowDevKey: config.ALLOW_DEV_SECRETS });
  return new EncryptionCodec(keys, { compress: config.PAYLOAD_COMPRESSION ?? true });
}

type ConnectionConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'>;

/**
 * How the API and the workers reach Temporal: plain gRPC to the embedded dev server by default; for an
 * external cluster TLS (own CA, server name), mTLS (client certificate and key) and/or an API key, which
 * implies TLS. Both connection kinds (client and worker) take these same options.
 */
export function temporalConnectionOptions(config: ConnectionConfig): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const { TEMPORAL_TLS_CERT_FILE: cert, TEMPORAL_TLS_KEY_FILE: key, TEMPORAL_TLS_CA_FILE: ca, TEMPORAL_TLS_SERVER_NAME: serverName } = config;
  if (Boolean(cert) !== Boolean(key)) throw new Error('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (mTLS)');
  if (config.TEMPORAL_TLS === 'false' && (cert || ca || serverName || config.TEMPORAL_API_KEY)) {
    throw new Error('TEMPORAL_TLS=false contradicts the TLS files or API key that are set');
  }
  const wantsTls = config.TEMPORAL_TLS === 'true' || Boolean(cert || ca || serverName || config.TEMPORAL_API_KEY);
  const tls: TLSConfig | undefined = wantsTls
    ? {
        ...(serverName ? { serverNameOverride: serverName } : {}),
        ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
        ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
      }
    : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/**
 * A client whose connection is made on first use, so the API can start (and say 503) while Temporal is
 * down. A clerk waits seconds, not the SDK's default half-minute of retries, before hearing so.
 */
export function createClient(config: Config): Client {
  const connection = Connection.lazy({
    ...temporalConnectionOptions(config),
    connectTimeout: '3 seconds',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
}
