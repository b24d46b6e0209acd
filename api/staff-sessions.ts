// Staff sessions of the web pages, kept on the server: the browser holds only an opaque random id (the
// `bot_staff` cookie), so signing out ends a session at once, and nothing in the cookie can be read or
// altered into someone else's rights.
//
// Two stores behind one interface (SESSION_STORE):
// - `database` (default): the project database (infra/database.ts; SQLite under DATA_DIR, PostgreSQL with
//   DATABASE_URL), table `staff_sessions` — every API process behind a balancer sees the same sessions,
//   a sign-out on one ends the session on all at once, and sessions survive an API restart
//   (api/staff-session-store.ts);
// - `memory`: this process's memory (lru-cache with a time limit), for one API process; a restart ends
//   every session (staff sign in again through the provider, which usually still knows them).
// Either keeps an id only as its SHA-256: a copy of the store hands out no live session.
import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { StaffClaims } from './auth';

export interface StaffSession {
  staff: StaffClaims;
  /** epoch ms */
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  /** the provider's ID token, as the hint of its sign-out (RP-initiated logout) */
  idToken?: string;
}

/** A sign-in under way: what the callback checks (state, nonce, PKCE verifier) and where to go after. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface StaffSessionStore {
  /** starts a session; the id goes to the browser and nowhere else */
  create(staff: StaffClaims, idToken?: string): Promise<{ id: string; session: StaffSession }>;
  /** the live session with this id (refreshing its idle time), or undefined */
  get(id: string): Promise<StaffSession | undefined>;
  /** ends it; returns what it was */
  end(id: string): Promise<StaffSession | undefined>;
  /** remembers a sign-in under way for a few minutes under a fresh id; `takeLogin` hands it out once */
  beginLogin(login: PendingLogin): Promise<string>;
  takeLogin(id: string): Promise<PendingLogin | undefined>;
}

/** The session cookie's value: 32 random bytes, base64url. Anything else is no session. */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** How long a sign-in may take at the provider. */
export const LOGIN_TTL_MS = 10 * 60_000;

export interface SessionLimits {
  maxAgeSeconds: number;
  idleSeconds: number;
  /** sessions kept at most (the least recently used go first) */
  max?: number;
  now?: () => number;
}

export const newSessionId = (): string => randomBytes(32).toString('base64url');
/** What a store keeps an id under: its hash (a heap dump or a database copy hands out no live session). */
export const sessionKey = (id: string): string => createHash('sha256').update(id).digest('base64url');
const newId = newSessionId;
const key = sessionKey;

/** Is the session still alive at `at`: before its end and used within the idle limit? */
export const sessionAlive = (s: Pick<StaffSession, 'expiresAt' | 'lastSeenAt'>, at: number, idleSeconds: number): boolean =>
  at < s.expiresAt && at - s.lastSeenAt <= idleSeconds * 1000;

export function createMemorySessionStore(limits: SessionLimits): StaffSessionStore {
  const now = limits.now ?? Date.now;
  const sessions = new LRUCache<string, StaffSession>({ max: limits.max ?? 20_000, ttl: limits.maxAgeSeconds * 1000, ttlAutopurge: false, perf: { now } });
  const logins = new LRUCache<string, PendingLogin>({ max: 20_000, ttl: LOGIN_TTL_MS, perf: { now } });
  return {
    async create(staff, idToken) {
      const id = newId();
      const at = now();
      const session: StaffSession = Object.freeze({ staff: Object.freeze({ ...staff }), createdAt: at, expiresAt: at + limits.maxAgeSeconds * 1000, lastSeenAt: at, ...(idToken ? { idToken } : {}) });
      sessions.set(key(id), session);
      return { id, session };
    },
    async get(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const k = key(id);
      const session = sessions.get(k);
      if (!session) return undefined;
      const at = now();
      if (!sessionAlive(session, at, limits.idleSeconds)) {
        sessions.delete(k);
        return undefined;
      }
      const seen = { ...session, lastSeenAt: at };
      sessions.set(k, seen, { ttl: Math.max(1, session.expiresAt - at) });
      return seen;
    },
    async end(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const k = key(id);
      const session = sessions.get(k);
      sessions.delete(k);
      return session;
    },
    async beginLogin(login) {
      const id = newId();
      logins.set(key(id), login);
      return id;
    },
    async takeLogin(id) {
      if (!SESSION_ID.test(id)) return undefined;
      const k = key(id);
      const login = logins.get(k);
      logins.delete(k);
      return login;
    },
  };
}
