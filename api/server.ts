// API process entry: `tsx api/server.ts`. Graceful shutdown: stop accepting, finish in-flight requests.
import { createReviewDesk } from '../activities';
import { shanghaiDateOfMs } from '../domain/dates';
import { premiumCoverage } from '../domain/policy';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createClient } from '../infra/temporal';
import { createApp } from './app';
import { serveMetrics } from './metrics';

const config = loadConfig(process.env, { api: true });
const logger = createLogger('api', config.LOG_LEVEL);
const client = createClient(config);
const app = createApp({ client, config, logger, reviewDesk: createReviewDesk({ baseUrl: config.mockAgenciesUrl, token: config.AGENCY_API_TOKEN }) });

// The premium table must reach next year: said at start-up, before a case needs the missing figure.
const coverage = premiumCoverage(shanghaiDateOfMs(Date.now()));
if (coverage.message) logger.warn({ missing: coverage.missing, coveredTo: coverage.coveredTo }, coverage.message);

const server = app.listen(config.PORT, config.API_HOST, () => {
  logger.info({ url: `http://${config.API_HOST}:${config.PORT}` }, 'api ready');
});
// Prometheus scrapes the API on a listener of its own (API_METRICS_PORT, loopback by default).
const metricsServer = serveMetrics(app).then((s) => {
  if (s) logger.info({ address: s.address() }, 'api metrics ready');
  return s;
}, (err: unknown) => {
  logger.error({ err: (err as Error).message }, 'api metrics listener not started');
  return null;
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'api shutting down');
  void metricsServer.then((s) => s?.close());
  server.close(() => {
    void client.connection.close().finally(() => process.exit(0));
  });
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
