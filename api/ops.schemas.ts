// The operations dashboard's answer (GET /api/ops/dashboard): one schema, the OpenAPI contract generated from it.
import { z } from 'zod';
import { CHANNEL_KEYS, type Channel } from '../domain/catalog';

const ChannelFigures = z.object({
  cases: z.number().int(), services: z.number().int(), answered: z.number().int(),
  medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable(),
});

/** The dashboard lists at most this many finished cases one by one (the slowest); its medians and p90s cover all of them. */
export const DASHBOARD_MAX_TIMED_CASES = 5000;

/** Cases accepted from `from` to `to` (Shanghai days, both included; default the last 30 days), optionally of one hospital. */
export const DashboardQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  // a hospital (H0001) or a service hall's cases (HALL:JN-HALL-01, issue 19)
  hospitalId: z.string().regex(/^(HALL:)?[A-Za-z0-9_-]{1,32}$/).optional(),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const Dashboard = z.object({
  period: z.object({ from: z.iso.date(), to: z.iso.date(), hospitalId: z.string().nullable() }).describe('cases accepted on these Shanghai days, both included (of one hospital, if given)'),
  cases: z.object({
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byWaitingOn: z.record(z.string(), z.number().int()).describe('open cases waiting on parent / clerk / officer / agency (a case may wait on two)'),
  }),
  overdue: z.object({ reviews: z.number().int(), corrections: z.number().int() }),
  completion: z.object({
    cases: z.array(z.object({ caseId: z.string(), status: z.string(), acceptedAt: z.string(), closedAt: z.string(), seconds: z.number() }))
      .describe(`the finished cases (completed or partially completed), slowest first, at most ${DASHBOARD_MAX_TIMED_CASES}: from acceptance (the first journal entry) to the close (the last, once closed)`),
    medianSeconds: z.number().nullable().describe('nearest rank, over every finished case of the period'),
    p90Seconds: z.number().nullable().describe('nearest rank, over every finished case of the period'),
    truncated: z.boolean().describe(`true when more than ${DASHBOARD_MAX_TIMED_CASES} finished cases fell in the period: \`cases\` lists the slowest ${DASHBOARD_MAX_TIMED_CASES}; the median and p90 still cover all of them`),
  }),
  agencies: z.record(z.string(), z.object({ services: z.number().int(), medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable() }))
    .describe('from first submission to the agency\'s answer (completed or refused), per agency, over the services of the period\'s finished cases that were answered'),
  premiumWaiver: z.object({
    granted: z.number().int(), pending: z.number().int(), lost: z.number().int(), not_applicable: z.number().int(),
    lostByReason: z.record(z.string(), z.number().int()).describe('failed condition code, or NOT_ENROLLED'),
  }),
  childcareSubsidy: z.object({ granted: z.number().int(), pending: z.number().int(), refused: z.number().int() }),
  premiumTableCoverage: z.object({
    years: z.array(z.object({ year: z.number().int(), yuan: z.number().nullable() })).describe('this year and the next, with the policy table\'s individual resident premium (null: no figure)'),
    missing: z.array(z.number().int()),
    coveredTo: z.iso.date().nullable(),
    message: z.string().nullable().describe('set when this year or the next has no premium figure'),
  }).describe('the policy table\'s resident premium figures for this year and the next (premiumCoverage)'),
  crossRegion: z.object({
    cases: z.number().int().describe('cases with at least one service handled in another place'),
    byChannel: z.object(Object.fromEntries(CHANNEL_KEYS.map((c) => [c, ChannelFigures])) as Record<Channel, typeof ChannelFigures>)
      .describe('per channel (local 济南本地办理 / inProvince 省内跨域通办 / crossProvince 跨省通办): services, and the time from submission to the answer'),
    waitingOnOriginals: z.number().int().describe('open cases whose parents are asked to post originals to another place'),
    truncated: z.boolean().describe('always false: every case of the period is counted (kept so that older clients still parse the answer)'),
  }).describe('异地通办 (issue 19): services handled through the exchange in another place, apart from the local ones'),
});
export type Dashboard = z.infer<typeof Dashboard>;
