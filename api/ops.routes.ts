// Operators' routes: readiness (is Temporal reachable, is a worker polling the task queue) and the
// operations dashboard's figures for the admin role. The dashboard is aggregated in SQL over the read
// model (infra/read-model-figures.ts), not from Temporal's visibility: the cases no longer keep search
// attributes or a memo current. Without a read model it answers 503.
import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../infra/config';
import type { ReadModelFigures } from '../infra/read-model';
import type { DashboardFigures, Ranked } from '../infra/read-model-figures';
import { addDays, daysBetween, shanghaiDateOfMs, toShanghaiIso } from '../domain/dates';
import { CHANNEL_KEYS, SERVICE_KEYS, serviceAgency, WAITING_ON_KEYS } from '../domain/catalog';
import { BIRTH_CASE_TASK_QUEUE, SUBSIDY_DECISIONS, WAIVER_OUTCOMES } from '../workflows/birth-case.contract';
import { CaseStatusFilter } from './cases.schemas';
import { DASHBOARD_MAX_TIMED_CASES, DashboardQuery } from './ops.schemas';
import { premiumCoverage } from '../domain/policy';
import { requireStaff, staffAuth } from './auth';
import { ApiError } from './errors';
import type { Dashboard } from './ops.schemas';
import { parseBody } from './validation';

/** A poller seen this recently counts as a worker (an idle worker re-polls at least every minute). */
export const WORKER_SEEN_WITHIN_MS = 90_000;
const MAX_PERIOD_DAYS = 366;

/** Nearest-rank percentile of sorted values (p in 0..100); null for none. What the read model's SQL picks (infra/read-model-figures.ts). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p * sorted.length) / 100) - 1)] ?? null;
}

interface OpsRoutesDeps {
  client: Client;
  config: Config;
  now: () => Date;
  /** where the dashboard's figures come from; none: the dashboard answers 503 */
  readModel?: ReadModelFigures;
}

export function opsRoutes(deps: OpsRoutesDeps): Router {
  const router = Router();
  const adminOnly = requireStaff(staffAuth(deps.config), 'admin');
  router.get('/readyz', readiness(deps));
  router.get('/api/ops/dashboard', adminOnly, dashboard(deps));
  return router;
}

const readiness = ({ client, config, now }: OpsRoutesDeps): RequestHandler => async (_req, res) => {
  let pollers: temporal.api.taskqueue.v1.IPollerInfo[];
  try {
    const answer = await client.workflowService.describeTaskQueue({
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: { name: BIRTH_CASE_TASK_QUEUE, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    pollers = answer.pollers ?? [];
  } catch {
    res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'Temporal 不可达' }, temporal: 'unreachable', worker: 'unknown' });
    return;
  }
  const seen = pollers.map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000).filter((ms) => now().getTime() - ms < WORKER_SEEN_WITHIN_MS);
  const lastPollAt = seen.length > 0 ? toShanghaiIso(Math.max(...seen)) : null;
  if (seen.length === 0) {
    res.status(503).json({ error: { code: 'UNAVAILABLE', message: '没有 worker 在处理办件任务队列' }, temporal: 'reachable', worker: 'absent', taskQueue: BIRTH_CASE_TASK_QUEUE });
    return;
  }
  res.json({ status: 'ready', temporal: 'reachable', worker: 'polling', taskQueue: BIRTH_CASE_TASK_QUEUE, pollers: seen.length, lastPollAt });
};

/** The dashboard's Shanghai days, both included (default: the 30 days up to today), checked to 1–366 days. */
function periodOf(q: DashboardQuery, today: string): { from: string; to: string } {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  const days = daysBetween(from, to) + 1;
  if (days < 1 || days > MAX_PERIOD_DAYS) {
    throw new ApiError('VALIDATION_FAILED', `统计区间须为 1 至 ${MAX_PERIOD_DAYS} 天`, { issues: [{ path: 'from', code: 'invalid_period', message: `统计区间须为 1 至 ${MAX_PERIOD_DAYS} 天` }] });
  }
  return { from, to };
}

const dashboard = ({ readModel, now }: OpsRoutesDeps): RequestHandler => async (req, res) => {
  const q = parseBody(DashboardQuery, req.query);
  const today = shanghaiDateOfMs(now().getTime());
  const { from, to } = periodOf(q, today);
  if (!readModel) throw new ApiError('UNAVAILABLE', '运营看板暂时无法统计，请稍后重试');
  const figures = await readModel.dashboard({ from, to, hospitalId: q.hospitalId ?? null, maxCases: DASHBOARD_MAX_TIMED_CASES });
  res.json(dashboardBody(figures, { from, to, hospitalId: q.hospitalId ?? null }, today));
};

const countsOf = <K extends string>(keys: readonly K[], counted: Record<string, number>): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, counted[k] ?? 0])) as Record<K, number>;
const times = (r: Ranked | undefined): { medianSeconds: number | null; p90Seconds: number | null } => ({ medianSeconds: r?.medianSeconds ?? null, p90Seconds: r?.p90Seconds ?? null });

/** The dashboard's answer from the read model's figures: every key the contract names, 0 or null when nothing counted. */
export function dashboardBody(f: DashboardFigures, period: Dashboard['period'], today: string): Dashboard {
  const agencies = [...new Set(SERVICE_KEYS.map(serviceAgency))];
  return {
    period,
    // every status the list may be filtered by, the retired ones too (they count 0, as they always did)
    cases: { total: f.total, byStatus: countsOf(CaseStatusFilter.options, f.byStatus), byWaitingOn: countsOf(WAITING_ON_KEYS, f.byWaitingOn) },
    overdue: f.overdue,
    completion: {
      cases: f.completion.cases,
      ...times(f.completion),
      truncated: f.completion.count > f.completion.cases.length,
    },
    agencies: Object.fromEntries(agencies.map((a) => [a, { services: f.agencies[a]?.count ?? 0, ...times(f.agencies[a]) }])),
    premiumWaiver: {
      ...countsOf(WAIVER_OUTCOMES, f.waiverOutcomes),
      lostByReason: Object.fromEntries(Object.entries(f.waiverLostReasons).filter(([reason]) => /^[A-Z_]{1,64}$/.test(reason))),
    },
    childcareSubsidy: countsOf(SUBSIDY_DECISIONS, f.childcareSubsidy),
    premiumTableCoverage: premiumTableCoverage(today),
    crossRegion: {
      cases: f.crossRegion.cases,
      byChannel: Object.fromEntries(CHANNEL_KEYS.map((c) => {
        const ch = f.crossRegion.byChannel[c];
        return [c, { cases: ch?.cases ?? 0, services: ch?.services ?? 0, answered: ch?.answered ?? 0, medianSeconds: ch?.medianSeconds ?? null, p90Seconds: ch?.p90Seconds ?? null }];
      })) as Dashboard['crossRegion']['byChannel'],
      waitingOnOriginals: f.crossRegion.waitingOnOriginals,
      // every case of the period is counted
      truncated: false,
    },
  };
}

function premiumTableCoverage(today: string): Dashboard['premiumTableCoverage'] {
  const { years, missing, coveredTo, message } = premiumCoverage(today);
  return { years, missing, coveredTo, message };
}
