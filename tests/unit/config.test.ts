// Secrets have no default outside the development stack (issue 7 item 2).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DEV_SECRETS, loadConfig } from '../../infra/config';

const strong = () => randomBytes(24).toString('hex');
const real = () => ({
  JWT_SECRET: strong(), AGENCY_CALLBACK_SECRET: strong(), CASE_ID_SECRET: strong(), AGENCY_API_TOKEN: strong(), PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  OIDC_ISSUER: 'https://idp.hospital-network.example', OIDC_CLIENT_SECRET: strong(), OIDC_REDIRECT_URI: 'https://birth.hospital-network.example/api/session/callback',
});

test('when every secret is set and strong, then the configuration loads without the switch', () => {
  const env = real();
  expect(loadConfig(env)).toMatchObject({ JWT_SECRET: env.JWT_SECRET, ALLOW_DEV_SECRETS: false });
});

test.each(['AGENCY_CALLBACK_SECRET', 'CASE_ID_SECRET', 'AGENCY_API_TOKEN', 'OIDC_CLIENT_SECRET', 'PAYLOAD_ENCRYPTION_KEY'] as const)(
  'when %s is missing, short or a development value outside the development stack, then loading refuses and names it',
  (name) => {
    const without = { ...real(), [name]: undefined };
    expect(() => loadConfig(without, { api: true })).toThrow(name);
    if (name === 'PAYLOAD_ENCRYPTION_KEY') expect(() => loadConfig({ ...real(), [name]: 'c2hvcnQ=' })).toThrow(name);
    else {
      expect(() => loadConfig({ ...real(), [name]: 'short-secret' })).toThrow(name);
      expect(() => loadConfig({ ...real(), [name]: DEV_SECRETS[name] })).toThrow(name);
    }
  },
);

test('when JWT_SECRET (only the development tokens use it) is unset outside the development stack, then the configuration loads; a weak one is still refused', () => {
  expect(() => loadConfig({ ...real(), JWT_SECRET: undefined })).not.toThrow();
  expect(() => loadConfig({ ...real(), JWT_SECRET: 'short-secret' })).toThrow('JWT_SECRET');
});

test('when the identity provider is not https or not named outside the development stack, then the API refuses to load; a worker, which signs no one in, does not need it', () => {
  expect(() => loadConfig({ ...real(), OIDC_ISSUER: 'http://idp.example' }, { api: true })).toThrow('OIDC_ISSUER');
  expect(() => loadConfig({ ...real(), OIDC_ISSUER: undefined }, { api: true })).toThrow('OIDC_ISSUER');
  expect(() => loadConfig({ ...real(), OIDC_REDIRECT_URI: undefined }, { api: true })).toThrow('OIDC_REDIRECT_URI');
  expect(() => loadConfig({ ...real(), OIDC_ISSUER: undefined, OIDC_CLIENT_SECRET: undefined, OIDC_REDIRECT_URI: undefined })).not.toThrow();
});

test('when ALLOW_DEV_SECRETS=true, then unset secrets take the development values', () => {
  expect(loadConfig({ ALLOW_DEV_SECRETS: 'true' })).toMatchObject({ ...DEV_SECRETS, ALLOW_DEV_SECRETS: true });
  expect(() => loadConfig({ ALLOW_DEV_SECRETS: 'yes' })).toThrow('ALLOW_DEV_SECRETS');
});

test('when the API process starts without secrets or the switch, then it exits at once naming what is missing', async () => {
  const root = resolve(__dirname, '../..');
  const env = { PATH: process.env.PATH ?? '', PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1' };
  const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'api/server.ts'], { cwd: root, env, timeout: 30_000 }, (err, _stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
  });
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('OIDC_CLIENT_SECRET');
  expect(result.stderr).toContain('PAYLOAD_ENCRYPTION_KEY');
});
