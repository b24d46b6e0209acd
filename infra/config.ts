// Process configuration, parsed once at boot from the environment (fail fast on a bad value).
// Every port and address has a default, so `npm start` works on a fresh clone, and an override, so two
// stacks can run side by side.
import { resolve } from 'node:path';
import { z } from 'zod';
import { AccessLogEnv } from './access-log';
import { DatabaseEnv } from './database';
import { OIDC_DEV_SECRETS } from './oidc/provider-config';
import { parsePayloadKeys } from './payload-codec';

const projectRoot = resolve(__dirname, '..');

const port = z.coerce.number().int().min(0).max(65535);

/** The embedded default's Temporal address: development shortcuts are refused against any other. */
export const EMBEDDED_TEMPORAL_ADDRESS = '127.0.0.1:7233';

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/**
 * The API as an OpenID Connect relying party (README, "Plugging in the hospital network's own identity
 * provider"). On the development stack every setting has a default that fits the embedded provider
 * (scripts/oidc-provider.ts); elsewhere the issuer, the client secret and the redirect URI must be given.
 */
export const OidcClientEnv = z.object({
  /** the identity provider's issuer (discovery at `<issuer>/.well-known/openid-configuration`); default on the development stack `http://127.0.0.1:<OIDC_PORT>` */
  OIDC_ISSUER: z.string().url().optional(),
  /** the embedded provider's port (npm start), used for the development issuer */
  OIDC_PORT: port.default(4200),
  OIDC_CLIENT_ID: z.string().min(1).default('birth-one-thing-web'),
  /** the client's secret at the provider (client_secret_basic) */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** where the provider sends the browser back: this API's `/api/session/callback` as the browser reaches it */
  OIDC_REDIRECT_URI: z.string().url().optional(),
  /** where the provider's sign-out sends the browser afterwards (the staff pages) */
  OIDC_POST_LOGOUT_REDIRECT_URI: z.string().url().optional(),
  /** scopes asked at sign-in; the staff claims must come in the ID token or from userinfo */
  OIDC_SCOPES: z.string().default('openid profile staff'),
  /** RFC 8707 resource indicator to ask for (unset: none; the embedded provider then gives the API's) */
  OIDC_RESOURCE: z.string().url().optional(),
  /** the claim names that carry the role and the organisations (a dotted path reaches into an object claim) */
  OIDC_CLAIM_ROLE: z.string().min(1).default('role'),
  OIDC_CLAIM_HOSPITAL: z.string().min(1).default('hospitalId'),
  OIDC_CLAIM_AGENCY: z.string().min(1).default('agency'),
  OIDC_CLAIM_HALL: z.string().min(1).default('hallId'),
  /** the provider's role values mapped onto this system's roles, `registrar=clerk,reviewer=officer` (unset: the values are the role names) */
  OIDC_ROLE_MAP: z.string().default(''),
  /** deadline of every call to the provider (discovery, token, JWKS, userinfo) */
  OIDC_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** how long the provider's signing keys are kept before they are read again (a token signed by an unknown key reads them at once, at most every 30 s) */
  OIDC_JWKS_CACHE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(600),
  /** where staff sessions are kept: `database` (the project database: shared by every API process, kept across restarts) or `memory` (this process only) */
  SESSION_STORE: z.enum(['database', 'memory']).default('database'),
  /** how long a staff session lasts from sign-in (server-side; sign-out ends it at once) */
  SESSION_MAX_AGE_SECONDS: z.coerce.number().int().min(60).max(24 * 3600).default(8 * 3600),
  /** a session unused this long ends */
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).max(24 * 3600).default(2 * 3600),
  /**
   * `true`: the old development shortcuts — staff JWTs signed with JWT_SECRET (HS256) and
   * `POST /api/session/dev` — for test set-ups without an identity provider. Refused unless
   * ALLOW_DEV_SECRETS=true, no real secret is set and Temporal is the embedded default.
   */
  ALLOW_DEV_TOKENS: flag,
});

export const Env = z.object({
  ...OidcClientEnv.shape,
  ...DatabaseEnv.shape,
  ...AccessLogEnv.shape,
  PORT: port.default(3000),
  API_HOST: z.string().default('127.0.0.1'),
  TEMPORAL_ADDRESS: z.string().default(EMBEDDED_TEMPORAL_ADDRESS),
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
  /** cases that read cache holds at most (least recently read go first); also the decoded read-model rows the API keeps, each checked against its row's seq */
  CASE_READ_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  TEMPORAL_UI_PORT: port.default(8233),
  MOCK_AGENCIES_PORT: port.default(4100),
  MOCK_AGENCIES_URL: z.string().url().optional(),
  DATA_DIR: z.string().default(resolve(projectRoot, '.data')),
  /** `true` only on the development stack (`npm start`, tests): the secrets below may then fall back to DEV_SECRETS, and the web pages offer the development sign-in */
  ALLOW_DEV_SECRETS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** HS256 secret of the development staff tokens (ALLOW_DEV_TOKENS only) */
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
  /** `aud` of the identity provider's access tokens for this API, and the longest lifetime (exp - iat) a token may have */
  JWT_AUDIENCE: z.string().min(1).default('birth-one-thing-api'),
  JWT_MAX_AGE_SECONDS: z.coerce.number().int().positive().max(7 * 24 * 3600).default(12 * 3600),
  /** Express `trust proxy`: `false` (default: the socket's address is the client's), a hop count, `loopback`, CIDRs (comma-separated); set it only behind a proxy that overwrites X-Forwarded-For; see README */
  TRUST_PROXY: z.string().default('false'),
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
  /** Issue 19: the service hall whose desk takes the inbound cases parents file online (POST /api/parent/cases). */
  PARENT_INBOUND_HALL_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('JN-HALL-01'),
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
  OIDC_CLIENT_SECRET: OIDC_DEV_SECRETS.OIDC_WEB_CLIENT_SECRET,
} as const;
/** Secrets shorter than this are refused outside the development stack (32 characters ≈ 256 bits of hex). */
export const MIN_SECRET_LENGTH = 32;
/** Required outside the development stack. JWT_SECRET is not: only the development tokens use it. */
const SECRET_NAMES = ['AGENCY_CALLBACK_SECRET', 'CASE_ID_SECRET', 'AGENCY_API_TOKEN'] as const;
type SecretName = (typeof SECRET_NAMES)[number] | 'JWT_SECRET' | 'OIDC_CLIENT_SECRET';
type Resolved = 'OIDC_ISSUER' | 'OIDC_REDIRECT_URI' | 'OIDC_POST_LOGOUT_REDIRECT_URI';

export interface Config extends Omit<Env, SecretName | Resolved> {
  JWT_SECRET: string;
  AGENCY_CALLBACK_SECRET: string;
  CASE_ID_SECRET: string;
  AGENCY_API_TOKEN: string;
  OIDC_CLIENT_SECRET: string;
  OIDC_ISSUER: string;
  OIDC_REDIRECT_URI: string;
  OIDC_POST_LOGOUT_REDIRECT_URI: string;
  mockAgenciesUrl: string;
}

function checkSecret(e: Env, name: SecretName, value: string | undefined, problems: string[]): string | undefined {
  const known = new Set<string>(Object.values(DEV_SECRETS));
  if (value === undefined || value === '') return undefined;
  if (!e.ALLOW_DEV_SECRETS && known.has(value)) problems.push(`${name}: is a development value written in the repository`);
  else if (!e.ALLOW_DEV_SECRETS && value.length < MIN_SECRET_LENGTH) problems.push(`${name}: shorter than ${MIN_SECRET_LENGTH} characters`);
  return value;
}

/**
 * Every secret set, long enough and not a known development value; or, with ALLOW_DEV_SECRETS=true,
 * the development value for one that is unset. Returns the problems (empty: fine).
 */
export function secretProblems(e: Env): { secrets: Record<SecretName, string>; problems: string[] } {
  const problems: string[] = [];
  const secrets = {} as Record<SecretName, string>;
  for (const name of SECRET_NAMES) {
    const value = checkSecret(e, name, e[name], problems);
    if (value !== undefined) secrets[name] = value;
    else if (e.ALLOW_DEV_SECRETS) secrets[name] = DEV_SECRETS[name];
    else problems.push(`${name}: required (at least ${MIN_SECRET_LENGTH} characters; ALLOW_DEV_SECRETS=true allows the development value)`);
  }
  secrets.JWT_SECRET = checkSecret(e, 'JWT_SECRET', e.JWT_SECRET, problems) ?? DEV_SECRETS.JWT_SECRET;
  secrets.OIDC_CLIENT_SECRET = checkSecret(e, 'OIDC_CLIENT_SECRET', e.OIDC_CLIENT_SECRET, problems) ?? (e.ALLOW_DEV_SECRETS ? DEV_SECRETS.OIDC_CLIENT_SECRET : '');
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

/** The secrets and settings that make a deployment real: with any of them, no development shortcut runs. */
export function realSettings(env: Partial<Record<string, string | undefined>>): string[] {
  const known = new Set<string>(Object.values(DEV_SECRETS));
  const real: string[] = [];
  for (const name of ['JWT_SECRET', 'OIDC_CLIENT_SECRET', ...SECRET_NAMES] as const) {
    const v = env[name];
    if (v && !known.has(v)) real.push(name);
  }
  if (env.PAYLOAD_ENCRYPTION_KEY) real.push('PAYLOAD_ENCRYPTION_KEY');
  if (env.TEMPORAL_ADDRESS && env.TEMPORAL_ADDRESS !== EMBEDDED_TEMPORAL_ADDRESS) real.push('TEMPORAL_ADDRESS');
  if (env.TEMPORAL_API_KEY) real.push('TEMPORAL_API_KEY');
  return real;
}

/** Why the development tokens (ALLOW_DEV_TOKENS) must stay off here; empty when they may run. */
export function devTokenProblems(e: Env): string[] {
  if (!e.ALLOW_DEV_TOKENS) return [];
  const problems: string[] = [];
  if (!e.ALLOW_DEV_SECRETS) problems.push('ALLOW_DEV_TOKENS: only on the development stack (ALLOW_DEV_SECRETS=true)');
  const { JWT_SECRET, AGENCY_CALLBACK_SECRET, CASE_ID_SECRET, AGENCY_API_TOKEN, OIDC_CLIENT_SECRET, PAYLOAD_ENCRYPTION_KEY, TEMPORAL_ADDRESS, TEMPORAL_API_KEY } = e;
  const raw = { JWT_SECRET, AGENCY_CALLBACK_SECRET, CASE_ID_SECRET, AGENCY_API_TOKEN, OIDC_CLIENT_SECRET, PAYLOAD_ENCRYPTION_KEY, TEMPORAL_ADDRESS, TEMPORAL_API_KEY };
  for (const name of realSettings(raw)) {
    problems.push(`ALLOW_DEV_TOKENS: refused while ${name} is set to a real value (${name === 'TEMPORAL_ADDRESS' ? `not the embedded ${EMBEDDED_TEMPORAL_ADDRESS}` : 'a real secret'})`);
  }
  return problems;
}

/**
 * The relying party's addresses: given, or on the development stack the embedded provider's and this
 * API's. Outside it, what is missing goes to `problems` (the API's; a worker signs no one in).
 */
function oidcAddresses(e: Env, problems: string[]): Pick<Config, Resolved> {
  if (!e.ALLOW_DEV_SECRETS && !e.OIDC_CLIENT_SECRET) problems.push(`OIDC_CLIENT_SECRET: required (at least ${MIN_SECRET_LENGTH} characters): the API's client secret at the identity provider`);
  const dev = e.ALLOW_DEV_SECRETS;
  const local = `http://127.0.0.1:${e.PORT}`;
  const need = (name: Resolved, value: string | undefined, fallback: string): string => {
    if (value) return value.replace(/\/$/, name === 'OIDC_ISSUER' ? '' : '/');
    if (!dev) problems.push(`${name}: required outside the development stack`);
    return fallback;
  };
  const out = {
    OIDC_ISSUER: need('OIDC_ISSUER', e.OIDC_ISSUER, `http://127.0.0.1:${e.OIDC_PORT}`),
    OIDC_REDIRECT_URI: e.OIDC_REDIRECT_URI ?? need('OIDC_REDIRECT_URI', undefined, `${local}/api/session/callback`),
    OIDC_POST_LOGOUT_REDIRECT_URI: e.OIDC_POST_LOGOUT_REDIRECT_URI ?? `${new URL(e.OIDC_REDIRECT_URI ?? local).origin}/`,
  };
  if (!dev && !out.OIDC_ISSUER.startsWith('https://')) problems.push('OIDC_ISSUER: must be an https address outside the development stack');
  return out;
}

/**
 * The process configuration. `api: true` (the API process) also requires the identity provider's
 * settings outside the development stack; other processes (the worker) do not sign anyone in.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { api = false }: { api?: boolean } = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  const e = parsed.data;
  const { secrets, problems } = secretProblems(e);
  const identityProblems: string[] = [];
  const oidc = oidcAddresses(e, identityProblems);
  if (api) problems.push(...identityProblems);
  problems.push(...devTokenProblems(e));
  if (problems.length > 0) throw new Error(`Refusing to start without proper secrets:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { ...e, ...secrets, ...oidc, mockAgenciesUrl: e.MOCK_AGENCIES_URL ?? `http://127.0.0.1:${e.MOCK_AGENCIES_PORT}` };
}
