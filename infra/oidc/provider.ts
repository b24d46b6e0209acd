// The development OpenID Connect provider: `oidc-provider` (a certified implementation) with the
// project's users, its Chinese sign-in page and two clients — the API as relying party (authorization
// code + PKCE) and, on the development stack only, the token tool (a dev-user grant that gives the same
// provider-signed access token non-interactively). Access tokens for the API are JWTs (RS256) with the
// API's audience and the staff claims `role`, `hospitalId`, `agency`, `hallId`; so are ID tokens.
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Provider, errors } from 'oidc-provider';
import type { Account, ClientMetadata, Configuration, KoaContextWithOIDC, ResourceServer, TokenEndpointGrantContext } from 'oidc-provider';
import type { DevUser } from './dev-users';
import { errorPage, signInPage, signedOutPage, signOutPage } from './pages';
import { API_SCOPE, DEV_USER_GRANT } from './provider-config';
import type { OidcSettings } from './provider-config';

/** The OIDC scopes clients may ask for; `staff` carries the role and organisation claims. */
export const OIDC_SCOPES = ['openid', 'profile', 'staff'] as const;
const STAFF_CLAIMS = ['role', 'hospitalId', 'agency', 'hallId'] as const;

function staffClaims(user: DevUser): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STAFF_CLAIMS) {
    const value = user.claims[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export interface OidcServer {
  provider: Provider;
  /** the HTTP handler: the interaction pages in front of the provider */
  app: express.Express;
}

export function createOidcServer(settings: OidcSettings): OidcServer {
  const users = new Map(settings.users.map((u) => [u.id, u]));
  const passwordDigest = sha256(settings.devPassword);
  /** the user with this name and the development password; the same work whether or not the name exists */
  const authenticate = (username: string, password: string): DevUser | undefined => {
    const ok = timingSafeEqual(sha256(password), passwordDigest);
    const user = users.get(username);
    return ok && user ? user : undefined;
  };

  const resourceServer: ResourceServer = {
    scope: API_SCOPE,
    audience: settings.api.audience,
    accessTokenTTL: settings.api.accessTokenTtlSeconds,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };

  const clients: ClientMetadata[] = [
    {
      client_id: settings.webClient.id,
      client_secret: settings.webClient.secret,
      client_name: '出生一件事办理系统',
      redirect_uris: settings.webClient.redirectUris,
      post_logout_redirect_uris: settings.webClient.postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
  if (settings.devTokenClient) {
    clients.push({
      client_id: settings.devTokenClient.id,
      client_secret: settings.devTokenClient.secret,
      client_name: '开发令牌工具',
      redirect_uris: [],
      grant_types: [DEV_USER_GRANT],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  }

  // The pages rendered here load nothing and run no script; their forms go here or back to the API.
  const redirectOrigins = [...settings.webClient.redirectUris, ...settings.webClient.postLogoutRedirectUris].map((u) => new URL(u).origin);
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `form-action 'self' ${[...new Set(redirectOrigins)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

  // Only on the pages rendered here: the provider's own auto-submitting forms (form_post responses, a
  // sign-out without a session) run an inline script that this policy would stop.
  const ownPage = (ctx: KoaContextWithOIDC, html: string) => {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.body = html;
  };

  const findAccount = (_ctx: KoaContextWithOIDC, sub: string): Account | undefined => {
    const user = users.get(sub);
    if (!user) return undefined;
    return { accountId: user.id, claims: () => ({ sub: user.id, name: user.name, ...staffClaims(user) }) };
  };

  const configuration: Configuration = {
    clients,
    findAccount,
    jwks: settings.jwks as Configuration['jwks'],
    cookies: { keys: settings.cookieKeys },
    claims: { openid: ['sub'], profile: ['name'], staff: [...STAFF_CLAIMS] },
    // the ID token carries the staff claims too (the API reads them at sign-in without a userinfo call)
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // a client that names no resource gets the API's: its access token is always for the API
        defaultResource: () => settings.api.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator === settings.api.resource) return resourceServer;
          throw new errors.InvalidTarget();
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => ownPage(ctx, signOutPage(form)),
        postLogoutSuccessSource: (ctx) => ownPage(ctx, signedOutPage()),
      },
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken') return undefined;
      const user = users.get(token.accountId);
      return user ? staffClaims(user) : undefined;
    },
    renderError: (ctx, out) => ownPage(ctx, errorPage(String(out.error ?? 'server_error'))),
  };

  const provider = new Provider(settings.issuer, configuration);
  if (settings.trustProxy) provider.proxy = true;

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.response.is('html')) ctx.set('X-Content-Type-Options', 'nosniff');
  });

  if (settings.devTokenClient) {
    const devClientId = settings.devTokenClient.id;
    // Development only: the token tool's grant. The client authenticates with its secret (the token
    // endpoint checks it and that this grant is among the client's grant_types); the user with the
    // development password. The access token is the one the browser sign-in gives: same claims, same key.
    provider.registerGrantType(
      DEV_USER_GRANT,
      async (ctx: TokenEndpointGrantContext<{ username?: string; password?: string }>) => {
        const { client, params } = ctx.oidc;
        if (client.clientId !== devClientId) throw new errors.UnauthorizedClient();
        const user = authenticate(String(params.username ?? ''), String(params.password ?? ''));
        if (!user) throw new errors.InvalidGrant('unknown user or wrong password');
        const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
        grant.addResourceScope(settings.api.resource, API_SCOPE);
        const grantId = await grant.save();
        const token = new provider.AccessToken({ accountId: user.id, client, grantId, gty: 'dev_user', scope: API_SCOPE });
        token.resourceServer = new provider.ResourceServer(settings.api.resource, resourceServer);
        const value = await token.save();
        ctx.body = { access_token: value, token_type: token.tokenType, expires_in: token.expiration, scope: token.scope };
      },
      ['username', 'password'],
    );
  }

  const app = express();
  app.disable('x-powered-by');
  if (settings.trustProxy) app.set('trust proxy', true);
  const pageHeaders = (_req: Request, res: Response, next: NextFunction) => {
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    next();
  };
  const clientName = async (clientId: unknown): Promise<string> => {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? '出生一件事办理系统';
  };
  const devList = settings.development ? settings.users : undefined;

  app.get('/interaction/:uid', pageHeaders, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid) throw new errors.InvalidRequest('interaction mismatch');
      if (details.prompt.name === 'login') {
        res.type('html').send(signInPage({ uid: details.uid, clientName: await clientName(details.params.client_id), devUsers: devList }));
        return;
      }
      // Every client here is the project's own: consent is given for what it asked.
      const accountId = details.session?.accountId;
      if (details.prompt.name !== 'consent' || !accountId) throw new errors.InvalidRequest('unexpected prompt');
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      if (!grant) throw new errors.InvalidRequest('grant not found');
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      next(err);
    }
  });

  const signInLimit = rateLimit({ windowMs: 60_000, limit: 30, standardHeaders: 'draft-8', legacyHeaders: false });
  app.post('/interaction/:uid/login', pageHeaders, signInLimit, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== req.params.uid || details.prompt.name !== 'login') throw new errors.InvalidRequest('interaction mismatch');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const user = authenticate(username, password);
      if (!user) {
        res
          .status(401)
          .type('html')
          .send(signInPage({ uid: details.uid, clientName: await clientName(details.params.client_id), username, error: '账号或密码不正确，请重新输入。', devUsers: devList }));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.id, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  app.get('/interaction/:uid/abort', pageHeaders, async (req, res, next) => {
    try {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: '用户取消了登录' }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  app.use('/interaction', (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // an expired or unknown interaction (its cookie gone): start again from the system's page
    const code = err instanceof errors.OIDCProviderError ? err.error : 'server_error';
    const status = err instanceof errors.OIDCProviderError ? err.statusCode : 500;
    res.status(status).type('html').send(errorPage(code));
  });

  app.use(provider.callback());
  return { provider, app };
}
