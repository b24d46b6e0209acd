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

export const homeFor = (view: SessionView | null): string =>
  view?.staff?.role === 'officer' ? '/officer/reviews' : view?.staff?.role === 'clerk' ? '/clerk/cases' : '/signin';
