// The cluster's process supervisor: launches each part as its own process group (so a Ctrl-C in the terminal
// reaches only this script, which then stops the parts in reverse order of start: APIs, workers, agencies,
// the Temporal server, PostgreSQL), prefixes their output, and waits for readiness. The same shape as
// scripts/start.mjs's helpers (kept there unchanged); here each part has its own stop signal, and a worker,
// an API or the Temporal server that dies is started again.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const portOpen = (port, host = '127.0.0.1') =>
  new Promise((resolveOpen) => {
    const socket = connect(port, host);
    socket.once('connect', () => { socket.end(); resolveOpen(true); });
    socket.once('error', () => resolveOpen(false));
  });

export const httpOk = async (url) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok;

export function createSupervisor({ cwd, env, log, stopTimeoutMs = 15_000 }) {
  const children = [];
  let stopping = false;

  function prefix(name, stream, out) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        out.write(`[${name}] ${line}\n`);
      }
    });
  }

  /**
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ env?: Record<string,string>, stopSignal?: NodeJS.Signals, restart?: boolean }} [options]
   * `restart`: a part that dies is started again after a second (as an orchestrator restarts a pod), at most
   * 10 times; any other part that dies stops everything. The returned entry's `restart` may be turned on
   * later (the Temporal server's, once it has been ready: a server that cannot start at all stops the cluster).
   */
  function launch(name, command, args, options = {}) {
    const entry = {
      name,
      child: null,
      restarts: 0,
      restart: options.restart ?? false,
      stopSignal: options.stopSignal ?? 'SIGTERM',
    };
    const start = () => {
      const child = spawn(command, args, { cwd, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      entry.child = child;
      entry.exited = false;
      prefix(name, child.stdout, process.stdout);
      prefix(name, child.stderr, process.stderr);
      log(`${name} started (pid ${child.pid}).`);
      child.on('exit', (code, signal) => {
        entry.exited = true;
        if (stopping || entry.expectExit) return;
        if (entry.restart && entry.restarts < 10) {
          entry.restarts += 1;
          log(`${name} exited (${signal ?? code}); starting it again (restart ${entry.restarts}).`);
          setTimeout(() => { if (!stopping) start(); }, 1_000);
          return;
        }
        log(`${name} exited (${signal ?? code}); stopping everything.`);
        void stopAll(1);
      });
    };
    start();
    children.push(entry);
    return entry;
  }

  const signalGroup = (entry, signal) => {
    try { process.kill(-entry.child.pid, signal); } catch { /* already gone */ }
  };

  /** Stops one part (its whole process group) and waits for it to exit; it is not a failure of the cluster. */
  async function stop(entry, signal = entry.stopSignal) {
    if (entry.exited) return;
    entry.expectExit = true;
    const exited = new Promise((r) => entry.child.once('exit', () => r(true)));
    signalGroup(entry, signal);
    if (!(await Promise.race([exited, sleep(stopTimeoutMs).then(() => false)]))) {
      log(`${entry.name} did not stop in ${stopTimeoutMs / 1000} s; killing it.`);
      signalGroup(entry, 'SIGKILL');
      await exited;
    }
  }

  async function stopAll(exitCode) {
    if (stopping) return;
    stopping = true;
    for (const entry of [...children].reverse()) await stop(entry);
    log('stopped.');
    process.exit(exitCode);
  }

  // A last resort when this script itself dies on an error: no part outlives it.
  process.on('exit', () => { for (const entry of children) if (!entry.exited) signalGroup(entry, 'SIGKILL'); });

  async function waitFor(what, check, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (stopping) throw new Error('stopped');
      if (await check().catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
  }

  return { launch, stop, stopAll, waitFor, children, isStopping: () => stopping };
}
