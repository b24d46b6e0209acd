// The external-cluster settings against a real server: the dev server behind a TLS endpoint that asks for a
// client certificate (mTLS), as a Temporal cluster's frontend would. The API's client (createClient) and a
// worker's connection (connectWorker) use the README's TEMPORAL_TLS_* settings and run a workflow through it;
// without a client certificate, or trusting the wrong CA, nothing gets through.
// The certificates are made for the test with openssl (a private CA, a server and a client certificate).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { floorActivities } from '../../bench/floor/floor.activities';
import type { Config } from '../../infra/config';
import { createClient, dataConverter } from '../../infra/temporal';
import { connectWorker } from '../../workers/birth-case.worker';
import { startDevServer, testConfig } from '../helpers/temporal';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'tls-'));
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }); };

/** A CA, and a certificate it signs for `cn` (with `san` as subjectAltName). */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`));
}
function makeCert(name: string, ca: string, san: string | null): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
  const ext = file(`${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'extendedKeyUsage=clientAuth\n');
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`), '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', file(`${name}.pem`));
}

let env: TestWorkflowEnvironment;
let proxy: Server;
let proxyAddress: string;
const sockets = new Set<Socket>();
let base: Config;

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  makeCert('server', 'ca', 'DNS:temporal.test,IP:127.0.0.1');
  makeCert('client', 'ca', null);
  base = testConfig();
  env = await startDevServer(base);
  const target = env.address.split(':');
  // The frontend's TLS endpoint: HTTP/2 over TLS, a client certificate from our CA required, bytes passed on.
  proxy = createServer({
    key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('ca.pem')),
    requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'],
  }, (tlsSocket) => {
    const upstream = connect(Number(target[1]), target[0]);
    for (const s of [tlsSocket, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); }
    tlsSocket.pipe(upstream).pipe(tlsSocket);
  });
  proxy.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyAddress = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy?.close(resolve));
  await env?.teardown();
});

const mtls = (overrides: Partial<Config> = {}): Config => ({
  ...base,
  TEMPORAL_ADDRESS: proxyAddress,
  TEMPORAL_TLS_CA_FILE: file('ca.pem'),
  TEMPORAL_TLS_CERT_FILE: file('client.pem'),
  TEMPORAL_TLS_KEY_FILE: file('client.key'),
  TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
  TEMPORAL_CALL_TIMEOUT_MS: 5_000,
  ...overrides,
});

test('when the API client and a worker connect with the mTLS settings, then a workflow runs through the TLS endpoint', async () => {
  const config = mtls();
  const connection = await connectWorker(config);
  const taskQueue = `tls-${Date.now()}`;
  const worker = await Worker.create({
    connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, workflowsPath: require.resolve('../../bench/floor/floor.workflow'),
    activities: floorActivities, dataConverter: dataConverter(config),
  });
  const client = createClient(config);
  try {
    const calls = await worker.runUntil(client.workflow.execute('floorWorkflow', { taskQueue, workflowId: `tls-floor-${Date.now()}`, args: ['tls'] }));
    expect(calls).toBe(13); // the floor workflow's activity calls, all made over mTLS
  } finally {
    await client.connection.close();
    await connection.close();
  }
});

test('when the client presents no certificate, or trusts another CA, then the TLS endpoint lets nothing through', async () => {
  const deadline = (): AbortSignal => AbortSignal.timeout(5_000);
  for (const config of [
    mtls({ TEMPORAL_TLS_CERT_FILE: undefined, TEMPORAL_TLS_KEY_FILE: undefined }),
    mtls({ TEMPORAL_TLS_CA_FILE: file('other-ca.pem') }),
  ]) {
    const client = createClient(config);
    try {
      await expect(client.connection.withAbortSignal(deadline(), () => client.workflowService.getSystemInfo({}))).rejects.toThrow();
    } finally {
      await client.connection.close().catch(() => undefined);
    }
  }
});
