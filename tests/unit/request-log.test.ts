// Request logs (pino-http): one line per request with a request id and the route pattern; a caller's
// request id is kept only if it is plain; no header or raw URL reaches the log (issue 7 item 13).
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { ReviewDesk } from '../../activities';
import { loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';

test('when requests arrive, then each is logged once with its request id and route pattern, and nothing a caller sent in headers or the URL', async () => {
  const lines: string[] = [];
  const logger = createLogger('api', 'info', { write: (l: string) => void lines.push(l) });
  // Only what these routes touch: a client whose deadline wrapper runs the request.
  const client = { withDeadline: (_d: number, fn: () => Promise<unknown>) => fn() } as unknown as Client;
  const app = createApp({ client, config: loadConfig({ ALLOW_DEV_SECRETS: 'true' }), logger, reviewDesk: {} as ReviewDesk });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const kept = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'req-1.a' } });
    expect(kept.headers.get('x-request-id')).toBe('req-1.a');
    const replaced = await fetch(`${url}/api/cases/370102199403150128?phone=13800138000`, { headers: { 'x-request-id': 'x'.repeat(100), authorization: 'Bearer secret-token-value' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  } finally {
    server.close();
  }
  const entries = lines.map((l) => JSON.parse(l) as { msg: string; requestId: string; route?: string; status?: number });
  const requests = entries.filter((e) => e.msg === 'request');
  expect(requests).toHaveLength(2);
  expect(requests[0]).toMatchObject({ requestId: 'req-1.a', route: '/healthz', status: 200, method: 'GET' });
  expect(requests[1]).toMatchObject({ status: 401, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const text = lines.join('');
  for (const secret of ['370102199403150128', '13800138000', 'secret-token-value', 'x'.repeat(100)]) expect(text).not.toContain(secret);
});
