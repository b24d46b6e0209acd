// Who is signed in, as the API says (the token itself stays in an HttpOnly cookie the page never sees).
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

export async function signOut(): Promise<void> {
  session.view = await api<SessionView>('POST', '/api/session/sign-out', {});
}

const HOMES: Record<string, string> = { clerk: '/clerk/cases', officer: '/officer/reviews', admin: '/admin' };
export const homeFor = (view: SessionView | null): string => {
  const role = view?.staff?.role;
  return role && Object.hasOwn(HOMES, role) ? (HOMES[role] as string) : '/signin';
};
