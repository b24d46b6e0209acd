// The API process as api/server.ts builds it, with one bare express route in front (`GET /bench/floor`):
// the read benchmark's floor, served by the same process, the same express and the same event loop.
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
app.get('/bench/floor', (_req, res) => { res.json({ caseId: '0000000000000000', status: 'in_progress' }); });
// One load generator on one address and one tracking code stands for many parents: the guessing limits
// (a few failures per code and per address) are raised here, so the limiter's cost is measured, not its 429s.
const parentLimits = { windowMs: 15 * 60_000, perCode: 1_000_000, perAddress: 1_000_000 };
app.use(createApp({ client, config, logger, reviewDesk: createReviewDesk({ baseUrl: config.mockAgenciesUrl }), parentLimits }));
app.listen(config.PORT, config.API_HOST, () => { logger.info('api ready'); });
