// Process configuration, parsed once at boot from the environment (fail fast on a bad value).
// Every port and address has a default, so `npm start` works on a fresh clone, and an override, so two
// stacks can run side by side.
import { resolve } from 'node:path';
import { z } from 'zod';
import { parsePayloadKeys } from './payload-codec';

const projectRoot = resolve(__dirname, '..');

const port = z.coerce.number().int().min(0).max(65535);

export const Env = z.object({
  PORT: port.default(3000),
  API_HOST: z.string().default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  // An external Temporal cluster (README, "Scale-out"): TLS, mTLS client certificate, or an API key.
  /** 'true' for TLS with the system's trusted roots; implied by any of the TLS files or an API key */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  // Worker tuning (bench/RESULTS.md); unset = the SDK's defaults, except the sticky cache.
  /**
   * workflows kept in the worker's sticky cache; bounds the worker's memory while many cases wait (the
   * SDK's default, ~2,300 here, let it grow 1.24 MB per waiting case)
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  // API case reads (bench/RESULTS.md, "Reads"): a case read within this many ms is served from memory;
  // a write through the same process shows at once, changes made elsewhere within this. 0 = no cache.
  CASE_READ_CACHE_MS: z.coerce.number().int().min(0).max(5000).default(300),
  /** cases that read cache holds at most (least recently read go first) */
  CASE_READ_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  TEMPORAL_UI_PORT: port.default(8233),
  MOCK_AGENCIES_PORT: port.default(4100),
  MOCK_AGENCIES_URL: z.string().url().optional(),
  DATA_DIR: z.string().default(resolve(projectRoot, '.data')),
  /** `true` only on the development stack (`npm start`, tests): the secrets below may then fall back to DEV_SECRETS, and the web pages offer the development sign-in */
  ALLOW_DEV_SECRETS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** HS256 secret for staff JWTs */
  JWT_SECRET: z.string().optional(),
  /** master key of the agency callbacks; each agency signs with its own key derived from it (agencyCallbackKey) */
  AGENCY_CALLBACK_SECRET: z.string().optional(),
  /** key ring of the payload codec: base64 32-byte keys, comma-separated, the encrypting one first */
  PAYLOAD_ENCRYPTION_KEY: z.string().optional(),
  /** deflate large payloads before encrypting them (`false` while processes that predate it may still read the payloads; every version decodes both) */
  PAYLOAD_COMPRESSION: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** salts the hashes of parents' tracking secrets and derives case ids from business keys */
  CASE_ID_SECRET: z.string().optional(),
  /** bearer token the orchestrator presents to the agencies (the mock requires it on its officer-review and admin routes) */
  AGENCY_API_TOKEN: z.string().optional(),
  /** audience of staff tokens, and the longest lifetime (exp - iat) a token may have */
  JWT_AUDIENCE: z.string().min(1).default('birth-one-thing-api'),
  JWT_MAX_AGE_SECONDS: z.coerce.number().int().positive().max(7 * 24 * 3600).default(12 * 3600),
  /** Express `trust proxy`: hop count, `loopback`, CIDRs (comma-separated) or `false`; see README */
  TRUST_PROXY: z.string().default('loopback'),
  /** deadline of every API call to Temporal (queries, updates, signals, starts) */
  TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** signed agency callbacks accepted per minute and client address */
  CALLBACK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  CORRECTION_DUE_SECONDS: z.coerce.number().int().positive().default(5 * 24 * 3600),
  /** per-request timeout of the agency adapters */
  /** per agency request; at most 12 s, below the activities' 15 s startToCloseTimeout (activities/agency-options.ts) */
  AGENCY_TIMEOUT_MS: z.coerce.number().int().positive().max(12_000).default(10_000),
  AGENCY_POLL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** days before a deadline (household registration, waiver window) that parents get a reminder SMS */
  REMINDER_LEAD_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  /** the bundle's age limit: a case must start before the child is this many days old */
  MAX_CHILD_AGE_DAYS: z.coerce.number().int().positive().default(365),
  /** an agency that has not answered a case for this long is shown as unreachable and escalated (retries go on) */
  AGENCY_UNREACHABLE_SECONDS: z.coerce.number().int().positive().default(6 * 3600),
  /** a review's due time when the agency gives none */
  REVIEW_DUE_SECONDS: z.coerce.number().int().positive().default(3 * 24 * 3600),
  /** the second escalation level this long after the first (unset: the review's own due period again) */
  ESCALATION_SECOND_LEVEL_SECONDS: z.coerce.number().int().positive().optional(),
  /** the longest interval between re-reads of a waiting agency (unset: 24 × AGENCY_POLL_SECONDS) */
  AGENCY_POLL_MAX_SECONDS: z.coerce.number().int().positive().optional(),
  /** past this many history events a case continues as new (its state, audit and pending work carried) */
  MAX_HISTORY_EVENTS: z.coerce.number().int().min(200).max(40_000).default(2000),
  /** the worker's Prometheus endpoint (/metrics: the SDK's metrics and the per-agency figures); 0 turns it off */
  WORKER_METRICS_PORT: port.default(9464),
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  /** browser origins of the Temporal UI allowed to call the codec endpoint (comma-separated) */
  TEMPORAL_UI_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** the built web pages served by the API (scripts/build-web.mjs writes them) */
  WEB_DIST_DIR: z.string().default(resolve(projectRoot, 'web/dist')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof Env>;

/** Development values: usable only with ALLOW_DEV_SECRETS=true, and refused as real secrets. */
export const DEV_SECRETS = {
  JWT_SECRET: 'dev-only-jwt-secret-change-me-please',
  AGENCY_CALLBACK_SECRET: 'dev-callback-secret',
  CASE_ID_SECRET: 'dev-case-id-secret',
  AGENCY_API_TOKEN: 'dev-agency-api-token',
} as const;
/** Secrets shorter than this are refused outside the development stack (32 characters ≈ 256 bits of hex). */
export const MIN_SECRET_LENGTH = 32;
const SECRET_NAMES = ['JWT_SECRET', 'AGENCY_CALLBACK_SECRET', 'CASE_ID_SECRET', 'AGENCY_API_TOKEN'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

export interface Config extends Omit<Env, SecretName> {
  JWT_SECRET: string;
  AGENCY_CALLBACK_SECRET: string;
  CASE_ID_SECRET: string;
  AGENCY_API_TOKEN: string;
  mockAgenciesUrl: string;
}

/**
 * Every secret set, long enough and not a known development value; or, with ALLOW_DEV_SECRETS=true,
 * the development value for one that is unset. Returns the problems (empty: fine).
 */
export function secretProblems(e: Env): { secrets: Record<SecretName, string>; problems: string[] } {
  const problems: string[] = [];
  const secrets = {} as Record<SecretName, string>;
  const known = new Set<string>(Object.values(DEV_SECRETS));
  for (const name of SECRET_NAMES) {
    const value = e[name];
    if (value === undefined || value === '') {
      if (e.ALLOW_DEV_SECRETS) secrets[name] = DEV_SECRETS[name];
      else problems.push(`${name}: required (at least ${MIN_SECRET_LENGTH} characters; ALLOW_DEV_SECRETS=true allows the development value)`);
      continue;
    }
    if (!e.ALLOW_DEV_SECRETS && known.has(value)) problems.push(`${name}: is a development value written in the repository`);
    else if (!e.ALLOW_DEV_SECRETS && value.length < MIN_SECRET_LENGTH) problems.push(`${name}: shorter than ${MIN_SECRET_LENGTH} characters`);
    secrets[name] = value;
  }
  if (!e.ALLOW_DEV_SECRETS && !e.PAYLOAD_ENCRYPTION_KEY) {
    problems.push('PAYLOAD_ENCRYPTION_KEY: required (base64 of 32 bytes; a key ring: several, comma-separated, the encrypting one first)');
  } else if (e.PAYLOAD_ENCRYPTION_KEY) {
    try {
      parsePayloadKeys(e.PAYLOAD_ENCRYPTION_KEY);
    } catch (err) {
      problems.push(`PAYLOAD_ENCRYPTION_KEY: ${(err as Error).message}`);
    }
  }
  return { secrets, problems };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  const e = parsed.data;
  const { secrets, problems } = secretProblems(e);
  if (problems.length > 0) throw new Error(`Refusing to start without proper secrets:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { ...e, ...secrets, mockAgenciesUrl: e.MOCK_AGENCIES_URL ?? `http://127.0.0.1:${e.MOCK_AGENCIES_PORT}` };
}
