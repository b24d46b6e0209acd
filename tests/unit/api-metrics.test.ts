// Finding 6: the API's metrics name no case, and answer only on their own listener or with METRICS_TOKEN.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApiMetrics, mountMetrics, serveMetrics } from '../../api/metrics';
import { errorHandler } from '../../api/errors';

const TOKEN = 'metrics-token-for-this-test-0123456789';
const servers: Server[] = [];
afterAll(() => { for (const s of servers) s.close(); });

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function appWith(env: NodeJS.ProcessEnv): express.Express {
  const app = express();
  const metrics = createApiMetrics();
  // the request id as app.ts's request logger sets it
  app.use((req, res, next) => { res.setHeader('x-request-id', String(req.headers['x-request-id'] ?? 'none')); next(); });
  app.use(metrics.middleware);
  mountMetrics(app, metrics, env);
  app.get('/api/cases/:caseId', (_req, res) => { res.json({}); });
  app.use(errorHandler);
  return app;
}

test('when a case is read, then the metrics carry its route pattern and request id but never its case id', async () => {
  const url = await listen(appWith({ METRICS_TOKEN: TOKEN }));
  await fetch(`${url}/api/cases/7ZQ0K8M2XW4T9B1C`, { headers: { 'x-request-id': 'req-1' } });
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(text).toMatch(/route="\/api\/cases\/:caseId"[^}]*\} \d+ # \{requestId="req-1"\}/);
  expect(text).not.toContain('7ZQ0K8M2XW4T9B1C');
});

test('when /metrics is asked on the API\'s port without the token, then 401; with none configured, 404', async () => {
  const guarded = await listen(appWith({ METRICS_TOKEN: TOKEN }));
  expect((await fetch(`${guarded}/metrics`)).status).toBe(401);
  expect((await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
  const open = await listen(appWith({}));
  expect((await fetch(`${open}/metrics`)).status).toBe(404);
});

test('when the metrics\' own listener runs, then it serves /metrics there (loopback) and nothing else', async () => {
  const app = appWith({});
  const server = await serveMetrics(app, { API_METRICS_PORT: '0' });
  expect(server).toBeNull(); // 0: off
  const own = await serveMetrics(app, { API_METRICS_PORT: String(20_000 + Math.floor(Math.random() * 20_000)) });
  servers.push(own as Server);
  const port = (own?.address() as AddressInfo).port;
  expect((own?.address() as AddressInfo).address).toBe('127.0.0.1');
  expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/birth_case_api_/);
  expect((await fetch(`http://127.0.0.1:${port}/api/cases`)).status).toBe(404);
});
