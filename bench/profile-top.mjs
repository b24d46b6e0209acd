// Summarises a .cpuprofile (from BENCH_PROFILE_DIR): self time by function and by file/package, top N.
//   node bench/profile-top.mjs <file.cpuprofile> [N]
import { readFileSync } from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const dt = profile.timeDeltas ?? [];
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const where = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const url = f.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url ? url.replace(/^.*\/(workflows|activities|api|infra|domain|workers|mock-agencies)\//, '$1/') : `(${f.functionName || 'native'})`);
  const key = `${f.functionName || '(anonymous)'}  ${pkg}:${f.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  where.set(pkg, (where.get(pkg) ?? 0) + us);
}
const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
show('by package / file', where);
show('by function', fn);
