// The HTTP API: an Express app over an injected Temporal client (one connection per process).
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import type { Config } from '../infra/config';
import type { ReviewDesk } from '../activities';
import type { AccessLog } from '../infra/access-log';
import type { ReadModel, ReadModelFigures } from '../infra/read-model';
import { openReadModel } from '../infra/read-model-process';
import { openAccessLog, readRecorder } from './access';
import { accessRoutes } from './access.routes';
import { callbackRoutes } from './callbacks.routes';
import { createCaseReadCache } from './case-read-cache';
import { createCaseRepository } from './case-repository';
import { CODEC_PATH, codecRoutes } from './codec.routes';
import { caseIdInPath, createApiMetrics, mountMetrics } from './metrics';
import { opsRoutes } from './ops.routes';
import { caseRoutes } from './cases.routes';
import { ApiError, errorHandler, notFound } from './errors';
import { officerRoutes } from './officers.routes';
import { declaredMethods, openApiDocument } from './openapi';
import { parentRoutes } from './parents.routes';
import { createRegistrationRepository } from './registration-repository';
import { parentRegistrationRoutes, staffRegistrationRoutes } from './registrations.routes';
import { parentAuthRoutes } from './parent-auth.routes';
import type { ParentAddressLimits } from './parent-auth.routes';
import { parentCaseRoutes } from './parent-cases.routes';
import { createParentGateways } from './parent-gateways';
import type { ParentGateways } from './parent-gateways';
import { createParentLinks } from './parent-links';
import { createParentSessions } from './parent-session';
import type { SignInPolicy } from './parent-session-store';
import { sessionRoutes } from './session.routes';
import { webRoutes } from './web';
import type { ParentRoutesDeps } from './parents.routes';

declare module 'node:http' {
  interface IncomingMessage {
    /** the body as received, kept by the JSON parser (agency callbacks verify their signature over it) */
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
  /** where staff reads are recorded; default: the project's database (api/access.ts) */
  accessLog?: AccessLog;
  /**
   * the read model (issue 21): where cases are read first, where the case list and the operations
   * dashboard come from (without one, both answer 503), and (with `publish`) where a new case's first row is
   * written; default: the read model on the project's database (infra/read-model-process.ts). The dashboard
   * needs `dashboard` (ReadModelFigures).
   */
  readModel?: Pick<ReadModel, 'get' | 'list'> & Partial<Pick<ReadModel, 'publish'>> & ReadModelFigures;
  /** the parents' sign-in (issue 18): per-address limits, the per-phone policy, the SMS and identity gateways */
  parentSignIn?: { limits?: Partial<ParentAddressLimits>; policy?: Partial<SignInPolicy>; gateways?: ParentGateways };
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

function requestLine(req: express.Request, status: number, ms: number | undefined): object {
  const caseId = caseIdInPath(req.originalUrl);
  return { method: req.method, route: req.route?.path ? `${req.baseUrl}${req.route.path}` : undefined, status, ms, ...(caseId ? { caseId } : {}) };
}

/**
 * One request log line and a request id on every line (pino-http). The line names the route pattern,
 * never the raw URL or headers (they may carry ids, tokens or escapes a caller chose).
 */
function requestLogger(logger: pino.Logger) {
  return pinoHttp<express.Request, express.Response>({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', requestId);
      return requestId;
    },
    // pino-http's own req/res serializers would log headers (the token) and the raw URL: none of that.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    // The logged object is built here, from the route pattern and the status only.
    customSuccessObject: (req, res, val: { responseTime?: number }) => requestLine(req, res.statusCode, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime?: number }) => requestLine(req, res.statusCode, val.responseTime),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
}

export function createApp({ client, config, logger, reviewDesk, now = () => new Date(), parentLimits, accessLog = openAccessLog(config, logger), readModel = openReadModel(config, logger, process.env, { decodedCases: config.CASE_READ_CACHE_MAX }), parentSignIn = {} }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(helmet());

  app.use(requestLogger(logger));
  app.use((req, res, next) => {
    // Answers carry personal data or tokens: no cache, shared or private, may keep them.
    res.setHeader('Cache-Control', 'no-store');
    // Every call to Temporal made while serving this request shares one deadline (then 503).
    client.withDeadline(Date.now() + config.TEMPORAL_CALL_TIMEOUT_MS, async () => { next(); }).catch(next);
  });

  const metrics = createApiMetrics();
  const cases = createCaseRepository({
    client,
    pageTokenKey: config.CASE_ID_SECRET,
    cache: createCaseReadCache({ ttlMs: config.CASE_READ_CACHE_MS, max: config.CASE_READ_CACHE_MAX }),
    onRead: metrics.caseRead,
    accessLog,
    readModel,
    // the case id only: the row's content never reaches a log
    onReadModelError: (caseId, err) => logger.warn({ caseId, err: (err as Error).message }, 'read model: not read; Temporal answers'),
    onFirstRowError: (caseId, err) => logger.warn({ caseId, err: (err as Error).message }, 'read model: the new case\'s first row not written; its first publication writes it'),
  });
  const registrations = createRegistrationRepository({ client, idSecret: config.CASE_ID_SECRET });
  app.use(metrics.middleware);
  mountMetrics(app, metrics);
  // before the JSON parser: the codec takes larger bodies, and answers the Temporal UI's CORS preflight
  app.use(CODEC_PATH, codecRoutes(config, accessLog));
  // Methods the contract does not declare for a path it knows: 405 with Allow, before any route runs.
  app.use((req, _res, next) => {
    const allowed = declaredMethods(req.path);
    if (allowed && !allowed.includes(req.method)) {
      throw new ApiError('METHOD_NOT_ALLOWED', '不支持该请求方法', {}, allowed.join(', '));
    }
    next();
  });
  app.use(express.json({ limit: MAX_BODY_BYTES, verify: (req, _res, buf) => { req.rawBody = buf; } }));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/api/openapi.json', (_req, res) => { res.json(openApiDocument()); });

  app.use(opsRoutes({ client, config, now, readModel }));
  app.use(accessRoutes({ accessLog, config }));
  const parentLinks = createParentLinks(config, logger);
  // A new case may start from the parents' online registration, and is linked to their phones (issue 18).
  app.use('/api/cases', caseRoutes({ cases, config, now, registrations, parentLinks }));
  app.use('/api/track', parentRoutes({ cases, config, limits: parentLimits }));
  // Parents signed in by SMS code (issue 18): the `bot_parent` cookie is read once, for every /api/parent route.
  const parentSessions = createParentSessions(config, logger, parentSignIn.policy);
  app.use('/api/parent', parentSessions.middleware);
  app.use('/api/parent', parentAuthRoutes({ config, store: parentSessions.store, gateways: parentSignIn.gateways ?? createParentGateways(config), limits: parentSignIn.limits, policy: parentSignIn.policy }));
  app.use('/api/parent/cases', parentCaseRoutes({ cases, links: parentLinks, config, now }));
  // The family registration (生育登记, issue 18): the parents' routes and the clerk's lookup.
  app.use('/api/parent/registrations', parentRegistrationRoutes({ registrations, links: parentLinks, config, now }));
  app.use('/api/registrations', staffRegistrationRoutes({ registrations, reads: readRecorder(accessLog), config }));
  app.use('/api/reviews', officerRoutes({ cases, config, reviewDesk }));
  app.use('/api/agency-callbacks', callbackRoutes({ cases, config, now }));
  app.use('/api/session', sessionRoutes({ config }));
  app.use(webRoutes(config.WEB_DIST_DIR));
  app.use(() => { throw notFound(); });
  app.use(errorHandler);
  return app;
}
