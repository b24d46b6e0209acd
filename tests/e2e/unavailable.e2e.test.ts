// When Temporal cannot be reached, the API stays up, says so (503), and changes nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import { signStaffToken } from '../../api/auth';
import { createClient } from '../../infra/temporal';
import { application } from '../helpers/fixtures';
import { testConfig } from '../helpers/temporal';

test('when Temporal is unreachable, then health is ok, readiness and case starts answer 503 UNAVAILABLE', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));

  // no identity provider here: the development tokens (JWT_SECRET) stand in for one, as only a test may
  const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`, ALLOW_DEV_TOKENS: true });
  const client = createClient(config);
  const app = createApp({ client, config, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: 'http://127.0.0.1:9' }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const token = await signStaffToken({ sub: 'c', role: 'clerk', hospitalId: 'H0001' }, config.JWT_SECRET);
    const res = await fetch(`${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(application()) });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|grpc|stack/i);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
