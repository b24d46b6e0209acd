// The token tool's side of the development identity provider: one token request with the dev-user grant
// (infra/oidc/provider.ts), answered with the provider-signed access token for the API that the browser
// sign-in would give the same user. Plain fetch: discovery, then the token endpoint.
import { DEV_USER_GRANT, OIDC_DEV_SECRETS } from './provider-config';

export interface DevTokenRequest {
  issuer: string;
  username: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  /** deadline of each HTTP call (ms) */
  timeoutMs?: number;
}

export interface DevToken {
  accessToken: string;
  expiresIn: number;
}

export class DevTokenError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'DevTokenError';
  }
}

export async function fetchDevToken(r: DevTokenRequest): Promise<DevToken> {
  const timeoutMs = r.timeoutMs ?? 5000;
  const issuer = r.issuer.replace(/\/$/, '');
  const call = async (url: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new DevTokenError(`the identity provider at ${issuer} does not answer (${(err as Error).message}); is the development stack running (npm start)?`, 'unreachable');
    }
  };
  const discovery = await call(`${issuer}/.well-known/openid-configuration`);
  if (!discovery.ok) throw new DevTokenError(`discovery at ${issuer} answered ${discovery.status}`, 'discovery');
  const meta = (await discovery.json()) as { issuer?: string; token_endpoint?: string; grant_types_supported?: string[] };
  if (meta.issuer !== issuer || !meta.token_endpoint) throw new DevTokenError(`${issuer} is not the issuer it claims (${String(meta.issuer)})`, 'discovery');
  if (!meta.grant_types_supported?.includes(DEV_USER_GRANT)) {
    throw new DevTokenError(`${issuer} offers no development tokens (it runs outside the development stack)`, 'unsupported');
  }
  const clientId = r.clientId ?? 'birth-one-thing-dev-token';
  const clientSecret = r.clientSecret ?? OIDC_DEV_SECRETS.OIDC_DEV_TOKEN_CLIENT_SECRET;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const res = await call(meta.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: DEV_USER_GRANT, username: r.username, password: r.password ?? OIDC_DEV_SECRETS.OIDC_DEV_PASSWORD }),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new DevTokenError(`no token for ${r.username}: ${body.error ?? res.status}${body.error_description ? ` (${body.error_description})` : ''}`, body.error ?? 'token');
  }
  return { accessToken: body.access_token, expiresIn: body.expires_in ?? 0 };
}
