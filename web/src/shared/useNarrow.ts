// Whether the screen is phone-narrow (tables become lists there).
import { onBeforeUnmount, ref } from 'vue';

export function useNarrow(maxWidth = 640) {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`);
  const narrow = ref(query.matches);
  const update = (e: MediaQueryListEvent) => { narrow.value = e.matches; };
  query.addEventListener('change', update);
  onBeforeUnmount(() => query.removeEventListener('change', update));
  return narrow;
}
