// The workflow code's CPU without a stack: replays recorded histories (tests/replay/histories) many times in
// one process and prints the CPU milliseconds per replayed case (every thread of the process: the workflow
// thread and the main thread that feeds it). Not the bench's figure (no server, no activity, no read model
// write: sinks do not run on replay), but a quiet one on a shared machine, to compare workflow-code changes.
//   npx tsx bench/replay-cpu.ts [--times 40] [--rounds 3] [--in-main-thread] [scenario.tag …]   (default: happy-path-all-services.quiet-watch)
// --in-main-thread runs the workflows in the main thread (the SDK's debug mode), where BENCH_PROFILE_DIR's
// profiler (bench/cpu-profile.cjs) sees them with the rest.
import { Worker } from '@temporalio/worker';
import { bundleWorkflowCode } from '@temporalio/worker';
import { historyFromJson } from '../tests/replay/history-json';
import { readHistoryJson, readIndex } from '../tests/replay/history-files';
import { replayDataConverter } from '../tests/replay/replay-key';
import { NO_READ_MODEL_SINKS } from '../workers/read-model-sink';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : fallback; };
const times = opt('--times', 40);
const rounds = opt('--rounds', 3);
// ReplayWorkerOptions leaves debugMode out of its type; the replay worker honours it (SDK 1.24).
const inMainThread = (args.includes('--in-main-thread') ? { debugMode: true } : {}) as object;
const scenarios = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && args[i - 1] !== '--in-main-thread'));
const chosen = scenarios.length > 0 ? scenarios : ['happy-path-all-services.quiet-watch'];
const noop = (): void => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

async function main(): Promise<void> {
  const index = readIndex();
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), failureConverterPath: require.resolve('../infra/failure-converter'), logger: quietLogger });
  const histories = chosen.map((scenario) => ({ scenario, workflowId: index.histories[scenario]?.workflowId ?? `replay-${scenario}`, history: historyFromJson(readHistoryJson(`${scenario}.json`)) }));
  async function* all(n: number) {
    for (let i = 0; i < n; i++) for (const h of histories) yield { history: h.history, workflowId: `${h.workflowId}` };
  }
  for (let r = 0; r <= rounds; r++) {
    const before = process.cpuUsage();
    const started = Date.now();
    let count = 0;
    for await (const result of Worker.runReplayHistories({ sinks: NO_READ_MODEL_SINKS, workflowBundle: bundle, dataConverter: replayDataConverter(), replayName: `cpu-${r}`, ...inMainThread }, all(r === 0 ? 2 : times))) {
      if (result.error) throw result.error;
      count++;
    }
    const cpu = process.cpuUsage(before);
    const ms = (cpu.user + cpu.system) / 1000;
    process.stdout.write(`${r === 0 ? 'warm-up' : `round ${r}`}: ${count} replays, ${(ms / count).toFixed(1)} CPU ms per replay, ${((Date.now() - started) / count).toFixed(1)} ms wall\n`);
  }
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
