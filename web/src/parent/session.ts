// The parent's sign-in as the pages know it: asked of the API once, then kept up to date by the pages
// that change it (sign-in, real-name check, sign-out).
import { reactive } from 'vue';
import { api } from '../api/client';
import type { ParentSessionView } from './types';

export const parentSession = reactive<{ loaded: boolean; view: ParentSessionView }>({ loaded: false, view: { signedIn: false } });

export async function loadParentSession(): Promise<ParentSessionView> {
  parentSession.view = await api<ParentSessionView>('GET', '/api/parent/session');
  parentSession.loaded = true;
  return parentSession.view;
}

export function setParentSession(view: ParentSessionView): void {
  parentSession.view = view;
  parentSession.loaded = true;
}

export async function signOut(): Promise<void> {
  await api<null>('POST', '/api/parent/sign-out', {});
  setParentSession({ signedIn: false });
}
