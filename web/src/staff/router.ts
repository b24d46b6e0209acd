import { createRouter, createWebHistory } from 'vue-router';
import { ApiFailure } from '../api/client';
import { homeFor, loadSession, session } from './session';

declare module 'vue-router' {
  interface RouteMeta { role?: 'clerk' | 'hallClerk' | 'officer' | 'admin'; title: string }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    // '/' is decided in the guard below, once the session is known (where the sign-in comes back to)
    { path: '/', component: () => import('./pages/SignIn.vue'), meta: { title: '' } },
    { path: '/signin', component: () => import('./pages/SignIn.vue'), meta: { title: '登录' } },
    { path: '/clerk/cases', component: () => import('./pages/CaseList.vue'), meta: { role: 'clerk', title: '办件列表' } },
    { path: '/clerk/cases/new', component: () => import('./pages/NewCase.vue'), meta: { role: 'clerk', title: '新建办件' } },
    { path: '/clerk/cases/:caseId', component: () => import('./pages/CaseDetail.vue'), props: true, meta: { role: 'clerk', title: '办件详情' } },
    // A service hall's desk (issue 19): the same pages, the hall's inbound cases.
    { path: '/hall/cases', component: () => import('./pages/CaseList.vue'), meta: { role: 'hallClerk', title: '大厅办件' } },
    { path: '/hall/cases/new', component: () => import('./pages/NewCase.vue'), meta: { role: 'hallClerk', title: '外地出生新建办件' } },
    { path: '/hall/cases/:caseId', component: () => import('./pages/CaseDetail.vue'), props: true, meta: { role: 'hallClerk', title: '办件详情' } },
    { path: '/officer/reviews', component: () => import('./pages/ReviewQueue.vue'), meta: { role: 'officer', title: '待审核' } },
    { path: '/officer/reviews/:caseId/:service', component: () => import('./pages/ReviewDetail.vue'), props: true, meta: { role: 'officer', title: '审核' } },
    { path: '/admin', component: () => import('./pages/OpsDashboard.vue'), meta: { role: 'admin', title: '运行概况' } },
    { path: '/admin/accesses', component: () => import('./pages/AccessLog.vue'), meta: { role: 'admin', title: '访问记录' } },
    { path: '/:rest(.*)*', redirect: '/', meta: { title: '' } },
  ],
});

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession();
    } catch (e) {
      // The back end is down: show the sign-in page, which says so and retries.
      if (!(e instanceof ApiFailure)) throw e;
      return to.path === '/signin' ? true : { path: '/signin', query: { next: to.fullPath } };
    }
  }
  const view = session.view;
  if (to.meta.role) {
    if (!view?.signedIn) return { path: '/signin', query: { next: to.fullPath } };
    if (view.staff?.role !== to.meta.role) return homeFor(view);
  }
  if (to.path === '/') return view?.signedIn ? homeFor(view) : '/signin';
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 出生一件事` : '出生一件事 · 工作台';
});
