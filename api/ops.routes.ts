// Operators' routes: readiness (is Temporal reachable, is a worker polling the task queue) and the
// operations dashboard's figures for the admin role, all from Temporal's visibility (search attributes
// the cases keep current, counted and listed) — no worker, no replay.
import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../infra/config';
import { z } from 'zod';
import { addDays, daysBetween, shanghaiDateOfMs, toShanghaiIso } from '../domain/dates';
import { CLOSED_CASE_STATUSES, SERVICE_KEYS, serviceAgency, ServiceKeySchema, WAITING_ON_KEYS } from '../domain/catalog';
import {
  BIRTH_CASE_TASK_QUEUE, BIRTH_CASE_WORKFLOW_TYPE, caseIdFromWorkflowId, CaseSearchAttributes, SUBSIDY_DECISIONS, WAIVER_OUTCOMES,
} from '../workflows/birth-case.contract';
import { MemoKeys } from '../workflows/case-publication';
import { CaseStatusFilter } from './cases.schemas';
import { DASHBOARD_MAX_TIMED_CASES, DashboardQuery } from './ops.schemas';
import { crossRegionFigures } from './ops.cross-region';
import { premiumCoverage } from '../domain/policy';
import { requireStaff, staffAuth } from './auth';
import { ApiError } from './errors';
import type { Dashboard } from './ops.schemas';
import { parseBody } from './validation';

/** A poller seen this recently counts as a worker (an idle worker re-polls at least every minute). */
export const WORKER_SEEN_WITHIN_MS = 90_000;
const MAX_PERIOD_DAYS = 366;
/** Cases closed by finishing their services (not by cancellation): the ones timed. */
const FINISHED_STATUSES = CLOSED_CASE_STATUSES.filter((s) => s !== 'cancelled');

/** The part of a case's memo the timings read: when each service was first submitted and when it ended. */
const MemoTiming = z.object({
  timing: z.partialRecord(ServiceKeySchema, z.object({ submittedAt: z.string().nullable(), endedAt: z.string().nullable() })).optional(),
});

/** Nearest-rank percentile of sorted values (p in 0..100); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

const quote = (v: string): string => `'${v.replace(/'/g, '')}'`;

interface OpsRoutesDeps { client: Client; config: Config; now: () => Date }

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

const dashboard = ({ client, now }: OpsRoutesDeps): RequestHandler => async (req, res) => {
  const q = parseBody(DashboardQuery, req.query);
  const { from, to } = periodOf(q, shanghaiDateOfMs(now().getTime()));
  // Every value below is enum-, date- or pattern-checked: safe to quote into the visibility query.
  const period = [
    `WorkflowType = ${quote(BIRTH_CASE_WORKFLOW_TYPE)}`,
    `StartTime >= '${from}T00:00:00+08:00'`,
    `StartTime < '${addDays(to, 1)}T00:00:00+08:00'`,
    ...(q.hospitalId ? [`${CaseSearchAttributes.hospitalId.name} = ${quote(q.hospitalId)}`] : []),
  ].join(' AND ');
  const count = async (clause?: string): Promise<number> => (await client.workflow.count(clause ? `${period} AND ${clause}` : period)).count;
  const sa = CaseSearchAttributes;
  const countEach = async <K extends string>(keys: readonly K[], clause: (k: K) => string): Promise<Record<K, number>> =>
    Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await count(clause(k))] as const))) as Record<K, number>;

  const [total, byStatus, byWaitingOn, overdueReviews, overdueCorrections, waiver, subsidy, lostByReason, timings, crossRegion] = await Promise.all([
    count(),
    // every status the list may be filtered by, the retired ones too (they count 0, as they always did)
    countEach(CaseStatusFilter.options, (s) => `${sa.status.name} = ${quote(s)}`),
    countEach(WAITING_ON_KEYS, (w) => `${sa.waitingOn.name} = ${quote(w)}`),
    count(`${sa.overdue.name} = true AND ${sa.waitingOn.name} = 'officer'`),
    count(`${sa.overdue.name} = true AND ${sa.waitingOn.name} = 'clerk'`),
    countEach(WAIVER_OUTCOMES, (w) => `${sa.waiverOutcome.name} = ${quote(w)}`),
    countEach(SUBSIDY_DECISIONS, (d) => `${sa.childcareSubsidy.name} = ${quote(d)}`),
    lostReasons(client, `${period} AND ${sa.waiverOutcome.name} = 'lost'`),
    caseTimings(client, period),
    crossRegionFigures(client, period, caseIdFromWorkflowId),
  ]);
  const body: Dashboard = {
    period: { from, to, hospitalId: q.hospitalId ?? null },
    cases: { total, byStatus, byWaitingOn },
    overdue: { reviews: overdueReviews, corrections: overdueCorrections },
    completion: timings.completion,
    agencies: timings.agencies,
    premiumWaiver: { ...waiver, lostByReason },
    childcareSubsidy: subsidy,
    premiumTableCoverage: premiumTableCoverage(shanghaiDateOfMs(now().getTime())),
    crossRegion,
  };
  res.json(body);
};

function premiumTableCoverage(today: string): Dashboard['premiumTableCoverage'] {
  const { years, missing, coveredTo, message } = premiumCoverage(today);
  return { years, missing, coveredTo, message };
}

async function lostReasons(client: Client, query: string): Promise<Record<string, number>> {
  const byReason: Record<string, number> = {};
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    const reason = wf.typedSearchAttributes.get(CaseSearchAttributes.waiverLostReason) ?? 'UNKNOWN';
    if (/^[A-Z_]{1,64}$/.test(reason)) byReason[reason] = (byReason[reason] ?? 0) + 1;
  }
  return byReason;
}

async function caseTimings(client: Client, period: string): Promise<Pick<Dashboard, 'completion' | 'agencies'>> {
  const sa = CaseSearchAttributes;
  const cases: Dashboard['completion']['cases'] = [];
  const perAgency: Record<string, number[]> = Object.fromEntries(SERVICE_KEYS.map((k) => [serviceAgency(k), []]));
  let truncated = false;
  const query = `${period} AND ExecutionStatus = 'Completed' AND ${sa.status.name} IN (${FINISHED_STATUSES.map(quote).join(', ')})`;
  for await (const wf of client.workflow.list({ query, pageSize: 500 })) {
    if (cases.length >= DASHBOARD_MAX_TIMED_CASES) {
      truncated = true;
      break;
    }
    const caseId = caseIdFromWorkflowId(wf.workflowId);
    if (!caseId || !wf.closeTime) continue;
    cases.push({
      caseId,
      status: wf.typedSearchAttributes.get(sa.status) ?? 'unknown',
      acceptedAt: toShanghaiIso(wf.startTime.getTime()),
      closedAt: toShanghaiIso(wf.closeTime.getTime()),
      seconds: (wf.closeTime.getTime() - wf.startTime.getTime()) / 1000,
    });
    const memo = MemoTiming.safeParse(wf.memo?.[MemoKeys.state]);
    const timing = (memo.success ? memo.data.timing : undefined) ?? {};
    for (const service of SERVICE_KEYS) {
      const t = timing[service];
      if (t?.submittedAt && t.endedAt) perAgency[serviceAgency(service)]?.push((Date.parse(t.endedAt) - Date.parse(t.submittedAt)) / 1000);
    }
  }
  const sortedSeconds = cases.map((c) => c.seconds).sort((a, b) => a - b);
  const agencies = Object.fromEntries(Object.entries(perAgency).map(([agency, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return [agency, { services: sorted.length, medianSeconds: percentile(sorted, 50), p90Seconds: percentile(sorted, 90) }];
  }));
  return { completion: { cases, medianSeconds: percentile(sortedSeconds, 50), p90Seconds: percentile(sortedSeconds, 90), truncated }, agencies };
}
