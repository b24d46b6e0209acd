// A loop that runs `tick` every `intervalMs` (never two at once) until stopped; stop() aborts the
// tick's signal and waits for it to end, so nothing touches the database after close.
import type { Logger } from 'pino';

export interface Poller { stop(): Promise<void>; kick(): void }

export function startPoller(name: string, intervalMs: number, log: Logger, tick: (signal: AbortSignal) => Promise<void>): Poller {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const schedule = (delay: number) => {
    if (abort.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  function run(): void {
    if (running || abort.signal.aborted) return;
    running = Promise.resolve()
      .then(() => tick(abort.signal))
      .catch((err: unknown) => log.error({ err, poller: name }, 'poller tick failed'))
      .finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
  }
  schedule(0);

  return {
    kick: () => {
      if (!running) schedule(0);
    },
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
