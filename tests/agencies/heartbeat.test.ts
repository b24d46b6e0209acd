// A slow agency request inside an activity heartbeats, so Temporal notices a dead worker within the
// heartbeatTimeout rather than the whole startToCloseTimeout, and a cancellation aborts the request.
// A real HTTP server that answers late stands for the slow agency.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { AGENCY_HEARTBEAT_EVERY_MS, sendAgencyRequest, type AgencyResponse } from '../../activities/agency-http';
import { agencyActivityOptions } from '../../activities/agency-options';

/** One GET to the slow agency, as an activity would send it. */
const probe = (env: MockActivityEnvironment, delayMs: number): Promise<AgencyResponse> =>
  env.run(() => sendAgencyRequest('vaccination', { baseUrl }, { operation: 'probe', method: 'GET', path: `probe?delay=${delayMs}` }));

let server: Server;
let baseUrl: string;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); }, delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test('when an agency answers quickly, then the activity sends no heartbeat', async () => {
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const res = await probe(env, 0);
  expect(res.status).toBe(200);
  expect(beats).toHaveLength(0);
});

test('when an agency is slow, then the activity heartbeats while it waits, within the heartbeat timeout', async () => {
  const env = new MockActivityEnvironment();
  const beats: number[] = [];
  env.on('heartbeat', () => beats.push(Date.now()));
  const started = Date.now();
  const res = await probe(env, AGENCY_HEARTBEAT_EVERY_MS + 700);
  expect(res.status).toBe(200);
  expect(beats.length).toBeGreaterThanOrEqual(1);
  expect(beats[0]! - started).toBeLessThan(10_000); // the activities' heartbeatTimeout (last test)
});

test('when the activity is cancelled while the agency is slow, then the request is aborted at once', async () => {
  const env = new MockActivityEnvironment();
  const running = probe(env, 30_000);
  const outcome = running.then(() => 'answered', (err: unknown) => err);
  await new Promise((resolve) => setImmediate(resolve));
  env.cancel();
  expect(await outcome).toBeInstanceOf(CancelledFailure);
});

test('every agency activity is allowed more time than one request may take', () => {
  for (const options of Object.values(agencyActivityOptions)) {
    expect(options.startToCloseTimeout).toBe('15 seconds');
    expect(options.heartbeatTimeout).toBe('10 seconds');
  }
});
