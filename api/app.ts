// The HTTP API: an Express app over an injected Temporal client (one connection per process).
import express from 'express';
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
import { errorHandler, notFound } from './errors';
import { officerRoutes } from './officers.routes';
import { openApiDocument } from './openapi';
import { parentRoutes } from './parents.routes';
import { sessionRoutes } from './session.routes';
import { webRoutes } from './web';
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

export function createApp({ client, config, logger, reviewDesk, now = () => new Date(), parentLimits }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const requestId = req.header('x-request-id')?.slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', requestId);
    req.log = logger.child({ requestId });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const caseId = caseIdInPath(req.originalUrl);
      req.log?.info({ method: req.method, path: req.route?.path ? `${req.baseUrl}${req.route.path}` : req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, ...(caseId ? { caseId } : {}) }, 'request');
    });
    next();
  });
  const metrics = createApiMetrics();
  observeCaseReads(client, metrics.caseRead);
  app.use(metrics.middleware);
  app.get('/metrics', metrics.handler);
  // before the JSON parser: the codec takes larger bodies, and answers the Temporal UI's CORS preflight
  app.use(CODEC_PATH, codecRoutes(config));
  app.use(express.json({ limit: MAX_BODY_BYTES, verify: (req, _res, buf) => { (req as express.Request).rawBody = buf; } }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/api/openapi.json', (_req, res) => { res.json(openApiDocument()); });

  app.use(opsRoutes({ client, config, now }));
  app.use('/api/cases', caseRoutes({ client, config, now }));
  app.use('/api/track', parentRoutes({ client, config, limits: parentLimits }));
  app.use('/api/reviews', officerRoutes({ client, config, reviewDesk }));
  app.use('/api/agency-callbacks', callbackRoutes({ client, config }));
  app.use('/api/session', sessionRoutes({ config }));
  app.use(webRoutes(config.WEB_DIST_DIR));
  app.use(() => { throw notFound(); });
  app.use(errorHandler);
  return app;
}
