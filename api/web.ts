// The web pages, built by scripts/build-web.mjs into web/dist, served by the API process (same
// origin as /api, so the session cookie is SameSite=Strict and no CORS is ever granted). Staff pages
// are one app (index.html) under /, the parents' page another (track.html) under /track.
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Pages load only their own built assets and talk only to this API. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Element Plus and Vant position popovers and set CSS variables through style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webRoutes(distDir: string): Router {
  const router = Router();
  const page = (file: string): express.RequestHandler => (_req, res) => {
    const path = join(distDir, file);
    res.setHeader('content-security-policy', PAGE_CSP);
    res.setHeader('cache-control', 'no-cache');
    if (!existsSync(path)) {
      res.status(503).type('text/plain; charset=utf-8').send('页面尚未构建：请运行 npm start（或 node scripts/build-web.mjs）。');
      return;
    }
    res.sendFile(path);
  };
  // Hashed file names: cache for a year.
  router.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.get('/favicon.svg', express.static(distDir, { index: false }));
  router.get(['/track', '/track/'], page('track.html'));
  router.get(['/', '/signin', '/clerk', '/clerk/*rest', '/officer', '/officer/*rest', '/admin', '/admin/*rest'], page('index.html'));
  return router;
}
