// The development identity provider as its own process:
//   ALLOW_DEV_SECRETS=true node --import tsx scripts/oidc-provider.ts
// listens on OIDC_HOST:OIDC_PORT (127.0.0.1:4200), issuer OIDC_ISSUER (http://127.0.0.1:4200); prints one
// JSON line `{"msg":"oidc-provider ready","issuer":…}` once it answers. Settings: infra/oidc/provider-config.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveOidcSettings } from '../infra/oidc/provider-config';
import { createOidcServer } from '../infra/oidc/provider';

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

function main(): void {
  let settings;
  try {
    settings = resolveOidcSettings(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const { provider, app } = createOidcServer(settings);
  provider.on('server_error', (_ctx, err) => log({ level: 'error', msg: 'oidc-provider server error', err: err.message }));
  provider.on('grant.error', (_ctx, err) => log({ level: 'warn', msg: 'token request refused', error: (err as { error?: string }).error ?? err.name }));

  const server = createServer(app);
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.on('error', (err) => {
    process.stderr.write(`oidc-provider: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(settings.port, settings.host, () => {
    const { port } = server.address() as AddressInfo;
    log({
      level: 'info',
      msg: 'oidc-provider ready',
      issuer: settings.issuer,
      port,
      development: settings.development,
      users: settings.development ? settings.users.map((u) => u.id) : settings.users.length,
    });
  });

  const stop = (signal: string) => {
    log({ level: 'info', msg: 'oidc-provider stopping', signal });
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
