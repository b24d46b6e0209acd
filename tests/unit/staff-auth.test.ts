// Staff authentication (issue 20): bearer access tokens are the identity provider's, checked against its
// published keys (issuer, audience, `typ at+jwt`, expiry); the role and organisation come from claims
// through the configured mapping; the old self-signed development tokens pass only with their own flag,
// which the configuration refuses beside any real secret or an external Temporal; sessions are
// server-side and end at once; a malformed cookie is no cookie (401). The issuer here is a small HTTP
// server on this machine that publishes discovery and a JWKS, as any provider does.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { createStaffAuth, requireStaff, signStaffToken, STAFF_COOKIE } from '../../api/auth';
import type { AuthConfig, StaffAuth } from '../../api/auth';
import { ApiError } from '../../api/errors';
import { claimMapping, staffFromClaims } from '../../api/oidc-client';
import { createDatabaseSessionStore } from '../../api/staff-session-store';
import { createMemorySessionStore } from '../../api/staff-sessions';
import { DEV_SECRETS, loadConfig } from '../../infra/config';

const AUDIENCE = 'birth-one-thing-api';
const DEV_SECRET = 'unit-test-secret-of-enough-length-0123456789';

let server: Server;
let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  ({ privateKey: key } = await generateKeyPair('RS256'));
  const pair = await generateKeyPair('RS256', { extractable: true });
  ({ privateKey: otherKey } = await generateKeyPair('RS256'));
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  key = pair.privateKey;
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({
        issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
      }));
    } else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function settings(over: Partial<AuthConfig> = {}): AuthConfig {
  const base = loadConfig({ ALLOW_DEV_SECRETS: 'true', OIDC_ISSUER: issuer, JWT_SECRET: DEV_SECRET, SESSION_STORE: 'memory' });
  return { ...base, ...over };
}

interface Minted { claims?: Record<string, unknown>; typ?: string; aud?: string; iss?: string; exp?: number; iat?: number; otherKey?: boolean }
async function accessToken(m: Minted = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'clerk', hospitalId: 'H0001', ...m.claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: m.typ ?? 'at+jwt' })
    .setSubject('clerk.H0001')
    .setIssuer(m.iss ?? issuer)
    .setAudience(m.aud ?? AUDIENCE)
    .setIssuedAt(m.iat ?? now)
    .setExpirationTime(m.exp ?? now + 3600)
    .sign(m.otherKey ? otherKey : key);
}

/** Runs a guard as express would: the claims it set, or the ApiError code it threw. */
async function pass(guard: ReturnType<typeof requireStaff>, headers: Record<string, string>, method = 'GET'): Promise<unknown> {
  const req = { headers, method, is: (t: string) => (headers['content-type'] ?? '').includes(t.replace('application/', '')) } as unknown as Request;
  try {
    let nextCalled = false;
    await guard(req, {} as Response, () => { nextCalled = true; });
    return nextCalled ? req.staff : 'next not called';
  } catch (err) {
    return err instanceof ApiError ? err.code : err;
  }
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bearer access tokens from the identity provider', () => {
  let auth: StaffAuth;
  beforeAll(() => { auth = createStaffAuth(settings()); });

  it('when the token is the provider\'s, for this API, typed at+jwt and current, then the clerk passes with her hospital', async () => {
    expect(await pass(requireStaff(auth, 'clerk'), bearer(await accessToken()))).toEqual({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' });
  });

  it.each<[string, Minted]>([
    ['signed by another key under the same key id', { otherKey: true }],
    ['for another audience', { aud: 'some-other-api' }],
    ['from another issuer', { iss: 'https://idp.example.org' }],
    ['expired', { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }],
    ['an ID token (typ JWT), not an access token', { typ: 'JWT' }],
    ['without a role of this system', { claims: { role: 'visitor' } }],
    ['a clerk without a hospital', { claims: { hospitalId: undefined } }],
  ])('when the token is %s, then 401', async (_what, m) => {
    expect(await pass(requireStaff(auth, 'clerk'), bearer(await accessToken(m)))).toBe('UNAUTHENTICATED');
  });

  it('when an officer\'s token reaches a clerks\' route, then 403; a service hall clerk is admitted by no route yet', async () => {
    expect(await pass(requireStaff(auth, 'clerk'), bearer(await accessToken({ claims: { role: 'officer', agency: 'publicSecurity' } })))).toBe('FORBIDDEN');
    const hall = bearer(await accessToken({ claims: { role: 'hallClerk', hallId: 'JN-HALL-01', hospitalId: undefined } }));
    expect(await pass(requireStaff(auth, 'clerk', 'officer', 'admin'), hall)).toBe('FORBIDDEN');
  });

  it('when a development token signed with JWT_SECRET comes without ALLOW_DEV_TOKENS, then 401; with it (development only), it passes', async () => {
    const dev = await signStaffToken({ sub: 'dev-admin', role: 'admin' }, DEV_SECRET);
    expect(await pass(requireStaff(auth, 'admin'), bearer(dev))).toBe('UNAUTHENTICATED');
    const devAuth = createStaffAuth(settings({ ALLOW_DEV_TOKENS: true }));
    expect(await pass(requireStaff(devAuth, 'admin'), bearer(dev))).toEqual({ sub: 'dev-admin', role: 'admin' });
  });

  it('when the provider cannot be reached, then 503, not 401 and not 500', async () => {
    const away = createStaffAuth(settings({ OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_HTTP_TIMEOUT_MS: 500 }));
    expect(await pass(requireStaff(away, 'clerk'), bearer(await accessToken()))).toBe('UNAVAILABLE');
  });
});

describe('claims mapping', () => {
  it('when the provider names roles its own way, inside an object claim and as a list, then the mapping finds the role and organisation', () => {
    const m = claimMapping({ OIDC_CLAIM_ROLE: 'realm_access.roles', OIDC_CLAIM_HOSPITAL: 'org.hospital', OIDC_CLAIM_AGENCY: 'dept', OIDC_CLAIM_HALL: 'hall', OIDC_ROLE_MAP: 'registrar=clerk,reviewer=officer' });
    expect(staffFromClaims({ sub: 'u1', realm_access: { roles: ['offline', 'registrar'] }, org: { hospital: 'H0002' } }, m)).toEqual({ sub: 'u1', role: 'clerk', hospitalId: 'H0002' });
    expect(staffFromClaims({ sub: 'u2', realm_access: { roles: ['reviewer'] }, dept: 'publicSecurity' }, m)).toEqual({ sub: 'u2', role: 'officer', agency: 'publicSecurity' });
    // an unmapped value is no role, even when it spells one of ours
    expect(staffFromClaims({ sub: 'u3', realm_access: { roles: ['admin'] } }, m)).toBeNull();
    // an inherited property is not a claim
    expect(staffFromClaims({ sub: 'u4', realm_access: Object.create({ roles: ['registrar'] }) }, m)).toBeNull();
    expect(() => claimMapping({ ...{ OIDC_CLAIM_ROLE: 'r', OIDC_CLAIM_HOSPITAL: 'h', OIDC_CLAIM_AGENCY: 'a', OIDC_CLAIM_HALL: 'l' }, OIDC_ROLE_MAP: 'boss=root' })).toThrow('OIDC_ROLE_MAP');
  });
});

describe('server-side sessions and the cookie', () => {
  const cookie = (value: string) => ({ cookie: `${STAFF_COOKIE}=${value}` });

  it('when a session ends (sign-out), then its cookie is refused at once', async () => {
    const sessions = createMemorySessionStore({ maxAgeSeconds: 3600, idleSeconds: 600 });
    const auth = createStaffAuth(settings(), { sessions });
    const { id } = await sessions.create({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' });
    expect(await pass(requireStaff(auth, 'clerk'), cookie(id))).toMatchObject({ role: 'clerk' });
    await sessions.end(id);
    expect(await pass(requireStaff(auth, 'clerk'), cookie(id))).toBe('UNAUTHENTICATED');
  });

  it('when a session is idle too long or past its end, then it is gone', async () => {
    let now = 1_000_000;
    const sessions = createMemorySessionStore({ maxAgeSeconds: 3600, idleSeconds: 600, now: () => now });
    const { id } = await sessions.create({ sub: 'admin', role: 'admin' });
    now += 599_000;
    expect(await sessions.get(id)).toBeDefined();
    now += 601_000;
    expect(await sessions.get(id)).toBeUndefined();
    const second = (await sessions.create({ sub: 'admin', role: 'admin' })).id;
    for (let i = 0; i < 7; i++) { now += 500_000; expect(await sessions.get(second)).toBeDefined(); }
    now += 500_000;
    expect(await sessions.get(second)).toBeUndefined(); // in use all along, but past its hour
  });

  it('when two API processes share the project database, then a session started on one works on the other, and sign-out on either ends it on both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'staff-sessions-'));
    const options = { dialect: 'sqlite' as const, file: join(dir, 'app.sqlite') };
    const limits = { maxAgeSeconds: 3600, idleSeconds: 600 };
    const [a, b] = [createDatabaseSessionStore(options, limits), createDatabaseSessionStore(options, limits)];
    const authA = createStaffAuth(settings(), { sessions: a });
    const authB = createStaffAuth(settings(), { sessions: b });
    const { id } = await a.create({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' }, 'id-token');
    expect(await pass(requireStaff(authB, 'clerk'), cookie(id))).toEqual({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' });
    expect((await b.end(id))?.idToken).toBe('id-token');
    expect(await pass(requireStaff(authA, 'clerk'), cookie(id))).toBe('UNAUTHENTICATED');
    // a sign-in under way is handed out once, whichever process the provider's answer reaches
    const login = await a.beginLogin({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/clerk/cases' });
    expect(await b.takeLogin(login)).toEqual({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/clerk/cases' });
    expect(await a.takeLogin(login)).toBeUndefined();
    // what the table holds is no usable id
    const raw = new BetterSqlite3(options.file, { readonly: true });
    const stored = raw.prepare('select id_hash from staff_sessions').all() as Array<{ id_hash: string }>;
    raw.close();
    expect(stored.map((r) => r.id_hash)).not.toContain(id);
  });

  it('when the session database cannot be opened, then a cookie request is 503, not 401 and not 500', async () => {
    // its folder would have to be inside a plain file
    const file = join(mkdtempSync(join(tmpdir(), 'staff-sessions-')), 'not-a-dir');
    writeFileSync(file, '');
    const sessions = createDatabaseSessionStore({ dialect: 'sqlite', file: join(file, 'app.sqlite') }, { maxAgeSeconds: 60, idleSeconds: 60 });
    const auth = createStaffAuth(settings(), { sessions });
    expect(await pass(requireStaff(auth, 'clerk'), cookie(randomBytes(32).toString('base64url')))).toBe('UNAVAILABLE');
  });

  it.each(['%', '%E0%A4%A', 'x'.repeat(5000), '"unterminated', randomBytes(32).toString('base64url')])(
    'when the cookie is malformed or names no session (%#), then 401',
    async (value) => {
      const auth = createStaffAuth(settings());
      expect(await pass(requireStaff(auth, 'clerk'), cookie(value))).toBe('UNAUTHENTICATED');
    },
  );

  it('when a state-changing request rides on the cookie without JSON, then 403', async () => {
    const sessions = createMemorySessionStore({ maxAgeSeconds: 3600, idleSeconds: 600 });
    const auth = createStaffAuth(settings(), { sessions });
    const { id } = await sessions.create({ sub: 'clerk.H0001', role: 'clerk', hospitalId: 'H0001' });
    expect(await pass(requireStaff(auth, 'clerk'), { ...cookie(id), 'content-type': 'application/x-www-form-urlencoded' }, 'POST')).toBe('FORBIDDEN');
  });
});

describe('the development shortcut is refused on a real deployment (finding 1)', () => {
  const strong = () => randomBytes(24).toString('hex');
  it.each<[string, Record<string, string>]>([
    ['a real JWT_SECRET', { JWT_SECRET: strong() }],
    ['a real CASE_ID_SECRET', { CASE_ID_SECRET: strong() }],
    ['a payload key', { PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64') }],
    ['a real client secret for the identity provider', { OIDC_CLIENT_SECRET: strong() }],
    ['an external Temporal', { TEMPORAL_ADDRESS: 'birth.a1b2c.tmprl.cloud:7233' }],
    ['a Temporal API key', { TEMPORAL_API_KEY: strong() }],
  ])('when ALLOW_DEV_TOKENS=true beside %s, then the configuration refuses to load', (_what, env) => {
    expect(() => loadConfig({ ALLOW_DEV_SECRETS: 'true', ALLOW_DEV_TOKENS: 'true', ...env })).toThrow('ALLOW_DEV_TOKENS');
  });

  it('when ALLOW_DEV_TOKENS=true without the development stack, then refused; on the bare development stack it loads', () => {
    expect(() => loadConfig({ ALLOW_DEV_TOKENS: 'true' })).toThrow('ALLOW_DEV_TOKENS');
    expect(loadConfig({ ALLOW_DEV_SECRETS: 'true', ALLOW_DEV_TOKENS: 'true', JWT_SECRET: DEV_SECRETS.JWT_SECRET })).toMatchObject({ ALLOW_DEV_TOKENS: true });
  });

  it('when not on the development stack, then the identity provider\'s issuer (https), client secret and redirect URI are required', () => {
    expect(() => loadConfig({ ALLOW_DEV_SECRETS: 'false' }, { api: true })).toThrow(/OIDC_ISSUER[\s\S]*OIDC_REDIRECT_URI|OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ ALLOW_DEV_SECRETS: 'true', OIDC_ISSUER: 'not a url' })).toThrow('OIDC_ISSUER');
  });
});
