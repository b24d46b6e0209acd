// Staff authentication: HS256 JWTs with role claims. Parents hold no account (see track.routes.ts).
import type { Request, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { jwtVerify, SignJWT } from 'jose';
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

export async function signStaffToken(claims: StaffClaims, secret: string, ttl = '12h'): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl)
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
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const cookie = req.headers.cookie ? parseCookies(req.headers.cookie)[STAFF_COOKIE] : undefined;
  if (!cookie) return undefined;
  if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) {
    throw new ApiError('FORBIDDEN', '请求来源无效，请从本系统页面操作');
  }
  return cookie;
}

export async function verifyStaffToken(token: string, secret: string): Promise<StaffClaims> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: ISSUER, algorithms: ['HS256'] });
    return StaffClaims.parse(payload);
  } catch {
    throw new ApiError('UNAUTHENTICATED', '登录凭证无效或已过期');
  }
}

export function requireStaff(secret: string, ...roles: StaffRole[]): RequestHandler {
  return async (req, _res, next) => {
    const token = staffToken(req);
    if (!token) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
    const claims = await verifyStaffToken(token, secret);
    if (!roles.includes(claims.role)) throw new ApiError('FORBIDDEN', '无权执行此操作');
    req.staff = claims;
    next();
  };
}
