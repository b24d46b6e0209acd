// Environment of the mock-agencies process, parsed once at boot (fail fast on a bad value).
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEV_SECRETS } from '../infra/config';
import { FaultsByAgency } from './faults';

const PROJECT_ROOT = resolve(__dirname, '..');

const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

const FaultsJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'MOCK_FAULTS must be JSON, e.g. {"publicSecurity":{"errorRate":0.3}}' });
    return z.NEVER;
  }
}).pipe(FaultsByAgency);

/** The exchange's agency days per channel (issue 19), e.g. {"serviceLevelDays":{"crossProvince":12},"answerDays":{"inProvince":2}}. */
const days = z.number().positive().max(365);
const perChannel = z.strictObject({ inProvince: days.optional(), crossProvince: days.optional() });
export const ExchangeTimingSetting = z.strictObject({ serviceLevelDays: perChannel.optional(), answerDays: perChannel.optional() });
const ExchangeTimingJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'MOCK_EXCHANGE_DAYS must be JSON, e.g. {"answerDays":{"inProvince":2}}' });
    return z.NEVER;
  }
}).pipe(ExchangeTimingSetting);

export const MockAgenciesEnv = z.object({
  MOCK_AGENCIES_PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65_535).default(4100)),
  MOCK_AGENCIES_HOST: z.preprocess(emptyAsUnset, z.string().min(1).default('127.0.0.1')),
  DATA_DIR: z.preprocess(emptyAsUnset, z.string().min(1).default(resolve(PROJECT_ROOT, '.data'))),
  /** the API's port, only for the default callback URL */
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65_535).default(3000)),
  AGENCY_CALLBACK_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  /** the development stack's switch: only with it may the callback secret fall back to the development value */
  ALLOW_DEV_SECRETS: z.preprocess(emptyAsUnset, z.enum(['true', 'false']).default('false')),
  AGENCY_CALLBACK_SECRET: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
  /** bearer token of the admin and officer-review routes (the orchestrator's AGENCY_API_TOKEN) */
  AGENCY_API_TOKEN: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
  MOCK_TIME_SCALE_SECONDS_PER_DAY: z.preprocess(emptyAsUnset, z.coerce.number().positive().default(2)),
  MOCK_FAULTS: z.preprocess(emptyAsUnset, FaultsJson.optional()),
  MOCK_EXCHANGE_DAYS: z.preprocess(emptyAsUnset, ExchangeTimingJson.optional()),
  LOG_LEVEL: z.preprocess(emptyAsUnset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});
export type MockAgenciesEnv = z.infer<typeof MockAgenciesEnv>;

export interface MockAgenciesConfig {
  port: number;
  host: string;
  dbFile: string;
  callbackUrl: string;
  callbackSecret: string;
  adminToken: string;
  secondsPerDay: number;
  faults: FaultsByAgency;
  exchangeTiming: z.infer<typeof ExchangeTimingSetting>;
  logLevel: MockAgenciesEnv['LOG_LEVEL'];
}

export function loadConfig(env: NodeJS.ProcessEnv): MockAgenciesConfig {
  const e = MockAgenciesEnv.parse(env);
  const callbackSecret = e.AGENCY_CALLBACK_SECRET ?? (e.ALLOW_DEV_SECRETS === 'true' ? DEV_SECRETS.AGENCY_CALLBACK_SECRET : undefined);
  if (callbackSecret === undefined) throw new Error('AGENCY_CALLBACK_SECRET: required (ALLOW_DEV_SECRETS=true allows the development value)');
  const adminToken = e.AGENCY_API_TOKEN ?? (e.ALLOW_DEV_SECRETS === 'true' ? DEV_SECRETS.AGENCY_API_TOKEN : undefined);
  if (adminToken === undefined) throw new Error('AGENCY_API_TOKEN: required (ALLOW_DEV_SECRETS=true allows the development value)');
  return {
    port: e.MOCK_AGENCIES_PORT,
    host: e.MOCK_AGENCIES_HOST,
    dbFile: resolve(e.DATA_DIR, 'mock-agencies.sqlite'),
    callbackUrl: e.AGENCY_CALLBACK_URL ?? `http://127.0.0.1:${e.PORT}/api/agency-callbacks`,
    callbackSecret,
    adminToken,
    secondsPerDay: e.MOCK_TIME_SCALE_SECONDS_PER_DAY,
    faults: e.MOCK_FAULTS ?? {},
    exchangeTiming: e.MOCK_EXCHANGE_DAYS ?? {},
    logLevel: e.LOG_LEVEL,
  };
}
