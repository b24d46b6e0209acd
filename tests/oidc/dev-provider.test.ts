// The development identity provider as its own process: a staff member signs in through its Chinese page
// with authorization code + PKCE driven by a real OIDC client (openid-client), and the tokens' claims
// and signatures are checked against the provider's JWKS; the token tool's non-interactive path gives
// the same kind of token; outside development the provider refuses to start without real keys.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { DevTokenError, fetchDevToken } from '../../infra/oidc/dev-token';
import { devUserId } from '../../infra/oidc/dev-users';
import { OIDC_DEV_SECRETS, resolveOidcSettings } from '../../infra/oidc/provider-config';
import { startOidcProvider } from '../helpers/oidc-provider-process';
import type { OidcProviderProcess } from '../helpers/oidc-provider-process';
import { CookieJar } from '../helpers/oidc-browser';

const RP_ORIGIN = 'http://127.0.0.1:3999';
const REDIRECT_URI = `${RP_ORIGIN}/api/session/callback`;
const POST_LOGOUT_URI = `${RP_ORIGIN}/`;
const WEB_CLIENT = 'birth-one-thing-web';
const AUDIENCE = 'birth-one-thing-api';

/** Follows redirects like a browser until the answer is a page, or a redirect to the relying party. */
async function browse(jar: CookieJar, start: string, init: RequestInit = {}): Promise<{ url: URL; res: Response }> {
  let url = new URL(start);
  let request: RequestInit = init;
  for (let hops = 0; hops < 15; hops++) {
    if (url.origin === RP_ORIGIN) return { url, res: new Response(null, { status: 200 }) };
    const res = await fetch(url, { ...request, redirect: 'manual', headers: { ...(request.headers as Record<string, string>), cookie: jar.header(url) }, signal: AbortSignal.timeout(10_000) });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url, res };
    await res.body?.cancel();
    url = new URL(location, url);
    request = {};
  }
  throw new Error('too many redirects');
}

describe('the development identity provider (its own process)', () => {
  let op: OidcProviderProcess;
  let config: oidc.Configuration;

  beforeAll(async () => {
    op = await startOidcProvider({ OIDC_WEB_REDIRECT_URIS: REDIRECT_URI, OIDC_WEB_POST_LOGOUT_REDIRECT_URIS: POST_LOGOUT_URI });
    config = await oidc.discovery(new URL(op.issuer), WEB_CLIENT, OIDC_DEV_SECRETS.OIDC_WEB_CLIENT_SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(async () => {
    await op?.stop();
  });

  async function authorize(extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile staff',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    const jar = new CookieJar();
    const page = await browse(jar, url.href);
    return { verifier, state, nonce, jar, page };
  }

  async function signIn(jar: CookieJar, page: { url: URL; res: Response }, username: string, password: string) {
    const html = await page.res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no sign-in form:\n${html}`);
    return browse(jar, new URL(action, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
  }

  it('when a clerk signs in on the Chinese page with code + PKCE, then the ID and access tokens carry her role and hospital, signed with the JWKS', async () => {
    const { verifier, state, nonce, jar, page } = await authorize();
    expect(page.res.status).toBe(200);
    const html = await page.res.clone().text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<label for="username">账号</label>');
    expect(html).toContain('<label for="password">密码</label>');
    expect(html).toContain('name="viewport"');
    expect(page.res.headers.get('content-security-policy')).toContain("default-src 'none'");

    const back = await signIn(jar, page, 'clerk.H0001', OIDC_DEV_SECRETS.OIDC_DEV_PASSWORD);
    expect(back.url.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(back.url.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ iss: op.issuer, aud: WEB_CLIENT, sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001', name: '医院登记员（H0001）' });

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
    const access = await jwtVerify(tokens.access_token, jwks, { issuer: op.issuer, audience: AUDIENCE, typ: 'at+jwt', algorithms: ['RS256'] });
    expect(access.payload).toMatchObject({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001', client_id: WEB_CLIENT });
    expect(access.payload).not.toHaveProperty('agency');
    expect((access.payload.exp ?? 0) - (access.payload.iat ?? 0)).toBe(3600);
    const id = await jwtVerify(tokens.id_token as string, jwks, { issuer: op.issuer, audience: WEB_CLIENT, algorithms: ['RS256'] });
    expect(id.payload).toMatchObject({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001', nonce });

    // a token altered after signing is refused against the same keys
    const [h, p, s] = tokens.access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...access.payload, hospitalId: 'H0002' })).toString('base64url');
    await expect(jwtVerify(`${h}.${forged}.${s}`, jwks, { issuer: op.issuer, audience: AUDIENCE })).rejects.toThrow(/signature/);
    expect(p).not.toBe(forged);
  });

  it('when an officer signs in, then the agency claim comes and no hospital', async () => {
    const { verifier, state, nonce, jar, page } = await authorize();
    const back = await signIn(jar, page, 'officer.publicSecurity', OIDC_DEV_SECRETS.OIDC_DEV_PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ sub: 'officer.publicSecurity', role: 'officer', agency: 'publicSecurity' });
    expect(tokens.claims()).not.toHaveProperty('hospitalId');
  });

  it('when the password is wrong, then the page says so in Chinese and no code is issued', async () => {
    const { jar, page } = await authorize();
    const again = await signIn(jar, page, 'admin', 'not-the-password');
    expect(again.res.status).toBe(401);
    const html = await again.res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('账号或密码不正确');
    expect(html).toContain('value="admin"');
    expect(again.url.href.startsWith(REDIRECT_URI)).toBe(false);
  });

  it('when the staff member signs out through the API, then the provider asks in Chinese, ends the session and returns to the API', async () => {
    const { verifier, state, nonce, jar, page } = await authorize();
    const back = await signIn(jar, page, 'admin', OIDC_DEV_SECRETS.OIDC_DEV_PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });

    const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' });
    const confirm = await browse(jar, end.href);
    const html = await confirm.res.text();
    expect(html).toContain('确定要退出登录吗？');
    expect(confirm.res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const done = await browse(jar, new URL(action, confirm.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(done.url.href).toBe(`${POST_LOGOUT_URI}?state=bye`);

    // the provider's session is gone: the next sign-in asks for the password again
    const again = await browse(jar, oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href);
    expect(await again.res.text()).toContain('<label for="password">密码</label>');
  });

  it('when a sign-in asks without PKCE, then the provider refuses it', async () => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: oidc.randomState() });
    const { url: landed } = await browse(new CookieJar(), url.href);
    expect(landed.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(landed.searchParams.get('error')).toBe('invalid_request');
    expect(landed.searchParams.get('code')).toBeNull();
  });

  it('when the token tool asks for a hall clerk, then it gets the provider-signed access token with the hall', async () => {
    const token = await fetchDevToken({ issuer: op.issuer, username: devUserId({ role: 'hallClerk', hallId: 'JN-HALL-01' }) as string });
    const jwks = createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
    const { payload } = await jwtVerify(token.accessToken, jwks, { issuer: op.issuer, audience: AUDIENCE, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'hall.JN-HALL-01', role: 'hallClerk', hallId: 'JN-HALL-01', scope: 'api' });
    expect(token.expiresIn).toBe(3600);
  });

  it('when the token tool gives a wrong password, an unseeded user or another client, then no token', async () => {
    await expect(fetchDevToken({ issuer: op.issuer, username: 'admin', password: 'wrong' })).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(fetchDevToken({ issuer: op.issuer, username: 'clerk.H0999' })).rejects.toBeInstanceOf(DevTokenError);
    await expect(fetchDevToken({ issuer: op.issuer, username: 'admin', clientId: WEB_CLIENT, clientSecret: OIDC_DEV_SECRETS.OIDC_WEB_CLIENT_SECRET })).rejects.toThrow(/grant type is not allowed for this client/);
  });

  it('when the token command runs, then it prints only a token for the role asked', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'officer', '--agency', 'vaccination'], {
      cwd: resolve(__dirname, '..', '..'),
      env: { ...process.env, OIDC_ISSUER: op.issuer },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    const token = run.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), { issuer: op.issuer, audience: AUDIENCE });
    expect(payload).toMatchObject({ sub: 'officer.vaccination', role: 'officer', agency: 'vaccination' });
  });
});

describe('the identity provider outside development', () => {
  it('when no real keys, secrets or https issuer are given, then it refuses to start and says what is missing', () => {
    expect(() => resolveOidcSettings({ DATA_DIR: '/nonexistent' })).toThrow(/OIDC_JWKS_FILE[\s\S]*OIDC_COOKIE_KEYS[\s\S]*OIDC_ISSUER/);
    expect(() => resolveOidcSettings({ OIDC_DEV_PASSWORD: OIDC_DEV_SECRETS.OIDC_DEV_PASSWORD, OIDC_WEB_CLIENT_SECRET: 'short' })).toThrow(/OIDC_DEV_PASSWORD: is a development value[\s\S]*OIDC_WEB_CLIENT_SECRET: shorter/);
  });

  it('when the process is started without the development flag, then it exits with the reasons', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/oidc-provider.ts'], {
      cwd: resolve(__dirname, '..', '..'),
      env: { ...process.env, ALLOW_DEV_SECRETS: 'false', OIDC_PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refusing to start');
    expect(run.stdout).not.toContain('ready');
  });
});
