// The signed-in parent (issue 18). The browser holds only an opaque session id in the HttpOnly,
// SameSite=Strict `bot_parent` cookie (path /api/parent); the session is kept server-side
// (api/parent-session-store.ts). One middleware, mounted once before every /api/parent route, reads the
// cookie; routes ask `parentOf(req)`, which answers 401 when no parent is signed in.
import type { Request, RequestHandler, Response } from 'express';
import { serialize } from 'cookie';
import type pino from 'pino';
import type { Config } from '../infra/config';
import { readCookie } from './auth';
import { ApiError } from './errors';
import { createParentSessionStore, ParentStoreUnavailable } from './parent-session-store';
import type { ParentRealName, ParentSessionRecord, ParentSessionStore, SignInPolicy } from './parent-session-store';
import type { ParentSessionView } from './parent-session.schemas';
import { databaseOptions } from './staff-session-store';
import type { SessionStoreConfig } from './staff-session-store';

export const PARENT_COOKIE = 'bot_parent';
export const PARENT_COOKIE_PATH = '/api/parent';

/** What the other parent routes learn of the signed-in parent: keyed hashes and masked values only. */
export interface SignedInParent {
  /** the SHA-256 of the session id */
  sessionId: string;
  /** personKey('phone', …): the key of the parent links */
  phoneKey: string;
  phoneLast4: string;
  phoneMasked: string;
  /** set once the real-name check passed: idKey = personKey('idNumber', …) */
  realName: ParentRealName | null;
  expiresAt: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** the parent's session: undefined when none, 'unavailable' when the store could not be read */
    parentSession?: ParentSessionRecord | 'unavailable';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const parentStoreUnavailable = (): ApiError => new ApiError('UNAVAILABLE', '登录状态暂时无法读取，请稍后再试');

/** The store's failures as the API's 503. */
export function storeCall<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    if (err instanceof ParentStoreUnavailable) throw parentStoreUnavailable();
    throw err;
  });
}

/** The parent signed in on this request; 401 UNAUTHENTICATED when none (503 when the store is down). */
export function parentOf(req: Request): SignedInParent {
  const s = req.parentSession;
  if (s === 'unavailable') throw parentStoreUnavailable();
  if (!s) throw new ApiError('UNAUTHENTICATED', '请先用手机验证码登录');
  return {
    sessionId: s.key, phoneKey: s.phoneKey, phoneLast4: s.phoneMasked.slice(-4), phoneMasked: s.phoneMasked,
    realName: s.realName, expiresAt: s.expiresAt,
  };
}

/**
 * Reads the `bot_parent` cookie. A request that changes state and rides on it must be JSON (a form of
 * another site cannot send that; SameSite=Strict already keeps the cookie off other sites' requests).
 */
export function parentSessionMiddleware(store: ParentSessionStore): RequestHandler {
  return async (req, _res, next) => {
    const id = readCookie(req, PARENT_COOKIE);
    if (!id) return next();
    if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) {
      throw new ApiError('FORBIDDEN', '请求来源无效，请从本系统页面操作');
    }
    try {
      req.parentSession = await store.getSession(id);
    } catch (err) {
      if (!(err instanceof ParentStoreUnavailable)) throw err;
      req.parentSession = 'unavailable';
    }
    next();
  };
}

export function setParentCookie(req: Request, res: Response, id: string, maxAgeSeconds: number): void {
  res.append('set-cookie', serialize(PARENT_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: PARENT_COOKIE_PATH, maxAge: maxAgeSeconds, secure: req.secure }));
}

export const SIGNED_OUT: ParentSessionView = { signedIn: false, phoneMasked: null, realName: null, expiresAt: null };

export function parentSessionView(s: ParentSessionRecord | undefined): ParentSessionView {
  if (!s) return SIGNED_OUT;
  return {
    signedIn: true,
    phoneMasked: s.phoneMasked,
    realName: s.realName ? { nameMasked: s.realName.nameMasked, idNumberMasked: s.realName.idNumberMasked } : null,
    expiresAt: new Date(s.expiresAt).toISOString(),
  };
}

export interface ParentSessions {
  store: ParentSessionStore;
  middleware: RequestHandler;
}

/** The parents' sessions of this app: the store in the project database and the cookie's middleware. */
export function createParentSessions(config: SessionStoreConfig & Pick<Config, 'CASE_ID_SECRET'>, logger?: pino.Logger, policy?: Partial<SignInPolicy>): ParentSessions {
  const store = createParentSessionStore({ database: databaseOptions(config), secret: config.CASE_ID_SECRET, logger, ...(policy ? { policy } : {}) });
  return { store, middleware: parentSessionMiddleware(store) };
}
