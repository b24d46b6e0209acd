// The HTTP API: an Express app over an injected Temporal client (one connection per process).
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import type { Config } from '../infra/config';
import type { ReviewDesk } from '../activities';
import { callbackRoutes } from './callbacks.routes';
import { observeCaseReads } from './case-reader';
import { CODEC_PATH, codecRoutes } from './codec.routes';
import { caseIdInPath, createApiMetrics } from './metrics';
import { opsRoutes } from './ops.routes';
import { caseRoutes } from './cases.routes';
import { ApiError, errorHandler, notFound } from './errors';
import { officerRoutes } from './officers.routes';
import { declaredMethods, openApiDocument } from './openapi';
import { parentRoutes } from './parents.routes';
import type { ParentRoutesDeps } from './parents.routes';

declare module 'express-serve-static-core' {
  interface Request {
    log?: pino.Logger;
    rawBody?: Buffer;
  }
}

export interface AppDeps {
  client: Client;
  config: Config;
  logger: pino.Logger;
  reviewDesk: ReviewDesk;
  now?: () => Date;
  parentLimits?: ParentRoutesDeps['limits'];
}

/** Bodies above this are refused before parsing. */
export const MAX_BODY_BYTES = 32 * 1024;

/** A caller's request id is kept only if it is short and plain; anything else gets a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** TRUST_PROXY as Express reads it: `false`, a hop count, or names/CIDRs (`loopback`, `10.0.0.0/8, …`). */
export function trustProxySetting(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === 'false' || v === '') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function createApp({ client, config, logger, reviewDesk, now = () => new Date(), parentLimits }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(helmet());

  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    // Answers carry personal data or tokens: no cache, shared or private, may keep them.
    res.setHeader('Cache-Control', 'no-store');
    req.log = logger.child({ requestId });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const caseId = caseIdInPath(req.originalUrl);
      req.log?.info({ method: req.method, path: req.route?.path ? `${req.baseUrl}${req.route.path}` : req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, ...(caseId ? { caseId } : {}) }, 'request');
    });
    // Every call to Temporal made while serving this request shares one deadline (then 503).
    client.withDeadline(Date.now() + config.TEMPORAL_CALL_TIMEOUT_MS, async () => { next(); }).catch(next);
  });

  const metrics = createApiMetrics();
  observeCaseReads(client, metrics.caseRead);
  app.use(metrics.middleware);
  app.get('/metrics', metrics.handler);
  // before the JSON parser: the codec takes larger bodies, and answers the Temporal UI's CORS preflight
  app.use(CODEC_PATH, codecRoutes(config));
  // Methods the contract does not declare for a path it knows: 405 with Allow, before any route runs.
  app.use((req, _res, next) => {
    const allowed = declaredMethods(req.path);
    if (allowed && !allowed.includes(req.method)) {
      throw new ApiError('METHOD_NOT_ALLOWED', '不支持该请求方法', {}, allowed.join(', '));
    }
    next();
  });
  app.use(express.json({ limit: MAX_BODY_BYTES, verify: (req, _res, buf) => { (req as express.Request).rawBody = buf; } }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/api/openapi.json', (_req, res) => { res.json(openApiDocument()); });

  app.use(opsRoutes({ client, config, now }));
  app.use('/api/cases', caseRoutes({ client, config, now }));
  app.use('/api/track', parentRoutes({ client, config, limits: parentLimits }));
  app.use('/api/reviews', officerRoutes({ client, config, reviewDesk }));
  app.use('/api/agency-callbacks', callbackRoutes({ client, config, now }));
  app.use(() => { throw notFound(); });
  app.use(errorHandler);
  return app;
}
