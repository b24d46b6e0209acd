// What the worker pays to create a workflow before the workflow runs: with the reused V8 context (the SDK's
// default), every module of the workflow bundle that is not preloaded is evaluated anew for each workflow
// the worker creates — once per case, and again after a case leaves the sticky cache. This bundles the
// workflows, evaluates them as the SDK's reusable VM does (one module cache per workflow), and prints the
// CPU milliseconds per workflow creation, then a sampled profile: the time under each project module
// (its own code and what it calls: zod building its schemas), and the time in each package.
//   npx tsx bench/workflow-modules.ts [--times 300]
import inspector from 'node:inspector';
import vm from 'node:vm';
import { bundleWorkflows } from '../tests/helpers/temporal';

const args = process.argv.slice(2);
const times = Number(args[args.indexOf('--times') + 1] ?? 300) || 300;

interface ProfileNode { id: number; callFrame: { url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  // the bundle as the tests and the replay build it
  const { code } = await bundleWorkflows();
  // The bundle's module markers (`/***/ "./domain/catalog.ts"`): a profiled line belongs to the marker above it.
  const marks: Array<[number, string]> = [];
  code.split('\n').forEach((line, i) => { const m = /^\/\*\*\*\/ "([^"]*)"/.exec(line); if (m?.[1]) marks.push([i, m[1]]); });
  const moduleAt = (line: number): string => {
    let found = '(the bundle\'s runtime)';
    for (const [start, id] of marks) { if (start > line) break; found = id; }
    return found;
  };

  let perWorkflow = new Map<PropertyKey, unknown>();
  const shared = new Map<PropertyKey, unknown>();
  let started = false;
  const context = vm.createContext({ console, TextEncoder, TextDecoder, URL, URLSearchParams, AbortController, structuredClone });
  Object.defineProperty(context, '__webpack_module_cache__', {
    value: new Proxy({}, {
      get: (_, id) => shared.get(id) ?? perWorkflow.get(id),
      set: (_, id, module) => { (started ? perWorkflow : shared).set(id, module); return true; },
    }),
  });
  vm.runInContext(code, context, { filename: 'workflow-bundle.js' });
  vm.runInContext('__TEMPORAL__.preloadModules()', context);
  started = true;
  const createOne = (): void => { perWorkflow = new Map(); vm.runInContext('__TEMPORAL__.importWorkflows()', context); };
  for (let i = 0; i < 30; i++) createOne();

  const before = process.cpuUsage();
  for (let i = 0; i < times; i++) createOne();
  const cpu = process.cpuUsage(before);
  process.stdout.write(`${perWorkflow.size} modules evaluated per workflow (${shared.size} shared); ${((cpu.user + cpu.system) / 1000 / times).toFixed(1)} CPU ms per workflow created (${times} times, unprofiled)\n`);

  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  for (let i = 0; i < times; i++) createOne();
  const { profile } = await post<{ profile: Profile }>('Profiler.stop');

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const sampled = new Map<number, number>();
  profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const underProjectModule = new Map<string, number>();
  const inPackage = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  for (const [id, us] of sampled) {
    const node = byId.get(id);
    if (!node) continue;
    const own = node.callFrame.url.endsWith('workflow-bundle.js') ? moduleAt(node.callFrame.lineNumber) : '(native: garbage collector, program)';
    add(inPackage, /^\.\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(own)?.[1] ?? (own.startsWith('./') ? 'this project' : own), us);
    let owner = '(none: the SDK, the collector)';
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      const m = frame?.url.endsWith('workflow-bundle.js') ? moduleAt(frame.lineNumber) : '';
      if (m.startsWith('./') && !m.startsWith('./node_modules/')) { owner = m; break; }
    }
    add(underProjectModule, owner, us);
  }
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (ms per workflow created, profiled):\n`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${(us / 1000 / times).toFixed(2).padStart(6)}  ${k}\n`);
  };
  show('under each project module, the zod calls its schemas make included', underProjectModule);
  show('in each package', inPackage);
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
