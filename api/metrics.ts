// The API's Prometheus metrics (prom-client, OpenMetrics format): request rate, latency and errors by
// route, and case reads by source (read model, memo or query). Labels hold the route pattern, never a raw path, a case
// id or anything personal; only the request id rides along as an exemplar of the latency, so a slow bucket
// leads to its log lines (which name the case) without the metrics naming any case.
//
// Where they are served: on a listener of their own (API_METRICS_PORT, default 9465 on 127.0.0.1; 0 turns
// it off), and on the API's port at /metrics only with `Authorization: Bearer <METRICS_TOKEN>` (unset: 404).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { z } from 'zod';
import type { CaseSource } from './case-repository';
import { ApiError, notFound } from './errors';

/** Settings from the environment (to be folded into infra/config.ts's Env). */
export const MetricsEnv = z.object({
  /** the metrics' own listener; 0 turns it off */
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  API_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** bearer token for /metrics on the API's own port (at least 32 characters); unset: /metrics there answers 404 */
  METRICS_TOKEN: z.string().min(32).optional(),
});
export type MetricsEnv = z.infer<typeof MetricsEnv>;

export const ApiMetricNames = {
  requests: 'birth_case_api_requests_total',
  latency: 'birth_case_api_request_duration_seconds',
  errors: 'birth_case_api_errors_total',
  caseReads: 'birth_case_api_case_reads_total',
} as const;

export interface ApiMetrics {
  registry: Registry<OpenMetricsContentType>;
  middleware: RequestHandler;
  /** serves the registry; Prometheus scrapes it */
  handler: RequestHandler;
  caseRead(source: CaseSource): void;
}

const CASE_ID_IN_PATH = /\/([0-9A-HJKMNP-TV-Z]{16})(?:\/|$)/;
/** The case id a request's path names (/api/cases/:caseId…, /api/reviews/:caseId…), for the request log line. */
export const caseIdInPath = (url: string): string | undefined => CASE_ID_IN_PATH.exec(url.split('?')[0] ?? '')?.[1];

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  collectDefaultMetrics({ register: registry, prefix: 'birth_case_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  // prom-client appends _total to counters in OpenMetrics output itself.
  const requests = new Counter({ name: ApiMetricNames.requests.replace(/_total$/, ''), help: 'HTTP requests by method, route pattern and status', labelNames, registers: [registry] });
  const errors = new Counter({ name: ApiMetricNames.errors.replace(/_total$/, ''), help: 'HTTP answers with status >= 400 by method, route pattern and status', labelNames, registers: [registry] });
  // Exemplar labels are free-form in OpenMetrics; prom-client types them like the metric's labels.
  const latency = new Histogram<(typeof labelNames)[number] | 'requestId'>({
    name: ApiMetricNames.latency, help: 'HTTP request latency by method, route pattern and status', labelNames, registers: [registry], enableExemplars: true,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const reads = new Counter({ name: ApiMetricNames.caseReads.replace(/_total$/, ''), help: 'Case reads by source: cache (this process read it within CASE_READ_CACHE_MS), readModel (the project database; no call to Temporal), memo (a describe; no worker needed) or query (fallback)', labelNames: ['source'] as const, registers: [registry] });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route's pattern only: unmatched paths share one label, so callers cannot grow the series.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      if (res.statusCode >= 400) errors.inc(labels);
      const requestId = String(res.getHeader('x-request-id') ?? '').slice(0, 64);
      latency.observe({ labels, value: Number(process.hrtime.bigint() - started) / 1e9, exemplarLabels: { requestId } });
    });
    next();
  };
  const handler: RequestHandler = async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  };
  return { registry, middleware, handler, caseRead: (source) => reads.inc({ source }) };
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** /metrics on the API's port: only with the bearer token; without a token configured, as if absent. */
export function metricsBehindToken(metrics: ApiMetrics, token: string | undefined): RequestHandler {
  const expected = token ? sha256(token) : null;
  return (req, res, next) => {
    if (!expected) throw notFound();
    const given = /^Bearer (.{1,512})$/.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(sha256(given), expected)) throw new ApiError('UNAUTHENTICATED', '缺少或错误的指标令牌');
    return metrics.handler(req, res, next);
  };
}

const mounted = new WeakMap<Express, ApiMetrics>();

/** Mounts /metrics on the app (behind METRICS_TOKEN) and remembers the metrics for the app's own listener. */
export function mountMetrics(app: Express, metrics: ApiMetrics, env: NodeJS.ProcessEnv = process.env): void {
  mounted.set(app, metrics);
  app.get('/metrics', metricsBehindToken(metrics, MetricsEnv.parse(env).METRICS_TOKEN));
}

/** The metrics' own listener (GET /metrics only), for Prometheus on a loopback or internal address; null when off. */
export function serveMetrics(app: Express, env: NodeJS.ProcessEnv = process.env): Promise<Server | null> {
  const metrics = mounted.get(app);
  const { API_METRICS_PORT: port, API_METRICS_HOST: host } = MetricsEnv.parse(env);
  if (!metrics || port === 0) return Promise.resolve(null);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void metrics.registry.metrics().then(
      (text) => { res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text); },
      () => { res.writeHead(500).end(); },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
