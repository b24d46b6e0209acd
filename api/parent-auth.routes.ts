// Parents sign in on their phone (issue 18), under /api/parent:
//   POST /sign-in/code {phone}          → 202 {sentTo, expiresInSeconds, resendAfterSeconds}: a 6-digit code by SMS
//   POST /sign-in      {phone, code}    → 200 ParentSessionView + the `bot_parent` cookie; any failure the same 401
//   POST /real-name    {name, idNumber} → 200 ParentSessionView with realName (the public-security check), or 400
//   POST /sign-out                      → 204, the session ended at once, the cookie cleared
//   GET  /session                       → 200 ParentSessionView (always)
// Limits: per phone in the database (one code a minute, 5 an hour, 10 a day; 5 tries per code), per
// client address here (codes asked, failed sign-ins, failed real-name checks), per session for the
// real-name check. The code is never logged, nor the phone, name or ID number.
import { Router } from 'express';
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { maskIdNumber, maskName, maskPhone } from '../domain/masking';
import type { Config } from '../infra/config';
import { readCookie } from './auth';
import { personKey } from './case-identity';
import { ApiError } from './errors';
import type { ParentGateways } from './parent-gateways';
import { PARENT_COOKIE, parentOf, parentSessionView, setParentCookie, SIGNED_OUT, storeCall } from './parent-session';
import type { ParentSessionStore, SignInPolicy } from './parent-session-store';
import { SIGN_IN_POLICY } from './parent-session-store';
import { RealNameRequest, SignInCodeRequest, SignInRequest } from './parent-session.schemas';
import type { SignInCodeSent } from './parent-session.schemas';
import { parseBody } from './validation';

/** Per client address (and per session for the real-name check), in this process. */
export interface ParentAddressLimits {
  /** codes asked per hour */
  codesPerHour: number;
  /** failed sign-ins per 15 minutes */
  failedSignInsPer15Min: number;
  /** failed real-name checks per hour from one address */
  failedRealNamesPerHour: number;
  /** failed real-name checks per hour of one session */
  failedRealNamesPerSession: number;
}
export const PARENT_ADDRESS_LIMITS: ParentAddressLimits = { codesPerHour: 20, failedSignInsPer15Min: 30, failedRealNamesPerHour: 20, failedRealNamesPerSession: 5 };

export interface ParentAuthDeps {
  config: Pick<Config, 'CASE_ID_SECRET'>;
  store: ParentSessionStore;
  gateways: ParentGateways;
  limits?: Partial<ParentAddressLimits>;
  policy?: Partial<SignInPolicy>;
}

export const CODE_REFUSED = '验证码错误或已失效';
const LIMIT_MESSAGES = {
  resend: '验证码发送过于频繁，请稍后再试',
  hour: '该号码1小时内获取验证码次数已达上限，请稍后再试',
  day: '该号码今日获取验证码次数已达上限，请明天再试',
} as const;

function limiter(windowMs: number, limit: number, failuresOnly: boolean, keyGenerator?: (req: Request) => string) {
  return rateLimit({
    windowMs, limit, skipSuccessfulRequests: failuresOnly, standardHeaders: 'draft-7', legacyHeaders: false,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: () => { throw new ApiError('RATE_LIMITED', '尝试次数过多，请稍后再试'); },
  });
}

export function parentAuthRoutes({ config, store, gateways, limits = {}, policy = {} }: ParentAuthDeps): Router {
  const l = { ...PARENT_ADDRESS_LIMITS, ...limits };
  const p = { ...SIGN_IN_POLICY, ...policy };
  const router = Router();
  const phoneKeyOf = (phone: string) => personKey('phone', phone, config.CASE_ID_SECRET);

  router.post('/sign-in/code', limiter(3600_000, l.codesPerHour, false), async (req, res) => {
    const { phone } = parseBody(SignInCodeRequest, req.body);
    const phoneKey = phoneKeyOf(phone);
    const issued = await storeCall(store.issueCode(phoneKey));
    if (!issued.ok) {
      res.setHeader('Retry-After', String(issued.retryAfterSeconds));
      throw new ApiError('RATE_LIMITED', LIMIT_MESSAGES[issued.limit]);
    }
    try {
      await gateways.sendSignInCode(phone, issued.code, Math.round(p.codeTtlMs / 60_000));
    } catch (err) {
      await storeCall(store.withdrawCode(phoneKey));
      throw err;
    }
    req.log?.info('parent sign-in code sent');
    const sent: SignInCodeSent = { sentTo: maskPhone(phone), expiresInSeconds: p.codeTtlMs / 1000, resendAfterSeconds: p.resendAfterMs / 1000 };
    res.status(202).json(sent);
  });

  router.post('/sign-in', limiter(15 * 60_000, l.failedSignInsPer15Min, true), async (req, res) => {
    const { phone, code } = parseBody(SignInRequest, req.body);
    const phoneKey = phoneKeyOf(phone);
    if (!(await storeCall(store.checkCode(phoneKey, code)))) throw new ApiError('UNAUTHENTICATED', CODE_REFUSED);
    await endCurrent(req, store);
    const { id, session } = await storeCall(store.createSession({ phoneKey, phoneMasked: maskPhone(phone) }));
    setParentCookie(req, res, id, Math.floor(p.sessionMaxAgeMs / 1000));
    req.log?.info('parent signed in');
    res.json(parentSessionView(session));
  });

  const perSession = limiter(3600_000, l.failedRealNamesPerSession, true, (req) => `session:${req.parentSession && req.parentSession !== 'unavailable' ? req.parentSession.key : 'none'}`);
  router.post('/real-name', (req, _res, next) => { parentOf(req); next(); }, limiter(3600_000, l.failedRealNamesPerHour, true), perSession, async (req, res) => {
    const parent = parentOf(req);
    const body = parseBody(RealNameRequest, req.body);
    const verdict = await gateways.checkIdentity(body.name, body.idNumber);
    if (!verdict.match) {
      throw new ApiError('VALIDATION_FAILED', '姓名与身份证号码不一致', { issues: [{ path: 'idNumber', code: 'REAL_NAME_MISMATCH', message: '姓名与身份证号码不一致，请核对后重新填写' }] });
    }
    const realName = { idKey: personKey('idNumber', body.idNumber, config.CASE_ID_SECRET), nameMasked: maskName(body.name), idNumberMasked: maskIdNumber(body.idNumber) };
    const id = readCookie(req, PARENT_COOKIE) ?? '';
    const session = await storeCall(store.setRealName(id, realName));
    if (!session || session.key !== parent.sessionId) throw new ApiError('UNAUTHENTICATED', '登录已失效，请重新登录');
    req.log?.info('parent real name checked');
    res.json(parentSessionView(session));
  });

  router.post('/sign-out', async (req, res) => {
    await endCurrent(req, store);
    clearCookie(req, res);
    res.status(204).end();
  });

  router.get('/session', (req, res) => {
    const s = req.parentSession;
    res.json(s && s !== 'unavailable' ? parentSessionView(s) : SIGNED_OUT);
  });

  return router;
}

async function endCurrent(req: Request, store: ParentSessionStore): Promise<void> {
  const id = readCookie(req, PARENT_COOKIE);
  if (id) await storeCall(store.endSession(id));
}

function clearCookie(req: Request, res: Response): void {
  setParentCookie(req, res, '', 0);
}
