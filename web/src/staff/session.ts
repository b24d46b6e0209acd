// Who is signed in, as the API says. The session lives on the server; the page never sees its id (an
// HttpOnly cookie). Signing in goes through the identity provider's own page (/api/session/login).
import { reactive } from 'vue';
import { api } from '../api/client';
import type { DevSignInBody, SessionView } from '../api/types';

export const session = reactive<{ loaded: boolean; view: SessionView | null }>({ loaded: false, view: null });

export async function loadSession(): Promise<SessionView> {
  const view = await api<SessionView>('GET', '/api/session');
  session.view = view;
  session.loaded = true;
  return view;
}

export async function devSignIn(body: DevSignInBody): Promise<SessionView> {
  session.view = await api<SessionView>('POST', '/api/session/dev', body);
  session.loaded = true;
  return session.view;
}

/** Where the browser goes to sign in: the API sends it on to the identity provider, and back to `next`. */
export function signInHref(next: string | undefined): string {
  const safe = next && next.startsWith('/') && !next.startsWith('//') && next.length <= 200 ? next : undefined;
  return `/api/session/login${safe ? `?returnTo=${encodeURIComponent(safe)}` : ''}`;
}

/** Ends the session on the server; returns the identity provider's sign-out page, if it has one. */
export async function signOut(): Promise<string | null> {
  const out = await api<SessionView & { endSessionUrl?: string | null }>('POST', '/api/session/logout', {});
  session.view = out;
  return out.endSessionUrl ?? null;
}

// A service hall's clerk (hallClerk, issue 19) has the clerk's desk under /hall: the hall's inbound cases.
const HOMES: Record<string, string> = { clerk: '/clerk/cases', hallClerk: '/hall/cases', officer: '/officer/reviews', admin: '/admin' };

/** The desk's cases, for the clerk's and the hall's pages alike: '/clerk/cases' or '/hall/cases'. */
export const casesPath = (): string => (session.view?.staff?.role === 'hallClerk' ? '/hall/cases' : '/clerk/cases');
export const isHallClerk = (): boolean => session.view?.staff?.role === 'hallClerk';
export const homeFor = (view: SessionView | null): string => {
  const role = view?.staff?.role;
  return role && Object.hasOwn(HOMES, role) ? (HOMES[role] as string) : '/signin';
};
