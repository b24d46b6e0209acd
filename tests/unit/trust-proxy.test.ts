// Finding 8: X-Forwarded-For is believed only when the operator says a proxy writes it (TRUST_PROXY);
// by default the socket's address is the client's, so rotating the header does not escape the parents' limit.
import express from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { trustProxySetting } from '../../api/app';
import type { CaseRepository } from '../../api/case-repository';
import { errorHandler } from '../../api/errors';
import { parentRoutes } from '../../api/parents.routes';
import { loadConfig } from '../../infra/config';

test('when TRUST_PROXY is not set, then it is off', () => {
  expect(loadConfig({ ALLOW_DEV_SECRETS: 'true' }).TRUST_PROXY).toBe('false');
  expect(trustProxySetting('false')).toBe(false);
});

test('when a caller rotates X-Forwarded-For under the default setting, then the per-address limit still stops it', async () => {
  const config = loadConfig({ ALLOW_DEV_SECRETS: 'true' });
  const cases = { read: (id: string) => Promise.reject(new WorkflowNotFoundError('not found', id, undefined)) } as unknown as CaseRepository;
  const app = express();
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(express.json()).use('/api/track', parentRoutes({ cases, config, limits: { windowMs: 60_000, perCode: 100, perAddress: 3 } })).use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/track`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: JSON.stringify({ trackingCode: `CASE00000000000${i}-ABCDEFGHJKMN`, phoneLast4: '0000' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
  } finally {
    server.close();
  }
});
