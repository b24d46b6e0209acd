// The web pages' staff session: a server-side session named by an opaque id in an HttpOnly
// SameSite=Strict cookie; signing out ends it at once; a malformed cookie is 401; the development
// sign-in exists only with its own flag (ALLOW_DEV_TOKENS), not with the development secrets alone; a
// state-changing request riding on the cookie must be JSON. Temporal is left unreachable on purpose: a
// 503 (or a 200 from the read model) shows the request got past authentication, a 401/403 that it did not. (The sign-in through the
// identity provider itself: tests/e2e/security.e2e.test.ts and the browser story.)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import type { Config } from '../../infra/config';
import { createClient } from '../../infra/temporal';
import { testConfig } from '../helpers/temporal';

async function serve(overrides: Partial<Config>): Promise<{ base: string; close(): Promise<void> }> {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  // no identity provider answers here (a closed port): a sign-in cannot start
  const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`, OIDC_ISSUER: `http://127.0.0.1:${deadPort}`, OIDC_HTTP_TIMEOUT_MS: 1000, ...overrides });
  const app = createApp({ client: createClient(config), config, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: 'http://127.0.0.1:9' }) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

const json = { 'content-type': 'application/json' };

test.each([
  ['off', { ALLOW_DEV_SECRETS: false, PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64') }],
  ['on, but the development tokens\' own flag off (what npm start runs)', { ALLOW_DEV_SECRETS: true }],
] as const)('when the development switch is %s, then there is no development sign-in (no admin for the asking) and the session says who is not signed in', async (_what, overrides) => {
  const { base, close } = await serve(overrides);
  try {
    for (const body of [{ role: 'admin' }, { role: 'clerk', hospitalId: 'H0001' }]) {
      const res = await fetch(`${base}/api/session/dev`, { method: 'POST', headers: json, body: JSON.stringify(body) });
      expect(res.status).toBe(404);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    const session = await (await fetch(`${base}/api/session`)).json();
    expect(session).toEqual({ signedIn: false, devSignIn: false, staff: null, expiresAt: null, signInUrl: '/api/session/login' });
  } finally {
    await close();
  }
});

test('when a clerk signs in for development, then the cookie is an opaque HttpOnly SameSite=Strict id, and it authenticates reads and JSON writes only', async () => {
  const { base, close } = await serve({ ALLOW_DEV_SECRETS: true, ALLOW_DEV_TOKENS: true });
  try {
    const bad = await fetch(`${base}/api/session/dev`, { method: 'POST', headers: json, body: JSON.stringify({ role: 'clerk', hospitalId: 'x' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.issues.length).toBeGreaterThan(0);

    const res = await fetch(`${base}/api/session/dev`, { method: 'POST', headers: json, body: JSON.stringify({ role: 'clerk', hospitalId: 'H0001' }) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    // 32 random bytes, no token: nothing in it to read or alter
    expect(setCookie).toMatch(/^bot_staff=[\w-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(await res.json()).toMatchObject({ signedIn: true, devSignIn: true, staff: { role: 'clerk', hospitalId: 'H0001' } });
    const cookie = setCookie.split(';')[0] as string;

    const who = (await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()) as any;
    expect(who).toMatchObject({ signedIn: true, staff: { role: 'clerk', hospitalId: 'H0001' } });
    expect(Date.parse(who.expiresAt)).toBeGreaterThan(Date.now());

    // Past authentication (Temporal is down on purpose): 503, not 401.
    expect((await fetch(`${base}/api/cases/0123456789ABCDEF`, { headers: { cookie } })).status).toBe(503);
    expect((await fetch(`${base}/api/cases/0123456789ABCDEF`)).status).toBe(401);
    // A form-style write riding on the cookie is refused before anything else.
    const form = await fetch(`${base}/api/cases/0123456789ABCDEF/cancel`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: 'reason=x' });
    expect(form.status).toBe(403);
    expect(((await form.json()) as any).error.code).toBe('FORBIDDEN');
    const jsonWrite = await fetch(`${base}/api/cases/0123456789ABCDEF/cancel`, { method: 'POST', headers: { cookie, ...json }, body: JSON.stringify({ reason: '家长撤回' }) });
    expect(jsonWrite.status).toBe(503);
    // A clerk's cookie does not open the officer desk.
    expect((await fetch(`${base}/api/reviews`, { headers: { cookie } })).status).toBe(403);

    // a sign-out by form (another site's) ends nothing
    expect((await fetch(`${base}/api/session/logout`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' })).status).toBe(403);
    expect((await fetch(`${base}/api/cases/0123456789ABCDEF`, { headers: { cookie } })).status).toBe(503);

    const out = await fetch(`${base}/api/session/logout`, { method: 'POST', headers: { cookie, ...json }, body: '{}' });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^bot_staff=;.*Max-Age=0/i);
    expect(await out.json()).toMatchObject({ signedIn: false, endSessionUrl: null });
    // Revoked at once (finding 7): the same cookie, kept by someone, no longer opens anything.
    const after = await fetch(`${base}/api/cases/0123456789ABCDEF`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error.code).toBe('UNAUTHENTICATED');
    expect(await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()).toMatchObject({ signedIn: false });
  } finally {
    await close();
  }
});

test('when an operations admin signs in for development, then the dashboard lets her in and starting a case does not', async () => {
  const { base, close } = await serve({ ALLOW_DEV_SECRETS: true, ALLOW_DEV_TOKENS: true });
  try {
    expect((await fetch(`${base}/api/session/dev`, { method: 'POST', headers: json, body: JSON.stringify({ role: 'admin', hospitalId: 'H0001' }) })).status).toBe(400);
    const res = await fetch(`${base}/api/session/dev`, { method: 'POST', headers: json, body: JSON.stringify({ role: 'admin' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signedIn: true, devSignIn: true, staff: { id: 'dev-admin', role: 'admin' } });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    // Past authentication, not 401/403: the dashboard answers from the read model (Temporal is down on purpose;
    // 503 from an API whose read model cannot answer the dashboard).
    expect([200, 503]).toContain((await fetch(`${base}/api/ops/dashboard`, { headers: { cookie } })).status);
    expect((await fetch(`${base}/api/cases`, { method: 'POST', headers: { cookie, ...json }, body: '{}' })).status).toBe(403);
    expect((await fetch(`${base}/admin`)).headers.get('content-type')).toMatch(/text\/(html|plain)/);
  } finally {
    await close();
  }
});

test.each([
  ['bot_staff=%'], ['bot_staff=%E0%A4%A'], ['bot_staff="unterminated'], ['bot_staff=a;bot_staff=b'], [`bot_staff=${'A'.repeat(43)}`], ['bot_staff=\u00e9t\u00e9'],
  ['codec_admin=%'], ['codec_admin=%ZZ'], ['codec_admin=%E0%A4%A'],
])('when the cookie is malformed or names no session (%s), then 401 with the error body, never a 500 (finding 9)', async (cookie) => {
  const { base, close } = await serve({ ALLOW_DEV_SECRETS: true });
  try {
    const path = cookie.startsWith('codec') ? '/api/ops/codec/decode' : '/api/cases/0123456789ABCDEF';
    const res = await fetch(`${base}${path}`, { method: cookie.startsWith('codec') ? 'POST' : 'GET', headers: { cookie, ...json }, body: cookie.startsWith('codec') ? '{"payloads":[]}' : undefined });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    expect((await fetch(`${base}/api/session`, { headers: { cookie } })).status).toBe(200);
  } finally {
    await close();
  }
});

test('when a sign-in starts, then only a path of this site is a place to return to, and an unreachable provider is a 503', async () => {
  const { base, close } = await serve({ ALLOW_DEV_SECRETS: true });
  try {
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await fetch(`${base}/api/session/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
    }
    const res = await fetch(`${base}/api/session/login?returnTo=%2Fclerk%2Fcases`, { redirect: 'manual' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe('UNAVAILABLE');
    // a callback with no sign-in under way (no login cookie): 401, nothing exchanged
    const cb = await fetch(`${base}/api/session/callback?code=x&state=y`, { redirect: 'manual' });
    expect(cb.status).toBe(401);
  } finally {
    await close();
  }
});

test('when a page is served, then it carries a CSP that allows only its own assets and this API', async () => {
  const { base, close } = await serve({});
  try {
    for (const path of ['/', '/signin', '/clerk/cases/new', '/track']) {
      const res = await fetch(`${base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect([200, 503]).toContain(res.status); // 503 with a Chinese note when the pages are not built yet
      expect(res.headers.get('content-type')).toMatch(/text\/(html|plain)/);
    }
    expect((await fetch(`${base}/no-such-page`)).status).toBe(404);
  } finally {
    await close();
  }
});
