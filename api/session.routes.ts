// The web pages' staff session, through the identity provider (OpenID Connect, authorization code +
// PKCE + state + nonce; api/oidc-client.ts):
//   GET  /api/session/login?returnTo=/clerk/cases → 303 to the provider's sign-in page
//   GET  /api/session/callback?code&state          → code exchanged, ID token checked, session started,
//                                                    303 back to `returnTo`
//   POST /api/session/logout                       → the server session ends at once; the answer names
//                                                    the provider's sign-out address
//   GET  /api/session                              → who is signed in
// The browser holds only an opaque session id (HttpOnly, SameSite=Strict cookie `bot_staff`); the
// session itself is kept server-side (api/staff-sessions.ts). The sign-in under way is remembered
// server-side too, under a second opaque id in a short-lived cookie (`bot_login`, SameSite=Lax: it must
// come back on the provider's redirect, a top-level navigation from another site).
// `POST /api/session/dev` (a session for any role, no password) exists only with ALLOW_DEV_TOKENS.
import { Router } from 'express';
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { REVIEW_DESK } from '../activities/agency.types';
import type { Config } from '../infra/config';
import { readCookie, STAFF_COOKIE, staffAuth } from './auth';
import type { StaffAuth, StaffClaims } from './auth';
import { ApiError, notFound } from './errors';
import { ProviderUnavailable } from './oidc-client';
import { LOGIN_TTL_MS } from './staff-sessions';
import { parseBody } from './validation';

/** The cookie that carries a sign-in under way to the callback. */
export const LOGIN_COOKIE = 'bot_login';
const LOGIN_COOKIE_PATH = '/api/session';

/** The agencies whose officers have a review desk. */
export const OFFICER_AGENCIES = [REVIEW_DESK.agency] as const;

export const DevSignInRequest = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('clerk'), hospitalId: z.string().trim().regex(/^H\d{4}$/) }),
  z.strictObject({ role: z.literal('officer'), agency: z.enum(OFFICER_AGENCIES) }),
  z.strictObject({ role: z.literal('admin') }),
  // issue 19: a service hall's clerk (政务服务大厅窗口)
  z.strictObject({ role: z.literal('hallClerk'), hallId: z.string().trim().regex(/^[A-Z0-9-]{1,32}$/) }),
]);

/** Where the pages may ask to return after sign-in: a path of this site (never `//host` or a scheme). */
export const ReturnTo = z.string().max(200).regex(/^\/(?![/\\])[A-Za-z0-9/_.~?=&%-]*$/, '返回地址应为本站路径');
export const LoginQuery = z.strictObject({ returnTo: ReturnTo.optional() });

export const SessionView = z.object({
  signedIn: z.boolean(),
  /** whether this deployment offers the development sign-in (ALLOW_DEV_TOKENS) */
  devSignIn: z.boolean(),
  staff: z.object({
    id: z.string(),
    role: z.enum(['clerk', 'officer', 'admin', 'hallClerk']),
    hospitalId: z.string().optional(),
    agency: z.string().optional(),
    hallId: z.string().optional(),
  }).nullable(),
  expiresAt: z.string().nullable(),
  /** where the pages send the browser to sign in (the identity provider's page follows) */
  signInUrl: z.string(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SignedOutView = SessionView.extend({
  /** the identity provider's sign-out page (ends the provider's own session too), when it has one */
  endSessionUrl: z.string().nullable(),
});

const SIGN_IN_URL = '/api/session/login';

function setCookie(req: Request, res: Response, name: string, value: string, maxAge: number, opts: { sameSite: 'strict' | 'lax'; path: string }): void {
  res.append('set-cookie', serialize(name, value, { httpOnly: true, sameSite: opts.sameSite, path: opts.path, maxAge, secure: req.secure }));
}

function staffView(claims: StaffClaims): NonNullable<SessionView['staff']> {
  const { sub, role } = claims;
  if (claims.role === 'clerk') return { id: sub, role, hospitalId: claims.hospitalId };
  if (claims.role === 'officer') return { id: sub, role, agency: claims.agency };
  if (claims.role === 'hallClerk') return { id: sub, role, hallId: claims.hallId };
  return { id: sub, role };
}

const unavailable = () => new ApiError('UNAVAILABLE', '身份认证服务暂时无法访问，请稍后再试');

export function sessionRoutes({ config }: { config: Config }): Router {
  const router = Router();
  const auth = staffAuth(config);
  const devSignIn = config.ALLOW_DEV_TOKENS;
  const signedOut: SessionView = { signedIn: false, devSignIn, staff: null, expiresAt: null, signInUrl: SIGN_IN_URL };
  const sessionCookie = (req: Request, res: Response, id: string) =>
    setCookie(req, res, STAFF_COOKIE, id, config.SESSION_MAX_AGE_SECONDS, { sameSite: 'strict', path: '/' });

  // Who is signed in. Always 200, so a page can ask without an error in the console.
  router.get('/', async (req, res) => {
    const id = readCookie(req, STAFF_COOKIE);
    // a store that cannot be read now: answered as not signed in (the page offers the sign-in)
    const session = id ? await auth.sessions.get(id).catch(() => undefined) : undefined;
    if (!session) return void res.json(signedOut);
    const view: SessionView = { ...signedOut, signedIn: true, staff: staffView(session.staff), expiresAt: new Date(session.expiresAt).toISOString() };
    res.json(view);
  });

  router.get('/login', async (req, res) => {
    const { returnTo } = parseBody(LoginQuery, req.query);
    const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = await auth.rp.authorizationUrl(checks).catch((err: unknown) => {
      req.log?.warn({ err: (err as Error).message }, 'identity provider unavailable');
      throw unavailable();
    });
    const loginId = await auth.sessions.beginLogin({ ...checks, returnTo: returnTo ?? '/' }).catch(() => { throw unavailable(); });
    setCookie(req, res, LOGIN_COOKIE, loginId, LOGIN_TTL_MS / 1000, { sameSite: 'lax', path: LOGIN_COOKIE_PATH });
    res.redirect(303, url.href);
  });

  router.get('/callback', async (req, res) => {
    const loginId = readCookie(req, LOGIN_COOKIE);
    const login = loginId ? await auth.sessions.takeLogin(loginId).catch(() => { throw unavailable(); }) : undefined;
    setCookie(req, res, LOGIN_COOKIE, '', 0, { sameSite: 'lax', path: LOGIN_COOKIE_PATH });
    if (!login) throw new ApiError('UNAUTHENTICATED', '登录已超时或无效，请重新登录');
    // the staff member cancelled at the provider, or it refused: back to the sign-in page, which says so
    if (typeof req.query.error === 'string' && req.query.state === login.state) {
      return void res.redirect(303, `/signin?failed=${req.query.error === 'access_denied' ? 'cancelled' : 'refused'}`);
    }
    const callbackUrl = new URL(req.originalUrl, config.OIDC_REDIRECT_URI);
    const result = await auth.rp.finishSignIn(callbackUrl, login).catch((err: unknown) => {
      if (err instanceof ProviderUnavailable) throw unavailable();
      req.log?.warn({ err: (err as Error).message }, 'sign-in refused');
      throw new ApiError('UNAUTHENTICATED', '登录未通过校验，请重新登录');
    });
    if (!result.staff) {
      req.log?.warn('sign-in of someone with no staff role here');
      return void res.redirect(303, '/signin?failed=norole');
    }
    const { id } = await auth.sessions.create(result.staff, result.idToken).catch(() => { throw unavailable(); });
    sessionCookie(req, res, id);
    req.log?.info({ role: result.staff.role, staff: result.staff.sub }, 'staff signed in');
    res.redirect(303, login.returnTo);
  });

  const logout = async (req: Request, res: Response) => {
    // a cookie-borne sign-out must be JSON too (no other site can end a session by a form)
    if (!req.is('application/json')) throw new ApiError('FORBIDDEN', '请求来源无效，请从本系统页面操作');
    const id = readCookie(req, STAFF_COOKIE);
    const ended = id ? await auth.sessions.end(id).catch(() => { throw unavailable(); }) : undefined;
    setCookie(req, res, STAFF_COOKIE, '', 0, { sameSite: 'strict', path: '/' });
    const endSessionUrl = ended ? await endSession(auth, ended.idToken) : null;
    if (ended) req.log?.info({ role: ended.staff.role, staff: ended.staff.sub }, 'staff signed out');
    res.json({ ...signedOut, endSessionUrl });
  };
  router.post('/logout', logout);
  router.post('/sign-out', logout);

  router.post('/dev', async (req, res) => {
    if (!devSignIn) throw notFound();
    const body = parseBody(DevSignInRequest, req.body);
    const claims = devClaims(body);
    const { id, session } = await auth.sessions.create(claims);
    sessionCookie(req, res, id);
    req.log?.info({ role: claims.role, staff: claims.sub }, 'development sign-in');
    const view: SessionView = { ...signedOut, signedIn: true, staff: staffView(claims), expiresAt: new Date(session.expiresAt).toISOString() };
    res.json(view);
  });

  return router;
}

function devClaims(body: z.infer<typeof DevSignInRequest>): StaffClaims {
  switch (body.role) {
    case 'clerk': return { sub: `dev-clerk-${body.hospitalId}`, role: 'clerk', hospitalId: body.hospitalId };
    case 'officer': return { sub: `dev-officer-${body.agency}`, role: 'officer', agency: body.agency };
    case 'hallClerk': return { sub: `dev-hall-${body.hallId}`, role: 'hallClerk', hallId: body.hallId };
    default: return { sub: 'dev-admin', role: 'admin' };
  }
}

/** The provider's sign-out address; null when it has none or cannot be reached now (our session is over either way). */
async function endSession(auth: StaffAuth, idToken: string | undefined): Promise<string | null> {
  return auth.rp.endSessionUrl(idToken).catch(() => null);
}
