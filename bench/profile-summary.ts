// Summarises a V8 .cpuprofile (the API under BENCH_API_PROFILE): where the samples' self time went, by
// function and by package, and the inclusive time of the frames whose function name or file matches a
// pattern (what a middleware costs with everything it calls).
// With --groups, each sample's time goes to what it serves in the API's request path: the innermost frame
// on its stack that belongs to a known part (node's own buffer/crypto/events frames and native code are
// charged to their caller), so a middleware is charged only for its own work, not for the next().
//   tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--groups] [--inclusive 'helmet|pinoHttp|withDeadline']
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--inclusive REGEX]');
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const top = Number(opt('--top') ?? 30);
const inclusive = opt('--inclusive');
const groups = args.includes('--groups');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const isIdle = (id: number): boolean => ['(idle)', '(program)'].includes(byId.get(id)?.callFrame.functionName ?? '');

// Time per sample: V8 records the delta before each sample.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs].filter(([id]) => isIdle(id)).reduce((a, [, us]) => a + us, 0);
const busy = total - idle;

const where = (f: CallFrame): string => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1];
  if (pkg) return pkg;
  if (f.url.startsWith('node:')) return 'node';
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : 'native';
  const own = /\/(api|infra|domain|workflows|bench)\/[^/]+$/.exec(f.url);
  return own ? own[0].slice(1) : f.url;
};
const pct = (us: number): string => `${((100 * us) / busy).toFixed(1)}%`;

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = (byId.get(id) as ProfileNode).callFrame;
  if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
  const key = `${f.functionName || '(anonymous)'}  ${where(f)}:${f.lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
  pkgSelf.set(where(f), (pkgSelf.get(where(f)) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us).padStart(7)}  ${(us / 1e6).toFixed(2).padStart(6)} s  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`);
show('self time by package / file', pkgSelf);
show('self time by function', fnSelf);

// Native frames (writev, hashing, JSON.stringify, GC aside) charged to the nearest JavaScript frame above
// them, and node's own modules named one by one: says which library's calls the native time serves.
const charged = new Map<string, number>();
for (const [id, us] of selfUs) {
  let f = (byId.get(id) as ProfileNode).callFrame;
  if (['(idle)', '(program)', '(garbage collector)'].includes(f.functionName)) continue;
  for (let n = parent.get(id); !f.url && n !== undefined; n = parent.get(n)) f = (byId.get(n) as ProfileNode).callFrame;
  const key = f.url.startsWith('node:') ? f.url : where(f);
  charged.set(key, (charged.get(key) ?? 0) + us);
}
show('self time, native charged to its JavaScript caller', charged);

/** The parts of the API's request path, first match wins for a frame. */
const GROUPS: ReadonlyArray<[string, (f: CallFrame) => boolean]> = [
  ['serialising the answer (JSON.stringify, Buffer, ETag hash)', (f) => (/express\/lib\/(response|utils)/.test(f.url) && /^(json|stringify|generateETag)$/.test(f.functionName)) || /node_modules\/etag\//.test(f.url) || /api\/view-body/.test(f.url)],
  ['staff token check (jose, WebCrypto HMAC, api/auth.ts)', (f) => /node_modules\/jose\/|api\/auth\.ts/.test(f.url)],
  ['request log (pino-http, pino)', (f) => /node_modules\/(pino-http|pino|sonic-boom)\//.test(f.url)],
  ['rate limits (express-rate-limit)', (f) => /express-rate-limit/.test(f.url)],
  ['body parsing (body-parser, raw-body, …) and zod', (f) => /node_modules\/(body-parser|raw-body|type-is|iconv-lite|content-type|zod)\/|api\/validation/.test(f.url)],
  ['tracking code and phone check', (f) => /api\/case-identity|infra\/tracking-code/.test(f.url) || f.functionName === 'phoneMatches'],
  ['helmet', (f) => /node_modules\/helmet\//.test(f.url)],
  ['metrics (prom-client, exemplars)', (f) => /prom-client|api\/metrics\.ts/.test(f.url)],
  ['405 check (api/openapi.ts)', (f) => /api\/openapi/.test(f.url)],
  ['case read (cache, reader, views, route handlers, Temporal client)', (f) => /api\/(case-read|case-views|cases\.routes|parents\.routes)|lru-cache|@temporalio|@grpc|protobufjs|payload-codec|case-publication/.test(f.url)],
  ['deadline context (AsyncLocalStorage, promise hooks)', (f) => /async_hooks|async_local/.test(f.url)],
  ['api/app.ts middleware (Cache-Control, deadline wrapper, log line)', (f) => /api\/app\.ts/.test(f.url)],
  ['node HTTP (socket writes, headers, parsing)', (f) => /^node:(_http|net|internal\/stream|internal\/http|internal\/streams|stream)/.test(f.url)],
  ['express and router dispatch', (f) => /node_modules\/(router|express|parseurl|finalhandler|on-finished|forwarded|proxy-addr|path-to-regexp|debug)\//.test(f.url)],
];
const transparent = (f: CallFrame): boolean => !f.url || /^node:(buffer|internal\/crypto|events|internal\/util|internal\/buffer|internal\/errors|internal\/validators|crypto)/.test(f.url);
if (groups) {
  const grouped = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (isIdle(id)) continue;
    let group: string | undefined = (byId.get(id) as ProfileNode).callFrame.functionName === '(garbage collector)' ? 'garbage collector' : undefined;
    for (let n: number | undefined = id; group === undefined && n !== undefined; n = parent.get(n)) {
      const f = (byId.get(n) as ProfileNode).callFrame;
      group = GROUPS.find(([, matches]) => matches(f))?.[0] ?? (transparent(f) ? undefined : `other: ${f.url.startsWith('node:') ? f.url : where(f)}`);
    }
    grouped.set(group ?? 'other', (grouped.get(group ?? 'other') ?? 0) + us);
  }
  show('self time by part of the request path (--groups)', grouped);
}

if (inclusive) {
  // A sample counts once for a pattern even if several matching frames are on its stack (recursion, nesting).
  const re = new RegExp(inclusive);
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = (byId.get(n) as ProfileNode).callFrame;
      const key = `${f.functionName || '(anonymous)'}  ${where(f)}:${f.lineNumber + 1}`;
      if ((re.test(f.functionName) || re.test(f.url)) && !seen.has(key)) {
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + us);
      }
    }
  }
  show(`inclusive time of frames matching /${inclusive}/`, incl);
}
