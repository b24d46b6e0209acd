// Staff authentication: HS256 JWTs with role claims. Parents hold no account (see track.routes.ts).
import type { RequestHandler } from 'express';
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

export function requireStaff(secret: string, ...roles: StaffRole[]): RequestHandler {
  const key = new TextEncoder().encode(secret);
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new ApiError('UNAUTHENTICATED', '缺少登录凭证');
    let claims: StaffClaims;
    try {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
      claims = StaffClaims.parse(payload);
    } catch {
      throw new ApiError('UNAUTHENTICATED', '登录凭证无效或已过期');
    }
    if (!roles.includes(claims.role)) throw new ApiError('FORBIDDEN', '无权执行此操作');
    req.staff = claims;
    next();
  };
}
