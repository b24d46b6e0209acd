import { createApp } from 'vue';
import 'vant/lib/index.css';
import './parent.css';
import App from './App.vue';
import { setUnauthenticatedHandler } from '../api/client';
import { router } from './router';
import { parentSession } from './session';

// A session that ended (signed out elsewhere, expired) on a signed-in page: back to sign-in, then back here.
setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value;
  if (!here.meta.signedIn) return;
  parentSession.loaded = false;
  void router.push({ path: '/signin', query: { next: here.fullPath } });
});

createApp(App).use(router).mount('#app');
