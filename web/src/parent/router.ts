// The parents' page is one app under /track (served as is by the API): the tracking-code door at
// /track, the signed-in pages after the hash (/track#/me, /track#/registration/new, …), so a reload
// of any of them finds the same page.
import { createRouter, createWebHashHistory } from 'vue-router';
import { ApiFailure } from '../api/client';
import { loadParentSession, parentSession } from './session';

declare module 'vue-router' {
  interface RouteMeta { title: string; signedIn?: boolean; realName?: boolean; back?: string }
}

export const router = createRouter({
  history: createWebHashHistory('/track'),
  routes: [
    { path: '/', component: () => import('./pages/TrackByCode.vue'), meta: { title: '出生一件事 · 办理进度' } },
    { path: '/signin', component: () => import('./pages/SignIn.vue'), meta: { title: '手机号登录', back: '/' } },
    { path: '/me', component: () => import('./pages/MyHome.vue'), meta: { title: '我的生育登记与办件', signedIn: true, realName: true } },
    { path: '/registration/new', component: () => import('./pages/RegistrationForm.vue'), meta: { title: '生育登记', signedIn: true, realName: true, back: '/me' } },
    { path: '/registration/:registrationId', component: () => import('./pages/RegistrationDetail.vue'), props: true, meta: { title: '我的生育登记', signedIn: true, realName: true, back: '/me' } },
    { path: '/registration/:registrationId/amend', component: () => import('./pages/RegistrationForm.vue'), props: true, meta: { title: '修改生育登记', signedIn: true, realName: true, back: '..' } },
    { path: '/registration/:registrationId/certificate', component: () => import('./pages/RegistrationCertificate.vue'), props: true, meta: { title: '生育服务登记电子凭证', signedIn: true, realName: true, back: '..' } },
    { path: '/cases/:caseId', component: () => import('./pages/MyCase.vue'), props: true, meta: { title: '办理进度', signedIn: true, back: '/me' } },
    { path: '/:rest(.*)*', redirect: '/', meta: { title: '' } },
  ],
});

router.beforeEach(async (to) => {
  if (!to.meta.signedIn) return true;
  if (!parentSession.loaded) {
    try {
      await loadParentSession();
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      return { path: '/signin', query: { next: to.fullPath } };
    }
  }
  const view = parentSession.view;
  if (!view.signedIn || (to.meta.realName && !view.realName)) return { path: '/signin', query: { next: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 出生一件事` : '出生一件事';
});
