import { createApp } from 'vue';
import 'element-plus/dist/index.css';
import './staff.css';
import { setUnauthenticatedHandler } from '../api/client';
import App from './App.vue';
import { router } from './router';
import { session } from './session';

setUnauthenticatedHandler(() => {
  session.view = session.view ? { ...session.view, signedIn: false, staff: null, expiresAt: null } : null;
  if (router.currentRoute.value.path !== '/signin') {
    void router.push({ path: '/signin', query: { next: router.currentRoute.value.fullPath, expired: '1' } });
  }
});

createApp(App).use(router).mount('#app');
