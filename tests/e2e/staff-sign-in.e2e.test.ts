// Staff sign-in through the identity provider (issue 20, item 1; findings 1, 7) against the real stack:
// the development provider as its own process, the API as relying party. A clerk signs in on the
// provider's page with code + PKCE and ends with a session cookie that works; the callback cannot be
// replayed or steered; sign-out revokes the session at once; bearer tokens are accepted only when the
// provider signed them for this API and they are current; the old shortcuts are gone from the stack.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeJwt, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { signStaffToken } from '../../api/auth';
import { browse, CookieJar, submitSignIn } from '../helpers/oidc-browser';
import type { Hop } from '../helpers/oidc-browser';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let callbackPrefix: string;

beforeAll(async () => {
  stack = await startStack({ config: { TEMPORAL_CALL_TIMEOUT_MS: 3000 } });
  callbackPrefix = `${stack.apiUrl}/api/session/callback`;
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** From the staff page's sign-in button to the provider's redirect back (the callback not yet called). */
async function toCallback(username: string, returnTo = '/clerk/cases'): Promise<{ jar: CookieJar; callback: Hop }> {
  const jar = new CookieJar();
  const page = await browse(jar, `${stack.apiUrl}/api/session/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(page.url.origin).toBe(stack.oidc.issuer);
  expect(page.res.status).toBe(200);
  const callback = await submitSignIn(jar, page, username, 'dev-password', callbackPrefix);
  expect(callback.url.href.startsWith(callbackPrefix)).toBe(true);
  return { jar, callback };
}

async function callCallback(jar: CookieJar, url: URL): Promise<Response> {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
  jar.store(res);
  return res;
}

const withCookie = (jar: CookieJar, path: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: jar.header(new URL(`${stack.apiUrl}${path}`)) } });

describe('the sign-in through the identity provider', () => {
  test('when a clerk signs in on the provider\'s page (code + PKCE), then the API keeps a session, its cookie works, and sign-out revokes it at once', async () => {
    const { jar, callback } = await toCallback('clerk.H0001');
    const login = await fetch(`${stack.apiUrl}/api/session/login?returnTo=%2Fclerk%2Fcases`, { redirect: 'manual' });
    const authorize = new URL(login.headers.get('location') ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(login.headers.getSetCookie().join()).toMatch(/bot_login=[\w-]{43}; .*HttpOnly.*SameSite=Lax/i);

    const back = await callCallback(jar, callback.url);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/clerk/cases');
    const set = back.headers.getSetCookie().find((c) => c.startsWith('bot_staff=')) ?? '';
    expect(set).toMatch(/^bot_staff=[\w-]{43}; .*HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);

    const who = await (await withCookie(jar, '/api/session')).json();
    expect(who).toMatchObject({ signedIn: true, staff: { id: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' } });
    expect((await withCookie(jar, '/api/cases')).status).toBe(200);
    expect((await withCookie(jar, '/api/reviews')).status).toBe(403);

    const kept = jar.header(new URL(`${stack.apiUrl}/api/cases`));
    const out = await withCookie(jar, '/api/session/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(200);
    const { endSessionUrl } = (await out.json()) as { endSessionUrl: string };
    const end = new URL(endSessionUrl);
    expect(end.origin).toBe(stack.oidc.issuer);
    expect(end.searchParams.get('id_token_hint')).toBeTruthy();
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.apiUrl}/`);
    // the old cookie, replayed by whoever kept it: refused at once (finding 7)
    const after = await fetch(`${stack.apiUrl}/api/cases`, { headers: { cookie: kept } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  test('when the provider\'s answer is replayed, its state altered, or it arrives in another browser, then 401 and no session', async () => {
    const first = await toCallback('clerk.H0002');
    const login = first.jar.get('bot_login') as string;
    // another browser (without this sign-in's cookie) presenting the code
    expect((await fetch(first.callback.url, { redirect: 'manual' })).status).toBe(401);
    // the state altered
    const altered = new URL(first.callback.url);
    altered.searchParams.set('state', 'x'.repeat(43));
    expect((await callCallback(first.jar, altered)).status).toBe(401);
    // the sign-in under way was used up by that attempt: even the true answer no longer starts a session
    first.jar.set('bot_login', login, '/api/session');
    const replay = await callCallback(first.jar, first.callback.url);
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie().some((c) => /^bot_staff=[\w-]/.test(c))).toBe(false);

    const second = await toCallback('clerk.H0002');
    const secondLogin = second.jar.get('bot_login') as string;
    expect((await callCallback(second.jar, second.callback.url)).status).toBe(303);
    // the same answer a second time, with its own sign-in cookie put back: 401 (a code and a sign-in are good once)
    second.jar.set('bot_login', secondLogin, '/api/session');
    expect((await callCallback(second.jar, second.callback.url)).status).toBe(401);
  });

  test('when an officer and an admin sign in, then each gets their own desk and nothing else', async () => {
    for (const [user, allowed, refused] of [['officer.publicSecurity', '/api/reviews', '/api/cases'], ['admin', '/api/ops/dashboard', '/api/reviews']] as const) {
      const { jar, callback } = await toCallback(user, '/');
      expect((await callCallback(jar, callback.url)).status).toBe(303);
      expect([200, 503]).toContain((await withCookie(jar, allowed)).status);
      expect((await withCookie(jar, refused)).status).toBe(403);
    }
  });
});

describe('bearer tokens for machine clients', () => {
  let providerKey: CryptoKey;
  let kid: string;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    // the development provider's own signing key (generated into its data dir): tokens below are
    // signed exactly as the provider signs, so only the claim under test is wrong
    const { keys } = JSON.parse(readFileSync(join(stack.oidc.dataDir, 'oidc', 'jwks.json'), 'utf8')) as { keys: JWK[] };
    const jwk = keys[0] as JWK;
    kid = jwk.kid as string;
    providerKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
    ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  });

  const mint = (o: { aud?: string; iss?: string; typ?: string; iat?: number; exp?: number; key?: 'other' } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: 'clerk', hospitalId: 'H0001', client_id: 'birth-one-thing-web', scope: 'api' })
      .setProtectedHeader({ alg: 'RS256', kid, typ: o.typ ?? 'at+jwt' })
      .setSubject('clerk.H0001').setIssuer(o.iss ?? stack.oidc.issuer).setAudience(o.aud ?? stack.config.JWT_AUDIENCE)
      .setIssuedAt(o.iat ?? now).setExpirationTime(o.exp ?? now + 600)
      .sign(o.key === 'other' ? otherKey : providerKey);
  };

  test('when a token is signed as the provider signs, for this API, then it passes (the control for the refusals below)', async () => {
    expect((await stack.call('GET', '/api/cases', { token: await mint() })).status).toBe(200);
    const issued = await stack.token({ role: 'clerk', hospitalId: 'H0001' });
    expect(decodeJwt(issued)).toMatchObject({ iss: stack.oidc.issuer, aud: stack.config.JWT_AUDIENCE, sub: 'clerk.H0001' });
    expect((await stack.call('GET', '/api/cases', { token: issued })).status).toBe(200);
  });

  test.each([
    ['signed by another key under the provider\'s key id', { key: 'other' as const }],
    ['for another audience', { aud: 'some-other-api' }],
    ['from another issuer', { iss: 'https://idp.example.org' }],
    ['expired', { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 }],
    ['issued longer ago than the maximum age', { iat: Math.floor(Date.now() / 1000) - 13 * 3600, exp: Math.floor(Date.now() / 1000) + 600 }],
    ['an ID token (typ JWT) instead of an access token', { typ: 'JWT' }],
  ])('when a bearer token is %s, then 401', async (_what, o) => {
    const res = await stack.call('GET', '/api/cases', { token: await mint(o) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  test('when a self-signed development token (JWT_SECRET, HS256) or the development admin sign-in is tried on the stack, then neither works (finding 1)', async () => {
    const dev = await signStaffToken({ sub: 'dev-admin', role: 'admin' }, stack.config.JWT_SECRET);
    expect((await stack.call('GET', '/api/ops/dashboard', { token: dev })).status).toBe(401);
    const shortcut = await stack.call('POST', '/api/session/dev', { body: { role: 'admin' } });
    expect(shortcut.status).toBe(404);
    expect(shortcut.headers.getSetCookie()).toEqual([]);
  });

  test('when `npm run token` asks the running provider, then it prints only a token, and the API takes it', async () => {
    const root = resolve(__dirname, '../..');
    const out = await new Promise<{ stdout: string; stderr: string; code: number }>((done) => {
      execFile(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'officer', '--agency', 'publicSecurity'], { cwd: root, env: { ...process.env, OIDC_ISSUER: stack.oidc.issuer }, timeout: 60_000 },
        (err, stdout, stderr) => done({ stdout, stderr, code: err ? 1 : 0 }));
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const res = await stack.call('GET', '/api/reviews', { token: out.stdout.trim() });
    expect(res.status).toBe(200);
  });
});
