// The web pages' staff session. The token lives in an HttpOnly, SameSite=Strict cookie: page scripts
// (and so other sites' scripts) cannot read it, and the browser sends it on same-site requests only.
// The development sign-in mints a clerk's, officer's or operations admin's session from the page, and exists only with
// the development switch (ALLOW_DEV_SECRETS=true); a real deployment brings its own sign-in.
import { Router } from 'express';
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { REVIEW_DESK } from '../activities/agency.types';
import type { Config } from '../infra/config';
import { signStaffToken, STAFF_COOKIE, staffAuth, staffToken, verifyStaffToken } from './auth';
import type { StaffClaims } from './auth';
import { notFound } from './errors';
import { parseBody } from './validation';

/** Lifetime of a development session (and of its cookie). */
export const DEV_SESSION_SECONDS = 8 * 3600;

/** The agencies whose officers have a review desk. */
export const OFFICER_AGENCIES = [REVIEW_DESK.agency] as const;

export const DevSignInRequest = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('clerk'), hospitalId: z.string().trim().regex(/^H\d{4}$/) }),
  z.strictObject({ role: z.literal('officer'), agency: z.enum(OFFICER_AGENCIES) }),
  z.strictObject({ role: z.literal('admin') }),
]);

export const SessionView = z.object({
  signedIn: z.boolean(),
  /** whether this deployment offers the development sign-in */
  devSignIn: z.boolean(),
  staff: z.object({
    id: z.string(),
    role: z.enum(['clerk', 'officer', 'admin']),
    hospitalId: z.string().optional(),
    agency: z.string().optional(),
  }).nullable(),
  expiresAt: z.string().nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

function setCookie(req: Request, res: Response, value: string, maxAge: number): void {
  res.append('set-cookie', serialize(STAFF_COOKIE, value, {
    httpOnly: true, sameSite: 'strict', path: '/', maxAge, secure: req.secure,
  }));
}

function staffView(claims: StaffClaims): NonNullable<SessionView['staff']> {
  const { sub, role } = claims;
  if (claims.role === 'clerk') return { id: sub, role, hospitalId: claims.hospitalId };
  if (claims.role === 'officer') return { id: sub, role, agency: claims.agency };
  return { id: sub, role };
}

export function sessionRoutes({ config }: { config: Config }): Router {
  const router = Router();
  const { secret, policy } = staffAuth(config);
  const signedOut: SessionView = { signedIn: false, devSignIn: config.ALLOW_DEV_SECRETS, staff: null, expiresAt: null };

  // Who is signed in. Always 200, so a page can ask without an error in the console.
  router.get('/', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    const token = staffToken(req);
    if (!token) return void res.json(signedOut);
    const claims = await verifyStaffToken(token, secret, policy).catch(() => null);
    if (!claims) return void res.json(signedOut);
    const { exp } = decodeJwt(token);
    const view: SessionView = {
      signedIn: true, devSignIn: config.ALLOW_DEV_SECRETS, staff: staffView(claims), expiresAt: exp ? new Date(exp * 1000).toISOString() : null,
    };
    res.json(view);
  });

  router.post('/dev', async (req, res) => {
    if (!config.ALLOW_DEV_SECRETS) throw notFound();
    const body = parseBody(DevSignInRequest, req.body);
    const claims: StaffClaims = body.role === 'clerk'
      ? { sub: `dev-clerk-${body.hospitalId}`, role: 'clerk', hospitalId: body.hospitalId }
      : body.role === 'officer' ? { sub: `dev-officer-${body.agency}`, role: 'officer', agency: body.agency } : { sub: 'dev-admin', role: 'admin' };
    const token = await signStaffToken(claims, secret, `${Math.min(DEV_SESSION_SECONDS, policy.maxAgeSeconds)}s`, policy);
    setCookie(req, res, token, DEV_SESSION_SECONDS);
    res.setHeader('cache-control', 'no-store');
    const view: SessionView = {
      signedIn: true, devSignIn: true, staff: staffView(claims), expiresAt: new Date(Date.now() + DEV_SESSION_SECONDS * 1000).toISOString(),
    };
    req.log?.info({ role: claims.role, staff: claims.sub }, 'development sign-in');
    res.json(view);
  });

  router.post('/sign-out', (req, res) => {
    staffToken(req); // a cookie-borne sign-out must be JSON too
    setCookie(req, res, '', 0);
    res.json(signedOut);
  });

  return router;
}
