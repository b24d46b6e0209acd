// The API process as api/server.ts builds it, with one bare express route in front (`GET /bench/floor`):
// the read benchmark's floor, served by the same process, the same express and the same event loop.
// With BENCH_API_PROFILE=<dir> the process runs under the V8 sampling profiler (node:inspector) and
// writes api-<phase>.cpuprofile there: one file per read phase (the bench names them), the rest on SIGTERM.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import express from 'express';
import { createReviewDesk } from '../activities';
import { createApp } from '../api/app';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { createClient } from '../infra/temporal';

const config = loadConfig();
const logger = createLogger('api', config.LOG_LEVEL);
const client = createClient(config);
const app = express();
app.disable('x-powered-by');
const profileDir = process.env.BENCH_API_PROFILE;
if (profileDir) app.post('/bench/profile/:name', profilePhase(profileDir));
app.get('/bench/floor', (_req, res) => { res.json({ caseId: '0000000000000000', status: 'in_progress' }); });
// One load generator on one address and one tracking code stands for many parents: the guessing limits
// (a few failures per code and per address) are raised here, so the limiter's cost is measured, not its 429s.
const parentLimits = { windowMs: 15 * 60_000, perCode: 1_000_000, perAddress: 1_000_000 };
app.use(createApp({ client, config, logger, reviewDesk: createReviewDesk({ baseUrl: config.mockAgenciesUrl, token: config.AGENCY_API_TOKEN }), parentLimits }));
app.listen(config.PORT, config.API_HOST, () => { logger.info('api ready'); });

// A clean exit on the bench's SIGTERM (BENCH_PROFILE_DIR's preload writes its profile on 'exit').
if (!profileDir) process.once('SIGTERM', () => process.exit(0));

/**
 * Runs the process under the V8 sampling profiler; each call of the returned route writes the profile so
 * far under the previous phase's name and starts the next (the bench names each read phase), and
 * SIGTERM writes the last one.
 */
function profilePhase(dir: string): express.RequestHandler {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> => new Promise((resolve, reject) => {
    session.post(method, (err, result) => (err ? reject(err) : resolve(result)));
  });
  let current = 'startup';
  const save = async (): Promise<void> => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `api-${current}.cpuprofile`), JSON.stringify(profile));
  };
  void post('Profiler.enable').then(() => post('Profiler.start'));
  process.once('SIGTERM', () => { void save().finally(() => process.exit(0)); });
  return (req, res) => {
    const name = String(req.params.name).replace(/[^A-Za-z0-9-]/g, '').slice(0, 40);
    void save().then(() => { current = name; return post('Profiler.start'); }).then(() => res.status(204).end(), () => res.status(500).end());
  };
}
