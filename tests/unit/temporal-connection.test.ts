// How the API and the worker reach an external Temporal cluster: plain, TLS, mTLS, API key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../infra/config';
import { temporalConnectionOptions } from '../../infra/temporal';
import { workerTuning } from '../../workers/birth-case.worker';

/** The development stack's config plus what a test sets (secrets then fall back to the development values). */
const config = (env: Record<string, string> = {}) => loadConfig({ ALLOW_DEV_SECRETS: 'true', ...env });

const dir = mkdtempSync(join(tmpdir(), 'tls-'));
const file = (name: string, text: string): string => { writeFileSync(join(dir, name), text); return join(dir, name); };

test('the embedded default is plain gRPC to the dev server', () => {
  expect(temporalConnectionOptions(config({}))).toEqual({ address: '127.0.0.1:7233' });
});

test('an API key for a cloud namespace implies TLS with the system roots', () => {
  const opts = temporalConnectionOptions(config({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k-123' }));
  expect(opts).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k-123' });
});

test('mTLS reads the client certificate, key, CA and server name from files', () => {
  const opts = temporalConnectionOptions(config({
    TEMPORAL_TLS_CERT_FILE: file('c.pem', 'CERT'), TEMPORAL_TLS_KEY_FILE: file('k.pem', 'KEY'),
    TEMPORAL_TLS_CA_FILE: file('ca.pem', 'CA'), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
  }));
  expect(opts.tls).toEqual({
    serverNameOverride: 'temporal.internal',
    serverRootCACertificate: Buffer.from('CA'),
    clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
  });
  expect(opts.apiKey).toBeUndefined();
});

test('a certificate without its key, or TLS switched off while TLS files are set, fails at boot', () => {
  expect(() => temporalConnectionOptions(config({ TEMPORAL_TLS_CERT_FILE: file('c2.pem', 'C') }))).toThrow(/go together/);
  expect(() => temporalConnectionOptions(config({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }))).toThrow(/contradicts/);
  expect(() => config({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).toThrow(/WORKER_MAX_CONCURRENT_WORKFLOW_TASKS/);
});

test('worker tuning passes only what is set', () => {
  expect(workerTuning(config({}))).toEqual({});
  expect(workerTuning(config({ WORKER_MAX_CACHED_WORKFLOWS: '500', WORKER_MAX_CONCURRENT_ACTIVITIES: '200' })))
    .toEqual({ maxCachedWorkflows: 500, maxConcurrentActivityTaskExecutions: 200 });
});
