// Staff authentication. Two ways in, both ending in the same staff claims:
// - the web pages: a server-side session (api/staff-sessions.ts) named by an opaque id in the HttpOnly,
//   SameSite=Strict `bot_staff` cookie, started by the OpenID Connect sign-in (session.routes.ts);
// - machine clients: `Authorization: Bearer <access token>` from the identity provider, verified against
//   the issuer's published keys (api/oidc-client.ts).
// The old self-signed development tokens (HS256 with JWT_SECRET) are accepted only with ALLOW_DEV_TOKENS,
// which the configuration refuses anywhere but the development stack. Parents hold no account.
import type { Request, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../infra/config';
import { ApiError } from './errors';
import { createOidcRelyingParty, ProviderUnavailable } from './oidc-client';
import type { OidcRelyingParty } from './oidc-client';
import { StaffClaims } from './staff-claims';
import type { StaffRole } from './staff-claims';
import { createDatabaseSessionStore, databaseOptions, SessionStoreUnavailable } from './staff-session-store';
import type { SessionStoreConfig } from './staff-session-store';
import { createMemorySessionStore } from './staff-sessions';
import type { StaffSessionStore } from './staff-sessions';

export { StaffClaims, STAFF_ROLES } from './staff-claims';
export type { StaffRole } from './staff-claims';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffClaims;
  }
}

const ISSUER = 'birth-one-thing';
export const DEFAULT_AUDIENCE = 'birth-one-thing-api';
export const DEFAULT_MAX_AGE_SECONDS = 12 * 3600;

/** How tokens are bound: the audience they are for, and the longest lifetime (exp − iat) accepted. */
export interface TokenPolicy { audience: string; maxAgeSeconds: number }
const DEFAULT_POLICY: TokenPolicy = { audience: DEFAULT_AUDIENCE, maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS };

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** A lifetime such as `3600`, `90s`, `30m`, `12h`, `1d` in seconds; null when unreadable. */
export function lifetimeSeconds(ttl: string | number): number | null {
  if (typeof ttl === 'number') return Number.isInteger(ttl) && ttl > 0 ? ttl : null;
  const m = /^(\d{1,7})\s*([smhd]?)$/.exec(ttl.trim());
  const unit = UNIT_SECONDS[m?.[2] ?? 'none'];
  if (!m || unit === undefined) return null;
  const n = Number(m[1]) * unit;
  return n > 0 ? n : null;
}

/** Signs a staff token with an audience, issue time and expiry; refuses a lifetime beyond the policy's. */
export async function signStaffToken(claims: StaffClaims, secret: string, ttl: string | number = '12h', policy: TokenPolicy = DEFAULT_POLICY): Promise<string> {
  const seconds = lifetimeSeconds(ttl);
  if (seconds === null || seconds > policy.maxAgeSeconds) {
    throw new RangeError(`token lifetime must be between 1 s and ${policy.maxAgeSeconds} s, got ${String(ttl)}`);
  }
  const { sub, ...rest } = claims;
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(policy.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + seconds)
    .sign(new TextEncoder().encode(secret));
}

/** The web pages' session cookie: an opaque session id (HttpOnly, SameSite=Strict; see session.routes.ts). */
export const STAFF_COOKIE = 'bot_staff';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One cookie's value, or undefined. Never throws: a malformed Cookie header (a stray `%`, a bad escape,
 * control characters) is no cookie, so the caller answers 401 as for none.
 */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  try {
    const value = parseCookies(header)[name];
    return value !== undefined && /^[\x21-\x7e]{1,4096}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The Authorization header's bearer token; undefined without one, '' for a malformed one. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  return /^Bearer ([A-Za-z0-9._~+/-]{1,4096}=*)$/i.exec(header)?.[1] ?? '';
}

/**
 * The session id the request rides on (the cookie), when it has no Authorization header. A
 * state-changing request that rides on the cookie must be JSON (a cross-site form cannot send that
 * without a CORS preflight, which this API never grants); SameSite=Strict already keeps the cookie off
 * other sites' requests.
 */
export function sessionCookie(req: Request): string | undefined {
  const id = readCookie(req, STAFF_COOKIE);
  if (!id) return undefined;
  if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) {
    throw new ApiError('FORBIDDEN', '请求来源无效，请从本系统页面操作');
  }
  return id;
}

/** Leeway for `exp` and `iat` against this process's clock. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** A secret imported for HMAC verification (once per process, see requireStaff). */
type VerifyKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/**
 * Verifies a staff token: HS256, our issuer and audience, `exp` and `iat` required, not older than the
 * policy's maximum age, and a lifetime (exp − iat) no longer than it. The options object is built here,
 * fresh, from own values: nothing a caller sent can reach it.
 */
export async function verifyStaffToken(token: string, secret: string | VerifyKey, policy: TokenPolicy = DEFAULT_POLICY): Promise<StaffClaims> {
  return (await verifyToken(token, secret, policy)).claims;
}

interface VerifiedToken { claims: StaffClaims; exp: number; iat: number }

async function verifyToken(token: string, secret: string | VerifyKey, policy: TokenPolicy): Promise<VerifiedToken> {
  const { payload } = await jwtVerify(token, typeof secret === 'string' ? new TextEncoder().encode(secret) : secret, {
    issuer: ISSUER,
    audience: policy.audience,
    algorithms: ['HS256'],
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: policy.maxAgeSeconds,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  });
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > policy.maxAgeSeconds) {
    throw new Error('token lifetime beyond the policy');
  }
  // frozen: a remembered token's claims are shared by the requests that carry it
  return { claims: Object.freeze(StaffClaims.parse(payload)), exp: payload.exp, iat: payload.iat };
}

/**
 * The staff member a route guard (`requireStaff`) let through; with a role, that role's claims. A route
 * without the guard, or with a guard for other roles, is a bug: it answers 401/403 rather than guess.
 */
export function staffOf(req: Request): StaffClaims;
export function staffOf<R extends StaffRole>(req: Request, role: R): Extract<StaffClaims, { role: R }>;
export function staffOf(req: Request, role?: StaffRole): StaffClaims {
  const staff = req.staff;
  if (!staff) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
  if (role !== undefined && staff.role !== role) throw new ApiError('FORBIDDEN', '无权执行此操作');
  return staff;
}

/** What the route guards and the session routes share: one per app (per config object). */
export interface StaffAuth {
  readonly rp: OidcRelyingParty;
  readonly sessions: StaffSessionStore;
  /** the development tokens' key and policy, only with ALLOW_DEV_TOKENS */
  readonly devTokens: { secret: string; policy: TokenPolicy } | null;
  /** the staff member a bearer token stands for; ApiError 401 (bad token) or 503 (provider away) */
  verifyBearer(token: string): Promise<StaffClaims>;
  /** the staff member this request is (header first, else the session cookie); ApiError 401/403/503 */
  authenticate(req: Request): Promise<StaffClaims>;
}

export type AuthConfig = Pick<Config,
  | 'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'OIDC_REDIRECT_URI' | 'OIDC_POST_LOGOUT_REDIRECT_URI' | 'OIDC_SCOPES'
  | 'OIDC_RESOURCE' | 'OIDC_CLAIM_ROLE' | 'OIDC_CLAIM_HOSPITAL' | 'OIDC_CLAIM_AGENCY' | 'OIDC_CLAIM_HALL' | 'OIDC_ROLE_MAP'
  | 'OIDC_HTTP_TIMEOUT_MS' | 'OIDC_JWKS_CACHE_SECONDS' | 'JWT_AUDIENCE' | 'JWT_MAX_AGE_SECONDS' | 'JWT_SECRET' | 'ALLOW_DEV_TOKENS'
  | 'SESSION_MAX_AGE_SECONDS' | 'SESSION_IDLE_SECONDS' | 'SESSION_STORE'> & SessionStoreConfig;

/** How many verified tokens are remembered, and for how long at most. */
export const VERIFIED_TOKENS = { max: 1_000, ttlMs: 60_000 } as const;

interface Verified { claims: StaffClaims; exp: number; iat: number }

/** The token's time limits as verification checks them, against the clock now. */
function withinTimeLimits(t: Verified, maxAgeSeconds: number, nowSeconds: number): boolean {
  return t.exp > nowSeconds - CLOCK_TOLERANCE_SECONDS && nowSeconds - t.iat - CLOCK_TOLERANCE_SECONDS <= maxAgeSeconds;
}

const unauthenticated = (): ApiError => new ApiError('UNAUTHENTICATED', '登录凭证无效或已过期');

export function createStaffAuth(config: AuthConfig, deps: { rp?: OidcRelyingParty; sessions?: StaffSessionStore } = {}): StaffAuth {
  const rp = deps.rp ?? createOidcRelyingParty(config);
  const limits = { maxAgeSeconds: config.SESSION_MAX_AGE_SECONDS, idleSeconds: config.SESSION_IDLE_SECONDS };
  const sessions = deps.sessions ?? (config.SESSION_STORE === 'memory' ? createMemorySessionStore(limits) : createDatabaseSessionStore(databaseOptions(config), limits));
  const policy: TokenPolicy = { audience: config.JWT_AUDIENCE, maxAgeSeconds: config.JWT_MAX_AGE_SECONDS };
  const devTokens = config.ALLOW_DEV_TOKENS ? { secret: config.JWT_SECRET, policy } : null;
  // Imported once as a verify-only CryptoKey: jose then skips importing the raw secret on every request.
  const devKey = devTokens ? globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(devTokens.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']) : null;
  devKey?.catch(() => undefined); // an unusable secret fails each request (401), not the process

  // A token's signature and claims are verified in full the first time; the exact token string is then
  // remembered (bounded, at most a minute) with its claims, and each later request with it re-checks its
  // expiry and maximum age against the clock — so a token stops working at the same second as before,
  // while the signature work is done once per token. Only tokens that passed the full check are kept.
  const verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS.max, ttl: VERIFIED_TOKENS.ttlMs });

  async function verifyFully(token: string): Promise<Verified> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated();
    }
    if (alg === 'HS256') {
      if (!devKey) throw unauthenticated();
      return verifyToken(token, await devKey, policy).catch(() => { throw unauthenticated(); });
    }
    let result: Awaited<ReturnType<OidcRelyingParty['verifyAccessToken']>>;
    try {
      result = await rp.verifyAccessToken(token);
    } catch (err) {
      if (err instanceof ProviderUnavailable) throw new ApiError('UNAVAILABLE', '身份认证服务暂时无法访问，请稍后再试');
      throw unauthenticated();
    }
    // a valid token of someone who is no staff member of this system (no role, no organisation): 401
    if (!result.staff || typeof result.payload.exp !== 'number' || typeof result.payload.iat !== 'number') throw unauthenticated();
    return { claims: Object.freeze(result.staff), exp: result.payload.exp, iat: result.payload.iat };
  }

  const auth: StaffAuth = {
    rp,
    sessions,
    devTokens,
    async verifyBearer(token) {
      const known = verified.get(token);
      if (known && withinTimeLimits(known, policy.maxAgeSeconds, Math.floor(Date.now() / 1000))) return known.claims;
      verified.delete(token);
      const entry = await verifyFully(token);
      verified.set(token, entry);
      return entry.claims;
    },
    async authenticate(req) {
      const token = bearerToken(req);
      if (token !== undefined) {
        if (!token) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
        return auth.verifyBearer(token);
      }
      const id = sessionCookie(req);
      if (!id) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
      const session = await sessions.get(id).catch((err: unknown) => {
        if (err instanceof SessionStoreUnavailable) throw new ApiError('UNAVAILABLE', '登录状态暂时无法读取，请稍后再试');
        throw err;
      });
      if (!session) throw new ApiError('UNAUTHENTICATED', '登录已失效，请重新登录');
      return session.staff;
    },
  };
  return auth;
}

const perConfig = new WeakMap<object, StaffAuth>();

/** The app's staff authentication: one per config object, so every guard and the session routes share the sessions. */
export function staffAuth(config: AuthConfig): StaffAuth {
  let auth = perConfig.get(config);
  if (!auth) {
    auth = createStaffAuth(config);
    perConfig.set(config, auth);
  }
  return auth;
}

/**
 * A route guard: a staff member with one of `roles`, from a bearer token or the session cookie, checked
 * on every request. The role `hallClerk` is admitted by no route yet.
 */
export function requireStaff(auth: StaffAuth, ...roles: StaffRole[]): RequestHandler {
  return async (req, _res, next) => {
    const claims = await auth.authenticate(req);
    if (!roles.includes(claims.role)) throw new ApiError('FORBIDDEN', '无权执行此操作');
    req.staff = claims;
    next();
  };
}
