// The benchmark's targets (issue 21) as one markdown table per backend — target, figure, floor, met or missed —
// and the CPU seconds each process used in each measured phase (what limits a figure), from the JSON that
// bench/run.ts writes. bench/run.ts prints its own at the end; `npm run bench` with several backends prints
// them together. To paste into bench/RESULTS.md:
//   npx tsx bench/tables.ts bench/results/<file>.json [more files]
import { readFileSync } from 'node:fs';

interface RunFigures { cases: number; seconds: number; casesPerSecond: number; p50Ms: number; p95Ms: number }
interface HistoryEvents { workflows: number; mean: number; max: number; min: number; longest?: Record<string, number> }
interface ReadFigures { requestsPerSecond: number; p50Ms: number; p99Ms: number; non2xx?: number; errors?: number; timeouts?: number; cpuSeconds?: Cpu }
interface Timing { calls: number; p50Ms: number; p99Ms: number; maxMs: number }
type Cpu = Record<string, number>;

/** What bench/run.ts writes (the parts that were run). */
export interface BenchResults {
  backend?: string;
  backendDetail?: Record<string, unknown>;
  machine?: { cpus?: number; loadavgAtStart?: number[] };
  sizes?: { cases?: number; distinctCases?: number; backlog?: number; outageSeconds?: number; readConnections?: number; readSeconds?: number; readModelCases?: number };
  loadavgAtEnd?: number[];
  parts?: string[];
  startedAt?: string;
  git?: { commit: string; modified: string[] } | null;
  orchestration?: {
    floor: RunFigures; birth: RunFigures; ratioCasesPerSecond: number; ratioP95: number;
    serverDbBytesPerFinishedCase?: number; serverDbBytesPerFloorWorkflow?: number;
    /** bytes per case each of the server's tables grew by (the cluster: PostgreSQL can tell) */
    serverDbGrowthPerCase?: { floor: Record<string, number>; birth: Record<string, number> };
    /** the mean live `executions` row (the workflow's mutable state), once closed */
    executionRowBytes?: { floor: number; birth: number };
    historyEvents?: { floor: HistoryEvents; birth: HistoryEvents; ratioMean: number; ratioMax: number };
    cpuSeconds?: { floor: Cpu; birth: Cpu };
    loadavg?: { floor?: number[]; birth?: number[] };
  };
  readsDistinct?: { cases: number; bare: ReadFigures; clerkRead: ReadFigures; parent: ReadFigures; ratios: { clerkRead: number; parent: number } };
  readModelScale?: { database: string; cases: number; seedSeconds: number; list: Timing; byFilter: Record<string, Timing>; dashboardMs: number[]; dashboardOneHospitalMs: number[]; cpuSeconds?: { seed: Cpu; measure: Cpu };
    settled?: string; beforeVacuum?: { list: Timing; dashboardMs: number[]; dashboardOneHospitalMs: number[] } };
  backlog?: { cases: number; outageSeconds: number; drainSeconds: number; drainCasesPerSecond: number; floorCasesPerSecond: number; ratioToFloor: number; cpuSeconds?: Cpu };
  waiting?: { figures: Array<Record<string, number>>; ratioRssLargestToFirst: number | null };
  stoppedWorker?: { clerkReadMs: number; parentTrackMs: number; auditMs: number; changeShownMs: number; withinTarget: boolean };
}

export interface TargetRow { target: string; figure: string; floor: string; met: boolean | null }

const n = (x: number, d = 2): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d }) : '—');
const s = (ms: number): string => `${n(ms / 1000, 2)} s`;
const kb = (bytes: number): string => `${n(bytes / 1024, 1)} KB`;
const bold = (x: string): string => `**${x}**`;

/** One row per target the run measured, in the issue's order. */
export function targetRows(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const o = r.orchestration;
  if (o) {
    rows.push({
      target: `orchestration ≥ 0.8 of the floor's cases/s (${n(o.birth.cases, 0)} cases each)`,
      figure: `${bold(n(o.ratioCasesPerSecond))} (${n(o.birth.casesPerSecond)} cases/s)`, floor: `${n(o.floor.casesPerSecond)} cases/s`, met: o.ratioCasesPerSecond >= 0.8,
    });
    rows.push({
      target: 'orchestration p95 ≤ 1.25× the floor\'s',
      figure: `${bold(`${n(o.ratioP95)}×`)} (${s(o.birth.p95Ms)})`, floor: s(o.floor.p95Ms), met: o.ratioP95 <= 1.25,
    });
    const h = o.historyEvents;
    if (h) {
      rows.push({
        target: 'history events per completed case ≤ 1.2× the floor\'s (judged on the largest)',
        figure: `${bold(`${n(h.ratioMax)}×`)} (mean ${n(h.birth.mean, 1)}, max ${n(h.birth.max, 0)}; ${n(h.birth.workflows, 0)} cases)`,
        floor: `mean ${n(h.floor.mean, 1)}, max ${n(h.floor.max, 0)}`, met: h.ratioMax <= 1.2,
      });
    }
    if (o.serverDbBytesPerFinishedCase !== undefined) {
      rows.push({
        target: '< 100 KB server database per finished case',
        figure: bold(kb(o.serverDbBytesPerFinishedCase)), floor: `${kb(o.serverDbBytesPerFloorWorkflow ?? NaN)} per workflow`, met: o.serverDbBytesPerFinishedCase < 100 * 1024,
      });
    }
  }
  const d = r.readsDistinct;
  if (d) {
    const at = `${n(d.cases, 0)} distinct cases, ${r.sizes?.readConnections ?? 50} connections`;
    const bare = `${n(d.bare.requestsPerSecond, 0)} req/s, p99 ${d.bare.p99Ms} ms`;
    const errors = (f: ReadFigures): string => ((f.non2xx ?? 0) + (f.errors ?? 0) + (f.timeouts ?? 0) > 0 ? `; ${f.non2xx ?? 0} non-2xx, ${f.errors ?? 0} errors, ${f.timeouts ?? 0} timeouts` : '');
    rows.push({ target: `reads (${at}): clerk's case ≥ 0.5 of the bare route`, figure: `${bold(n(d.ratios.clerkRead, 3))} (${n(d.clerkRead.requestsPerSecond, 0)} req/s${errors(d.clerkRead)})`, floor: bare, met: d.ratios.clerkRead >= 0.5 && !errors(d.clerkRead) });
    rows.push({ target: 'reads: clerk\'s case p99 < 50 ms', figure: bold(`${d.clerkRead.p99Ms} ms`), floor: `${d.bare.p99Ms} ms`, met: d.clerkRead.p99Ms < 50 });
    rows.push({ target: 'reads: parent\'s tracking ≥ 0.4 of the bare route', figure: `${bold(n(d.ratios.parent, 3))} (${n(d.parent.requestsPerSecond, 0)} req/s, p99 ${d.parent.p99Ms} ms${errors(d.parent)})`, floor: bare, met: d.ratios.parent >= 0.4 && !errors(d.parent) });
  }
  const m = r.readModelScale;
  if (m) {
    const at = `${n(m.cases, 0)} finished cases (${m.database}${m.settled ? `, after ${m.settled}` : ''})`;
    const before = m.beforeVacuum ? `; right after loading: list p99 ${n(m.beforeVacuum.list.p99Ms, 1)} ms, dashboard ${s(Math.max(...m.beforeVacuum.dashboardMs))}` : '';
    const [slowest, slowestT] = Object.entries(m.byFilter).sort((a, b) => b[1].p99Ms - a[1].p99Ms)[0] ?? ['—', { p99Ms: NaN }];
    const dash = Math.max(...m.dashboardMs);
    rows.push({ target: `read model, ${at}: list p99 < 100 ms`, figure: `${bold(`${n(m.list.p99Ms, 1)} ms`)} (${n(m.list.calls, 0)} calls)`, floor: '—', met: m.list.p99Ms < 100 });
    rows.push({ target: 'read model: every filter p99 < 100 ms', figure: `${bold(`${n(slowestT.p99Ms, 1)} ms`)} (slowest: ${slowest})`, floor: '—', met: slowestT.p99Ms < 100 });
    rows.push({ target: 'read model: the dashboard < 1 s', figure: `${bold(s(dash))} (slowest of ${m.dashboardMs.length}; one hospital ${s(Math.max(...m.dashboardOneHospitalMs))}${before})`, floor: '—', met: dash < 1000 });
  }
  const b = r.backlog;
  if (b) {
    rows.push({
      target: `backlog (${n(b.cases, 0)} cases, ${n(b.outageSeconds, 0)} s outage) drains at ≥ 0.8 of the floor's rate`,
      figure: `${bold(n(b.ratioToFloor))} (${n(b.drainCasesPerSecond)} cases/s, drained in ${n(b.drainSeconds, 1)} s)`, floor: `${n(b.floorCasesPerSecond)} cases/s`, met: b.ratioToFloor >= 0.8,
    });
  }
  const w = r.waiting;
  if (w && w.ratioRssLargestToFirst !== null) {
    const [first, last] = [w.figures[1], w.figures.at(-1)];
    rows.push({ target: `worker memory, ${n(last?.waiting ?? NaN, 0)} waiting ≤ 1.2× ${n(first?.waiting ?? NaN, 0)} waiting`, figure: bold(n(w.ratioRssLargestToFirst)), floor: '—', met: w.ratioRssLargestToFirst <= 1.2 });
  }
  const sw = r.stoppedWorker;
  if (sw) {
    rows.push({ target: 'worker stopped: reads < 1 s, a change shown < 1 s after it resumes', figure: `clerk ${sw.clerkReadMs} ms, tracking ${sw.parentTrackMs} ms, audit ${sw.auditMs} ms; change ${sw.changeShownMs} ms`, floor: '—', met: sw.withinTarget });
  }
  return rows;
}

/** CPU seconds per process in each measured phase (rows), processes as columns; empty when none recorded. */
export function cpuRows(r: BenchResults): Array<[string, Cpu]> {
  const rows: Array<[string, Cpu | undefined]> = [
    ['orchestration: floor', r.orchestration?.cpuSeconds?.floor],
    ['orchestration: birth cases', r.orchestration?.cpuSeconds?.birth],
    ['reads: bare route', r.readsDistinct?.bare.cpuSeconds],
    ['reads: clerk\'s case', r.readsDistinct?.clerkRead.cpuSeconds],
    ['reads: parent\'s tracking', r.readsDistinct?.parent.cpuSeconds],
    ['read model: seeding', r.readModelScale?.cpuSeconds?.seed],
    ['read model: list and dashboard', r.readModelScale?.cpuSeconds?.measure],
    ['backlog: draining', r.backlog?.cpuSeconds],
  ];
  return rows.filter((row): row is [string, Cpu] => row[1] !== undefined);
}

/** The sizes the parts run used. */
const SIZES_OF: Record<string, string[]> = {
  orchestration: ['cases'], reads: ['readSeconds', 'readConnections'], 'reads-distinct': ['distinctCases', 'readSeconds', 'readConnections'],
  waiting: ['waiting'], backlog: ['backlog', 'outageSeconds'], 'read-model-scale': ['readModelCases'],
};

const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;

/** The heading, the targets' table and the CPU table of one run, as markdown. */
export function markdownTables(r: BenchResults, source?: string): string {
  const used = new Set((r.parts ?? Object.keys(SIZES_OF)).flatMap((p) => SIZES_OF[p] ?? []));
  const sizes = Object.fromEntries(Object.entries(r.sizes ?? {}).filter(([k]) => used.has(k)));
  const detail = r.backendDetail ?? {};
  const server = r.backend === 'cluster'
    ? `Temporal server ${String(detail.temporalServer ?? '?')} on PostgreSQL, ${String(detail.historyShards ?? '?')} history shards; project database on PostgreSQL`
    : 'Temporal CLI dev server on SQLite; project database on SQLite';
  const out = [
    `#### ${r.backend ?? 'embedded'} — ${server}`,
    '',
    `${r.startedAt ?? ''}${r.git ? ` · commit ${r.git.commit}${r.git.modified.length > 0 ? ` (+ uncommitted: ${r.git.modified.join(', ')})` : ''}` : ''} · sizes: ${Object.entries(sizes).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : String(v)}`).join(', ')} · `
      + `load average ${(r.machine?.loadavgAtStart ?? []).join(' / ')} at the start, ${(r.loadavgAtEnd ?? []).join(' / ')} at the end`
      + `${source ? ` · \`${source}\`` : ''}`,
    '',
    line(['target', 'figure', 'floor', '']),
    line(['---', '---', '---', '---']),
    ...targetRows(r).map((row) => line([row.target, row.figure, row.floor, row.met === null ? '' : row.met ? '**met**' : 'missed'])),
  ];
  const h = r.orchestration?.historyEvents;
  if (h?.birth.longest && h.floor.longest) {
    const { birth, floor } = { birth: h.birth.longest, floor: h.floor.longest };
    const extra = [...new Set([...Object.keys(birth), ...Object.keys(floor)])]
      .map((type) => [type, (birth[type] ?? 0) - (floor[type] ?? 0)] as const).filter(([, d]) => d !== 0)
      .map(([type, d]) => `${type} ${d > 0 ? '+' : ''}${d}`);
    out.push('', `History events, the longest birth case (${h.birth.max}) against the longest floor workflow (${h.floor.max}): ${extra.join(', ') || 'the same types'}.`);
  }
  const growth = r.orchestration?.serverDbGrowthPerCase;
  if (growth) {
    const largest = Object.keys(growth.birth).slice(0, 8);
    const each = largest.map((table) => `${table} ${kb(growth.birth[table] ?? 0)} (floor ${kb(growth.floor[table] ?? 0)})`);
    const rows = r.orchestration?.executionRowBytes;
    const live = rows ? ` The live \`executions\` row of a closed case: ${kb(rows.birth)} (a floor workflow's ${kb(rows.floor)}).` : '';
    out.push('', `Server database growth per case by table (with its indexes), the largest: ${each.join(', ')}.${live}`);
  }
  const cpu = cpuRows(r);
  if (cpu.length > 0) {
    const processes = [...new Set(cpu.flatMap(([, c]) => Object.keys(c)))].filter((p) => cpu.some(([, c]) => Number.isFinite(c[p]) && (c[p] as number) > 0));
    out.push('', 'CPU seconds per process during each phase:', '', line(['phase', ...processes]), line(['---', ...processes.map(() => '---:')]),
      ...cpu.map(([phase, c]) => line([phase, ...processes.map((p) => (Number.isFinite(c[p]) ? n(c[p] as number, 1) : '—'))])));
  }
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: npx tsx bench/tables.ts bench/results/<file>.json [more files]\n');
    process.exit(2);
  }
  process.stdout.write(files.map((f) => markdownTables(JSON.parse(readFileSync(f, 'utf8')) as BenchResults, f)).join('\n'));
}
