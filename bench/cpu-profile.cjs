// Preloaded into each Node process of the bench stack by `BENCH_PROFILE_DIR=<dir> npm run bench`
// (Node refuses --cpu-prof in NODE_OPTIONS): samples the CPU from start to exit through the inspector and
// writes <dir>/<entry>-<pid>.cpuprofile, which Chrome DevTools or speedscope open. Node runs the preload in
// worker threads too: the Temporal worker's workflow threads (where the workflow code runs) are sampled the
// same way and written as <entry>-<pid>-thread<id>.cpuprofile when the SDK destroys them (its 'destroy'
// request at shutdown: a terminated thread never sees 'exit').
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { basename, join } = require('node:path');
const { isMainThread, parentPort, threadId } = require('node:worker_threads');

const dir = process.env.BENCH_PROFILE_DIR;
// Not in Node's own module-loader thread (tsx's hooks run there; it has no parentPort): a profiler there hangs the loader.
if (dir && (isMainThread || parentPort)) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // A same-thread inspector session answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      const entry = basename(process.argv[process.argv.length - 1] || 'node').replace(/\.[a-z]+$/, '');
      const thread = isMainThread ? '' : `-thread${threadId}`;
      writeFileSync(join(dir, `${entry}-${process.pid}${thread}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once('exit', write);
  if (!isMainThread) {
    // Seen through the thread's own listener (a listener of ours would start the port before the thread's
    // code listens, and the first messages would be lost).
    const on = parentPort.on;
    parentPort.on = function (event, listener) {
      if (event !== 'message') return on.call(this, event, listener);
      return on.call(this, event, function (message) {
        if (message && message.input && message.input.type === 'destroy') write();
        return listener.apply(this, arguments);
      });
    };
  }
}
