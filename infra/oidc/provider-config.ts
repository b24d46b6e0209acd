// Settings of the development identity provider (scripts/oidc-provider.ts), parsed once from the
// environment. On the development stack (ALLOW_DEV_SECRETS=true) everything has a default: signing keys
// and cookie keys are generated once into `<DATA_DIR>/oidc/` (git-ignored). Anywhere else the provider
// refuses to start unless it is given real keys, secrets and a password that is not the development one.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SEEDS, devUsers } from './dev-users';
import type { DevUser } from './dev-users';

const projectRoot = resolve(__dirname, '..', '..');
const port = z.coerce.number().int().min(0).max(65535);
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export const OidcProviderEnv = z.object({
  OIDC_HOST: z.string().default('127.0.0.1'),
  OIDC_PORT: port.default(4200),
  /** the issuer as clients reach it (default `http://<OIDC_HOST>:<OIDC_PORT>`); behind a TLS proxy, its https address */
  OIDC_ISSUER: z.string().url().optional(),
  /** trust X-Forwarded-Proto/-Host from a proxy in front (the issuer then is the proxy's https address) */
  OIDC_TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  ALLOW_DEV_SECRETS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  DATA_DIR: z.string().default(resolve(projectRoot, '.data')),
  /** a private JWKS (JSON file with `keys`, each with its private part), the signing key first */
  OIDC_JWKS_FILE: z.string().min(1).optional(),
  /** cookie signing keys, comma-separated, the newest first (at least 32 characters each) */
  OIDC_COOKIE_KEYS: z.string().min(1).optional(),
  /** the one password of every development user */
  OIDC_DEV_PASSWORD: z.string().min(1).optional(),
  /** the API's resource indicator (RFC 8707: an absolute URI) */
  OIDC_API_RESOURCE: z.string().url().default('http://127.0.0.1:3000/api'),
  /** `aud` of access tokens for the API (the API's JWT_AUDIENCE) */
  OIDC_API_AUDIENCE: z.string().min(1).default('birth-one-thing-api'),
  OIDC_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(24 * 3600).default(3600),
  /** the API as relying party (authorization code + PKCE, client_secret_basic) */
  OIDC_WEB_CLIENT_ID: z.string().min(1).default('birth-one-thing-web'),
  OIDC_WEB_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_WEB_REDIRECT_URIS: list('http://127.0.0.1:3000/api/session/callback,http://localhost:3000/api/session/callback'),
  OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: list('http://127.0.0.1:3000/,http://localhost:3000/'),
  /** the token tool's client (development only: the dev-user grant) */
  OIDC_DEV_TOKEN_CLIENT_ID: z.string().min(1).default('birth-one-thing-dev-token'),
  OIDC_DEV_TOKEN_CLIENT_SECRET: z.string().min(1).optional(),
  /** the hospitals and service halls that get a development user */
  OIDC_DEV_HOSPITALS: list(DEFAULT_SEEDS.hospitals.join(',')),
  OIDC_DEV_HALLS: list(DEFAULT_SEEDS.halls.join(',')),
});
export type OidcProviderEnv = z.infer<typeof OidcProviderEnv>;

/** Development values, written here, so refused anywhere but the development stack. */
export const OIDC_DEV_SECRETS = {
  OIDC_DEV_PASSWORD: 'dev-password',
  OIDC_WEB_CLIENT_SECRET: 'dev-oidc-web-client-secret-change-me',
  OIDC_DEV_TOKEN_CLIENT_SECRET: 'dev-oidc-token-tool-secret-change-me',
} as const;
const MIN_SECRET_LENGTH = 32;
const MIN_PASSWORD_LENGTH = 12;

/** The grant the token tool uses on the development stack (never registered elsewhere). */
export const DEV_USER_GRANT = 'urn:birth-one-thing:params:oauth:grant-type:dev-user';
export const API_SCOPE = 'api';

/** A private JSON Web Key as the provider signs with it (RSA here). */
export type PrivateJwk = Record<string, unknown> & { kty: string; kid?: string; d?: string };

export interface OidcSettings {
  host: string;
  port: number;
  issuer: string;
  trustProxy: boolean;
  development: boolean;
  jwks: { keys: PrivateJwk[] };
  cookieKeys: string[];
  devPassword: string;
  users: DevUser[];
  api: { resource: string; audience: string; accessTokenTtlSeconds: number };
  webClient: { id: string; secret: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
  /** present on the development stack only */
  devTokenClient?: { id: string; secret: string };
}

/** The settings, or every reason the provider must not start (thrown together). */
export function resolveOidcSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings {
  const parsed = OidcProviderEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`oidc-provider: invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  const dev = e.ALLOW_DEV_SECRETS;
  const problems: string[] = [];
  const known = new Set<string>(Object.values(OIDC_DEV_SECRETS));

  const secret = (name: keyof typeof OIDC_DEV_SECRETS, min: number): string => {
    const value = e[name];
    if (value === undefined) {
      if (!dev) problems.push(`${name}: required outside the development stack (at least ${min} characters)`);
      return OIDC_DEV_SECRETS[name];
    }
    if (!dev && known.has(value)) problems.push(`${name}: is a development value written in the repository`);
    else if (!dev && value.length < min) problems.push(`${name}: shorter than ${min} characters`);
    return value;
  };
  const devPassword = secret('OIDC_DEV_PASSWORD', MIN_PASSWORD_LENGTH);
  const webSecret = secret('OIDC_WEB_CLIENT_SECRET', MIN_SECRET_LENGTH);

  const keyDir = resolve(e.DATA_DIR, 'oidc');
  let jwks: { keys: PrivateJwk[] } = { keys: [] };
  if (e.OIDC_JWKS_FILE) {
    try {
      jwks = readJwks(e.OIDC_JWKS_FILE);
    } catch (err) {
      problems.push(`OIDC_JWKS_FILE: ${(err as Error).message}`);
    }
  } else if (dev) {
    jwks = devJwks(resolve(keyDir, 'jwks.json'));
  } else {
    problems.push('OIDC_JWKS_FILE: required outside the development stack (a private JWKS; the development keys are generated into .data/ only with ALLOW_DEV_SECRETS=true)');
  }

  let cookieKeys: string[] = [];
  if (e.OIDC_COOKIE_KEYS) {
    cookieKeys = e.OIDC_COOKIE_KEYS.split(',').map((k) => k.trim()).filter(Boolean);
    if (cookieKeys.some((k) => k.length < MIN_SECRET_LENGTH)) problems.push(`OIDC_COOKIE_KEYS: each key at least ${MIN_SECRET_LENGTH} characters`);
  } else if (dev) {
    cookieKeys = devCookieKeys(resolve(keyDir, 'cookie-keys.json'));
  } else {
    problems.push('OIDC_COOKIE_KEYS: required outside the development stack');
  }

  const issuer = (e.OIDC_ISSUER ?? `http://${e.OIDC_HOST}:${e.OIDC_PORT}`).replace(/\/$/, '');
  if (!dev && !issuer.startsWith('https://')) problems.push('OIDC_ISSUER: must be an https address outside the development stack');
  if (problems.length) throw new Error(`oidc-provider: refusing to start:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  return {
    host: e.OIDC_HOST,
    port: e.OIDC_PORT,
    issuer,
    trustProxy: e.OIDC_TRUST_PROXY,
    development: dev,
    jwks,
    cookieKeys,
    devPassword,
    users: devUsers({ hospitals: e.OIDC_DEV_HOSPITALS, halls: e.OIDC_DEV_HALLS }),
    api: { resource: e.OIDC_API_RESOURCE, audience: e.OIDC_API_AUDIENCE, accessTokenTtlSeconds: e.OIDC_ACCESS_TOKEN_TTL_SECONDS },
    webClient: { id: e.OIDC_WEB_CLIENT_ID, secret: webSecret, redirectUris: e.OIDC_WEB_REDIRECT_URIS, postLogoutRedirectUris: e.OIDC_WEB_POST_LOGOUT_REDIRECT_URIS },
    ...(dev ? { devTokenClient: { id: e.OIDC_DEV_TOKEN_CLIENT_ID, secret: e.OIDC_DEV_TOKEN_CLIENT_SECRET ?? OIDC_DEV_SECRETS.OIDC_DEV_TOKEN_CLIENT_SECRET } } : {}),
  };
}

function readJwks(file: string): { keys: PrivateJwk[] } {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: PrivateJwk[] };
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error('no keys in the file');
  if (parsed.keys.some((k) => typeof k.d !== 'string')) throw new Error('every key needs its private part');
  return { keys: parsed.keys };
}

/** Writes `content` to `file` unless it exists (another process won the race: its content is read). */
function createOnce(file: string, content: () => string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, content(), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8');
}

function devJwks(file: string): { keys: PrivateJwk[] } {
  createOnce(file, () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    return JSON.stringify({ keys: [{ ...jwk, kid: `dev-${randomUUID()}`, alg: 'RS256', use: 'sig' }] }, null, 2);
  });
  return readJwks(file);
}

function devCookieKeys(file: string): string[] {
  return JSON.parse(createOnce(file, () => JSON.stringify([randomBytes(32).toString('base64url')]))) as string[];
}
