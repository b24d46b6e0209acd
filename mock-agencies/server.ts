// The mock agencies as one HTTP server over one SQLite file. `startMockAgencies` is what main.ts and
// the tests call; see README.md beside this file for the endpoints and the deterministic triggers.
import express, { type ErrorRequestHandler } from 'express';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { z } from 'zod';
import { AGENCY_PATHS, type AgencyName, type CompensatingAgency } from '../activities/agency.types';
import { SERVICE_KEYS, serviceAgency } from '../domain/catalog';
import { DEV_SECRETS } from '../infra/config';
import { adminRoutes } from './admin.routes';
import { CallbackOutbox } from './callback-outbox';
import type { MockContext } from './context';
import { FaultInjector, FaultsByAgency } from './faults';
import { healthCommissionRoutes } from './health-commission.routes';
import { humanResourcesCompensation, humanResourcesRoutes } from './human-resources.routes';
import { compensationRoutes, type CompensationHooks } from './compensation.routes';
import { DEFAULT_EXCHANGE_TIMING, exchangeAdminRoutes, exchangeRoutes, type ExchangeTiming } from './exchange.routes';
import { errorBody } from './idempotency';
import { identityCheckRoutes } from './identity-check.routes';
import { DEFAULT_PREMIUM_TABLE } from './medical-security.rules';
import { medicalSecurityRoutes } from './medical-security.routes';
import { publicSecurityCompensation, publicSecurityRoutes } from './public-security.routes';
import { EventScheduler } from './scheduler';
import { smsRoutes } from './sms.routes';
import { MockStore, openDatabase, type RecordRow } from './store';
import { vaccinationRoutes } from './vaccination.routes';

export interface MockAgenciesOptions {
  /** 0 = a free port */
  port?: number;
  host?: string;
  dbFile: string;
  /** base URL of the orchestrator's callback endpoint; events go to `${callbackUrl}/${agency}`. Unset: stored, not sent. */
  callbackUrl?: string;
  callbackSecret?: string;
  /** real seconds per agency day (default 2) */
  secondsPerDay?: number;
  faults?: z.input<typeof FaultsByAgency>;
  logger?: Logger;
  /** agency days from application to card posted (default 5) */
  cardProductionDays?: number;
  /** agency days an officer has for a review (shown as slaDueAt; default 3) */
  reviewSlaDays?: number;
  /** the exchange's service level (dueAt) and answer time per channel, agency days (default DEFAULT_EXCHANGE_TIMING) */
  exchangeTiming?: { serviceLevelDays?: Partial<ExchangeTiming['serviceLevelDays']>; answerDays?: Partial<ExchangeTiming['answerDays']> };
  /** yuan per calendar year of enrolment (default DEFAULT_PREMIUM_TABLE) */
  premiumTable?: Record<number, number>;
  /** how often timed events and callbacks are looked at (default 250 ms) */
  pollIntervalMs?: number;
  callbackRetry?: { initialMs?: number; maxMs?: number };
  callbackTimeoutMs?: number;
  /** for fault decisions (default Math.random) */
  random?: () => number;
  /**
   * Bearer token required by the operator routes (/admin/*) and the officers' review routes. The process
   * (main.ts) always sets one; only tests that start the mock in-process may leave them open.
   */
  adminToken?: string;
}

export interface MockAgencies {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 1000;

export async function startMockAgencies(options: MockAgenciesOptions): Promise<MockAgencies> {
  const log = options.logger ?? pino({ level: 'silent' });
  const faults = FaultsByAgency.parse(options.faults ?? {});
  const secondsPerDay = options.secondsPerDay ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const shutdown = new AbortController();

  const db = openDatabase(options.dbFile);
  const ctx: MockContext = {
    store: new MockStore(db),
    faults: new FaultInjector(faults, { random: options.random ?? Math.random, shutdown: shutdown.signal }),
    callbacks: new CallbackOutbox(
      db,
      {
        url: options.callbackUrl?.replace(/\/+$/, ''),
        secret: options.callbackSecret ?? DEV_SECRETS.AGENCY_CALLBACK_SECRET,
        pollIntervalMs,
        retryInitialMs: options.callbackRetry?.initialMs ?? 500,
        retryMaxMs: options.callbackRetry?.maxMs ?? 30_000,
        timeoutMs: options.callbackTimeoutMs ?? 5000,
      },
      log,
    ),
    scheduler: new EventScheduler(db, pollIntervalMs, log),
    log,
    daysToMs: (days) => days * secondsPerDay * 1000,
    premiumTable: options.premiumTable ?? DEFAULT_PREMIUM_TABLE,
    cardProductionDays: options.cardProductionDays ?? 5,
    reviewSlaDays: options.reviewSlaDays ?? 3,
    exchangeTiming: {
      serviceLevelDays: { ...DEFAULT_EXCHANGE_TIMING.serviceLevelDays, ...options.exchangeTiming?.serviceLevelDays },
      answerDays: { ...DEFAULT_EXCHANGE_TIMING.answerDays, ...options.exchangeTiming?.answerDays },
    },
  };

  const server = createServer(createApp(ctx, options.adminToken));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  }).catch((err: unknown) => {
    db.close();
    throw err;
  });
  ctx.scheduler.start();
  ctx.callbacks.start();

  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        shutdown.abort(); // ends injected waits; those requests answer 503 without effect
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(force);
        await Promise.all([ctx.scheduler.stop(), ctx.callbacks.stop()]);
        db.close();
      })();
      return closing;
    },
  };
}

/** 401 unless the request carries the bearer token (constant-time compare). */
function requireToken(token: string | undefined): express.RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const expected = createHash('sha256').update(token).digest();
  return (req, res, next) => {
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (timingSafeEqual(createHash('sha256').update(given).digest(), expected)) return next();
    res.status(401).json(errorBody('UNAUTHENTICATED', 'a valid bearer token is required'));
  };
}

function createApp(ctx: MockContext, adminToken: string | undefined): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // A request id on every log line; bodies are never logged (they carry names, IDs and phones).
  app.use((req, res, next) => {
    const requestId = req.get('X-Request-Id') ?? randomUUID();
    const started = process.hrtime.bigint();
    res.set('X-Request-Id', requestId);
    res.on('finish', () => {
      const caseId = (req.body as { caseId?: unknown } | undefined)?.caseId;
      ctx.log.info(
        {
          requestId,
          method: req.method,
          path: req.originalUrl,
          status: res.statusCode,
          caseId: typeof caseId === 'string' ? caseId : undefined,
          replayed: res.get('Idempotent-Replayed') === 'true' || undefined,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        },
        'request',
      );
    });
    next();
  });
  app.use(express.json({ limit: '100kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const at = (agency: AgencyName): string => `/${AGENCY_PATHS[agency]}`;
  app.use(at('healthCommission'), healthCommissionRoutes(ctx));
  app.use(at('vaccination'), vaccinationRoutes(ctx));
  // Officers' review routes are for the orchestrator's review desk only.
  app.use(`${at('publicSecurity')}/reviews`, requireToken(adminToken));
  app.use(at('publicSecurity'), publicSecurityRoutes(ctx));
  app.use(at('publicSecurity'), identityCheckRoutes(ctx)); // the parents' real-name check (issue 18)
  app.use(at('medicalSecurity'), medicalSecurityRoutes(ctx));
  app.use(at('humanResources'), humanResourcesRoutes(ctx));
  // Compensation (withdrawals, notices of a cancelled case) at every agency that issues something.
  const documentField = (label: string, field: string) => (record: RecordRow): string | null => {
    const value = (record.state as Record<string, unknown>)[field];
    return typeof value === 'string' ? `${label} ${value}` : null;
  };
  const compensation: Record<CompensatingAgency, CompensationHooks> = {
    healthCommission: { submitOperation: 'issueBirthCertificate', documentOf: documentField('出生医学证明', 'certificateNumber') },
    vaccination: { submitOperation: 'createVaccinationRecord', documentOf: documentField('预防接种证', 'certificateNumber') },
    publicSecurity: publicSecurityCompensation(ctx),
    medicalSecurity: { submitOperation: 'enrolMedicalInsurance', documentOf: documentField('医保参保登记', 'enrolmentNumber') },
    humanResources: humanResourcesCompensation(ctx),
  };
  // Each agency once, in the bundle's order (the health commission carries two services since issue 18).
  for (const agency of new Set(SERVICE_KEYS.map(serviceAgency))) {
    app.use(at(agency), compensationRoutes(ctx, agency, compensation[agency]));
  }
  app.use(at('sms'), smsRoutes(ctx));
  app.use(at('exchange'), exchangeRoutes(ctx)); // issue 19: the cross-region exchange
  app.use('/admin/exchange', requireToken(adminToken), exchangeAdminRoutes(ctx));
  app.use('/admin', requireToken(adminToken), adminRoutes(ctx));

  app.use((_req, res) => {
    res.status(404).json(errorBody('NOT_FOUND', 'no such endpoint'));
  });
  const onError: ErrorRequestHandler = (err: { status?: number }, req, res, _next) => {
    // body-parser's own errors (malformed JSON, too large) carry a 4xx status
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json(errorBody('VALIDATION_FAILED', 'malformed or oversized JSON body'));
      return;
    }
    ctx.log.error({ err, path: req.originalUrl }, 'unhandled error');
    if (!res.headersSent) res.status(500).json(errorBody('INTERNAL', 'internal error'));
  };
  app.use(onError);
  return app;
}
