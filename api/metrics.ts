// The API's Prometheus metrics (prom-client, OpenMetrics format): request rate, latency and errors by
// route, and case reads by source (memo or query). Labels hold the route pattern, never a raw path, a case
// id or anything personal; the request id and the case id ride along as exemplars of the latency, so a
// slow bucket leads to its log lines.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import type { CaseSource } from './case-repository';

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
/** The case id a request's path names (/api/cases/:caseId…, /api/reviews/:caseId…), for logs and exemplars. */
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
  const latency = new Histogram<(typeof labelNames)[number] | 'requestId' | 'caseId'>({
    name: ApiMetricNames.latency, help: 'HTTP request latency by method, route pattern and status', labelNames, registers: [registry], enableExemplars: true,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const reads = new Counter({ name: ApiMetricNames.caseReads.replace(/_total$/, ''), help: 'Case reads by source: cache (this process read it within CASE_READ_CACHE_MS), memo (a describe; no worker needed) or query (fallback)', labelNames: ['source'] as const, registers: [registry] });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route's pattern only: unmatched paths share one label, so callers cannot grow the series.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      if (res.statusCode >= 400) errors.inc(labels);
      const requestId = String(res.getHeader('x-request-id') ?? '').slice(0, 64);
      const caseId = caseIdInPath(req.originalUrl);
      const exemplarLabels = { requestId, ...(caseId ? { caseId } : {}) };
      latency.observe({ labels, value: Number(process.hrtime.bigint() - started) / 1e9, exemplarLabels });
    });
    next();
  };
  const handler: RequestHandler = async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  };
  return { registry, middleware, handler, caseRead: (source) => reads.inc({ source }) };
}
