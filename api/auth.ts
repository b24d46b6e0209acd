// Staff authentication: HS256 JWTs with role claims. Parents hold no account (see parents.routes.ts).
import type { Request, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ApiError } from './errors';

export const StaffClaims = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('clerk'), hospitalId: z.string().min(1) }),
  z.object({ sub: z.string().min(1), role: z.literal('officer'), agency: z.string().min(1) }),
  z.object({ sub: z.string().min(1), role: z.literal('admin') }),
]);
export type StaffClaims = z.infer<typeof StaffClaims>;
export type StaffRole = StaffClaims['role'];

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

/** The web pages keep the staff token in this HttpOnly, SameSite=Strict cookie (see session.routes.ts). */
export const STAFF_COOKIE = 'bot_staff';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The caller's token: the Authorization header, else the session cookie. A state-changing request
 * that rides on the cookie must be JSON (a cross-site form cannot send that without a CORS preflight,
 * which this API never grants); SameSite=Strict already keeps the cookie off other sites' requests.
 */
export function staffToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) return /^Bearer ([A-Za-z0-9._-]{1,4096})$/i.exec(header)?.[1];
  const cookie = req.headers.cookie ? parseCookies(req.headers.cookie)[STAFF_COOKIE] : undefined;
  if (!cookie || !/^[A-Za-z0-9._-]{1,4096}$/.test(cookie)) return undefined;
  if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) {
    throw new ApiError('FORBIDDEN', '请求来源无效，请从本系统页面操作');
  }
  return cookie;
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

/** The token secret and policy from the process config. */
export const staffAuth = (config: { JWT_SECRET: string; JWT_AUDIENCE: string; JWT_MAX_AGE_SECONDS: number }): { secret: string; policy: TokenPolicy } =>
  ({ secret: config.JWT_SECRET, policy: { audience: config.JWT_AUDIENCE, maxAgeSeconds: config.JWT_MAX_AGE_SECONDS } });

/** How many verified tokens a route guard remembers, and for how long at most. */
export const VERIFIED_TOKENS = { max: 1_000, ttlMs: 60_000 } as const;

/** The token's time limits as `verifyStaffToken` checks them, against the clock now. */
function withinTimeLimits(t: VerifiedToken, policy: TokenPolicy, nowSeconds: number): boolean {
  return t.exp > nowSeconds - CLOCK_TOLERANCE_SECONDS && nowSeconds - t.iat - CLOCK_TOLERANCE_SECONDS <= policy.maxAgeSeconds;
}

/**
 * A route guard: a valid staff token with one of `roles`, checked on every request. A token's signature
 * and claims are verified in full the first time; the exact token string is then remembered (bounded,
 * at most a minute) with its claims, and each later request with it re-checks its expiry and maximum
 * age against the clock and the role here — so a token stops working at the same second as before,
 * while the HMAC and JSON work (a seventh of a clerk's read, bench/RESULTS.md "Reads — the API's CPU per
 * request") is done once per token. Only tokens that passed the full check are remembered.
 */
export function requireStaff(auth: string | { secret: string; policy: TokenPolicy }, ...roles: StaffRole[]): RequestHandler {
  const { secret, policy } = typeof auth === 'string' ? { secret: auth, policy: DEFAULT_POLICY } : auth;
  // Imported once as a verify-only CryptoKey: jose then skips importing the raw secret on every request
  // (half of the verification's CPU, bench/RESULTS.md "Reads"). The checks are the same.
  const key = globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  key.catch(() => undefined); // an unusable secret fails each request below (401), not the process
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS.max, ttl: VERIFIED_TOKENS.ttlMs });
  return async (req, _res, next) => {
    const token = staffToken(req);
    if (!token) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
    const known = verified.get(token);
    let entry = known && withinTimeLimits(known, policy, Math.floor(Date.now() / 1000)) ? known : undefined;
    if (!entry) {
      verified.delete(token);
      try {
        entry = await verifyToken(token, await key, policy);
      } catch {
        throw new ApiError('UNAUTHENTICATED', '登录凭证无效或已过期');
      }
      verified.set(token, entry);
    }
    const { claims } = entry;
    if (!roles.includes(claims.role)) throw new ApiError('FORBIDDEN', '无权执行此操作');
    req.staff = claims;
    next();
  };
}
