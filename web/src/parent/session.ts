// The parent's sign-in as the pages know it: asked of the API once, then kept up to date by the pages
// that change it (sign-in, real-name check, sign-out).
import { reactive } from 'vue';
import { api } from '../api/client';
import type { ParentSessionView } from './types';

const SIGNED_OUT: ParentSessionView = { signedIn: false, phoneMasked: null, realName: null, expiresAt: null };
export const parentSession = reactive<{ loaded: boolean; view: ParentSessionView }>({ loaded: false, view: { ...SIGNED_OUT } });

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
  setParentSession({ ...SIGNED_OUT });
}
