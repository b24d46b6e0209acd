// Starts the development identity provider (scripts/oidc-provider.ts) as its own process on a free
// port, with its keys in a temp dir, and waits for its ready line. For the OIDC tests and any suite
// that signs staff in through the provider.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

export interface OidcProviderProcess {
  issuer: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** what it printed so far (for failure messages) */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startOidcProvider(env: Record<string, string> = {}, { timeoutMs = 30_000 } = {}): Promise<OidcProviderProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'oidc-provider-'));
  const issuer = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/oidc-provider.ts'], {
    cwd: root,
    env: { ...process.env, ALLOW_DEV_SECRETS: 'true', DATA_DIR: dataDir, OIDC_HOST: '127.0.0.1', OIDC_PORT: String(port), OIDC_ISSUER: issuer, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (!out.includes('"msg":"oidc-provider ready"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the identity provider did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { issuer, port, dataDir, child, output: () => out, stop };
}
