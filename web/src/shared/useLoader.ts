// Loading, error and retry for a page's data: a back end that is down is retried by itself with a
// growing pause, and the page says so; other errors wait for the person to retry.
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import { ApiFailure, messageOf } from '../api/client';

export function useLoader<T>(load: () => Promise<T>) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const retryIn = ref<number | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let stopped = false;

  async function run(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    loading.value = true;
    try {
      data.value = await load();
      error.value = null;
      retryIn.value = null;
      attempt = 0;
    } catch (e) {
      error.value = messageOf(e);
      if (e instanceof ApiFailure && e.retriable && !stopped) {
        attempt += 1;
        const seconds = Math.min(30, 2 ** attempt);
        retryIn.value = seconds;
        const tick = (): void => {
          if (stopped) return;
          if ((retryIn.value ?? 0) <= 1) {
            void run();
            return;
          }
          retryIn.value = (retryIn.value ?? 1) - 1;
          timer = setTimeout(tick, 1000);
        };
        timer = setTimeout(tick, 1000);
      } else {
        retryIn.value = null;
      }
    } finally {
      loading.value = false;
    }
  }

  onBeforeUnmount(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
  });

  return { data, loading, error, retryIn, run };
}
