// Entry point: `npx tsx mock-agencies/main.ts`. Env in config.ts; endpoints in README.md.
import pino from 'pino';
import { z } from 'zod';
import { loadConfig, type MockAgenciesConfig } from './config';
import { startMockAgencies } from './server';

async function main(): Promise<void> {
  let config: MockAgenciesConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`mock-agencies: bad environment\n${err instanceof z.ZodError ? z.prettifyError(err) : String(err)}\n`);
    process.exit(1);
  }

  // Synchronous stdout: nothing to flush at exit. (An async pino destination spins forever flushing at
  // process.exit when stdout is a broken pipe, e.g. after the parent that read our logs died.)
  const stdout = pino.destination({ dest: 1, sync: true });
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err; // nobody reads our logs any more: keep running, drop them
  });
  const log = pino({
    level: config.logLevel,
    base: { service: 'mock-agencies', pid: process.pid },
    // Bodies are not logged; this is the second line of defence should one slip into a log call.
    redact: {
      paths: ['*.name', '*.idNumber', '*.phone', '*.childCitizenId', '*.citizenId', '*.childName', '*.address', '*.params', 'body', 'req.body'],
      censor: '[redacted]',
    },
  }, stdout);

  const mock = await startMockAgencies({
    port: config.port,
    host: config.host,
    dbFile: config.dbFile,
    callbackUrl: config.callbackUrl,
    callbackSecret: config.callbackSecret,
    adminToken: config.adminToken,
    secondsPerDay: config.secondsPerDay,
    faults: config.faults,
    exchangeTiming: config.exchangeTiming,
    logger: log,
  });
  log.info({ url: mock.url, dbFile: config.dbFile, callbackUrl: config.callbackUrl, secondsPerDay: config.secondsPerDay }, 'mock agencies ready');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'mock agencies shutting down');
    mock.close().then(
      () => {
        log.info('mock agencies stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'mock agencies did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`mock-agencies: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
