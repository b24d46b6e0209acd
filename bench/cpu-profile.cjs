// Preloaded into each Node process of the bench stack by `BENCH_PROFILE_DIR=<dir> npm run bench`
// (Node refuses --cpu-prof in NODE_OPTIONS): samples the CPU from start to exit through the inspector and
// writes <dir>/<entry>-<pid>.cpuprofile, which Chrome DevTools or speedscope open. Main threads only: the
// Temporal worker runs workflow code in worker threads, which this does not sample.
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { basename, join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // A same-thread inspector session answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      const entry = basename(process.argv[process.argv.length - 1] || 'node').replace(/\.[a-z]+$/, '');
      writeFileSync(join(dir, `${entry}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
