// The API as an OpenID Connect relying party (openid-client) and as a resource server for the provider's
// access tokens (jose against the issuer's JWKS). The provider is found by discovery, once, on first use
// (and again after a failure), so the API starts even while the provider is still starting.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import type { Config } from '../infra/config';
import { STAFF_ROLES, StaffClaims } from './staff-claims';

export type OidcSettings = Pick<Config,
  | 'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'OIDC_REDIRECT_URI' | 'OIDC_POST_LOGOUT_REDIRECT_URI' | 'OIDC_SCOPES'
  | 'OIDC_RESOURCE' | 'OIDC_CLAIM_ROLE' | 'OIDC_CLAIM_HOSPITAL' | 'OIDC_CLAIM_AGENCY' | 'OIDC_CLAIM_HALL' | 'OIDC_ROLE_MAP'
  | 'OIDC_HTTP_TIMEOUT_MS' | 'OIDC_JWKS_CACHE_SECONDS' | 'JWT_AUDIENCE' | 'JWT_MAX_AGE_SECONDS'>;

/** The provider could not be reached (or answered nonsense): the caller answers 503, not 401. */
export class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
}

// ---- claims → staff member ----------------------------------------------------------------------------

export interface ClaimMapping {
  role: string;
  hospitalId: string;
  agency: string;
  hallId: string;
  /** the provider's role value → this system's role */
  roles: ReadonlyMap<string, StaffClaims['role']>;
}

const ROLES = STAFF_ROLES;

export function claimMapping(s: Pick<OidcSettings, 'OIDC_CLAIM_ROLE' | 'OIDC_CLAIM_HOSPITAL' | 'OIDC_CLAIM_AGENCY' | 'OIDC_CLAIM_HALL' | 'OIDC_ROLE_MAP'>): ClaimMapping {
  const roles = new Map<string, StaffClaims['role']>();
  for (const pair of s.OIDC_ROLE_MAP.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = pair.split('=').map((x) => x.trim());
    const role = ROLES.find((r) => r === to);
    if (!from || !role) throw new Error(`OIDC_ROLE_MAP: "${pair}" must be <provider value>=<${ROLES.join('|')}>`);
    roles.set(from, role);
  }
  if (roles.size === 0) for (const r of ROLES) roles.set(r, r);
  return { role: s.OIDC_CLAIM_ROLE, hospitalId: s.OIDC_CLAIM_HOSPITAL, agency: s.OIDC_CLAIM_AGENCY, hallId: s.OIDC_CLAIM_HALL, roles };
}

/** A claim by name; a dotted name reaches into objects (`realm_access.roles`). Own properties only. */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let at: unknown = claims;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 255 ? v : undefined);

/**
 * The staff member the claims describe, or null when they name no role of this system or lack the
 * role's organisation. A role claim may be a list (several roles at the provider): the first that maps wins.
 */
export function staffFromClaims(claims: Record<string, unknown>, m: ClaimMapping): StaffClaims | null {
  const raw = claimAt(claims, m.role);
  const values = Array.isArray(raw) ? raw : [raw];
  const role = values.map((v) => (typeof v === 'string' ? m.roles.get(v) : undefined)).find((r) => r !== undefined);
  const sub = text(claims.sub);
  if (!role || !sub) return null;
  const org = (name: string) => text(claimAt(claims, name));
  const candidate =
    role === 'clerk' ? { sub, role, hospitalId: org(m.hospitalId) }
      : role === 'officer' ? { sub, role, agency: org(m.agency) }
        : role === 'hallClerk' ? { sub, role, hallId: org(m.hallId) }
          : { sub, role };
  const parsed = StaffClaims.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

// ---- the relying party ----------------------------------------------------------------------------------

export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcRelyingParty {
  readonly mapping: ClaimMapping;
  /** the provider's sign-in address for a new sign-in with these checks */
  authorizationUrl(checks: SignInChecks): Promise<URL>;
  /** exchanges the code the provider sent back (ID token checked: issuer, audience, nonce, signature) */
  finishSignIn(callbackUrl: URL, checks: SignInChecks): Promise<{ staff: StaffClaims | null; idToken?: string }>;
  /** the provider's sign-out address, or null when it has none */
  endSessionUrl(idToken?: string): Promise<string | null>;
  /** verifies an access token for this API: signature by the issuer's keys, issuer, audience, `typ at+jwt`, expiry */
  verifyAccessToken(token: string): Promise<{ payload: JWTPayload; staff: StaffClaims | null }>;
}

const ACCESS_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'RS384', 'RS512', 'PS384', 'PS512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;

/** jose's errors that mean "this token is not good"; anything else (a network failure) means the provider is away. */
const TOKEN_FAULT = /^ERR_(JWT|JWS|JWE|JOSE_ALG_NOT_ALLOWED|JOSE_NOT_SUPPORTED|JWKS_NO_MATCHING_KEY|JWKS_MULTIPLE_MATCHING_KEYS|JWK)/;

interface Discovered { config: oidc.Configuration; jwks: JWTVerifyGetKey }

/** Discovery once, on first use; after a failure the next call tries again. */
function discoverer(s: OidcSettings): () => Promise<Discovered> {
  const issuer = new URL(s.OIDC_ISSUER);
  let discovered: Promise<Discovered> | null = null;
  return () => {
    discovered ??= (async () => {
      const config = await oidc.discovery(issuer, s.OIDC_CLIENT_ID, s.OIDC_CLIENT_SECRET, oidc.ClientSecretBasic(s.OIDC_CLIENT_SECRET), {
        timeout: Math.ceil(s.OIDC_HTTP_TIMEOUT_MS / 1000),
        // the development provider speaks plain http on the loopback; a real one is https (the config insists)
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the provider names no jwks_uri');
      const jwks = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: s.OIDC_HTTP_TIMEOUT_MS,
        cacheMaxAge: s.OIDC_JWKS_CACHE_SECONDS * 1000,
        cooldownDuration: 30_000,
      });
      return { config, jwks };
    })().catch((err: unknown) => {
      discovered = null;
      throw new ProviderUnavailable(`identity provider discovery failed: ${(err as Error).message}`);
    });
    return discovered;
  };
}

export function createOidcRelyingParty(s: OidcSettings): OidcRelyingParty {
  const mapping = claimMapping(s);
  const discover = discoverer(s);

  return {
    mapping,
    async authorizationUrl(checks) {
      const { config } = await discover();
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: s.OIDC_REDIRECT_URI,
        scope: s.OIDC_SCOPES,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        ...(s.OIDC_RESOURCE ? { resource: s.OIDC_RESOURCE } : {}),
      });
    },
    async finishSignIn(callbackUrl, checks) {
      const { config } = await discover();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims() as Record<string, unknown> | undefined;
      if (!claims) return { staff: null };
      let staff = staffFromClaims(claims, mapping);
      // a provider that keeps the role out of the ID token gives it at userinfo
      if (!staff && config.serverMetadata().userinfo_endpoint && typeof claims.sub === 'string') {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        staff = staffFromClaims({ ...info, sub: claims.sub }, mapping);
      }
      return { staff, idToken: tokens.id_token };
    },
    async endSessionUrl(idToken) {
      const { config } = await discover();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        client_id: s.OIDC_CLIENT_ID,
        post_logout_redirect_uri: s.OIDC_POST_LOGOUT_REDIRECT_URI,
        ...(idToken ? { id_token_hint: idToken } : {}),
      }).href;
    },
    async verifyAccessToken(token) {
      const { config, jwks } = await discover();
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: config.serverMetadata().issuer,
          audience: s.JWT_AUDIENCE,
          typ: 'at+jwt',
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          requiredClaims: ['exp', 'iat', 'sub'],
          maxTokenAge: s.JWT_MAX_AGE_SECONDS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        return { payload, staff: staffFromClaims(payload, mapping) };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && TOKEN_FAULT.test(code)) throw err;
        throw new ProviderUnavailable(`the provider's keys could not be read: ${(err as Error).message}`);
      }
    },
  };
}
