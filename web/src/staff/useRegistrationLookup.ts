// The clerk's new-case form asks, once the mother's ID number is complete and valid, whether she has an
// open 生育登记 (POST /api/registrations/lookup; each answer is a recorded read, so one ask per number).
import { onBeforeUnmount, ref, shallowRef, watch } from 'vue';
import { ApiFailure, api, messageOf } from '../api/client';
import type { RegistrationLookup, RegistrationView } from '../api/types';

export type LookupState = 'idle' | 'searching' | 'none' | 'found' | 'failed';

export function useRegistrationLookup(idNumber: () => string, idValid: () => boolean) {
  const found = shallowRef<RegistrationView | null>(null);
  const state = ref<LookupState>('idle');
  const failure = ref<string | null>(null);
  let asked = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  const current = () => idNumber().trim().toUpperCase();

  async function lookUp(id: string): Promise<void> {
    asked = id;
    state.value = 'searching';
    failure.value = null;
    try {
      const answer = await api<RegistrationLookup>('POST', '/api/registrations/lookup', { motherIdNumber: id });
      if (current() !== id) return;
      found.value = answer.registration;
      state.value = 'found';
    } catch (e) {
      if (current() !== id) return;
      found.value = null;
      const none = e instanceof ApiFailure && e.status === 404;
      state.value = none ? 'none' : 'failed';
      failure.value = none ? null : messageOf(e);
      if (!none) asked = '';
    }
  }

  watch(current, (id) => {
    if (timer) clearTimeout(timer);
    if (id === asked && state.value !== 'idle') return;
    found.value = null;
    state.value = 'idle';
    asked = '';
    if (!idValid()) return;
    timer = setTimeout(() => void lookUp(id), 300);
  });
  onBeforeUnmount(() => { if (timer) clearTimeout(timer); });

  /** Asks again (after a failure). */
  const retry = (): void => { if (idValid()) void lookUp(current()); };
  return { found, state, failure, retry };
}
