// The dashboard's cross-region section (issue 19, 异地通办): the services handled in another place, apart
// from the local ones — per channel how many, how long from submission to the answer (median, 90th
// percentile), and how many cases wait on the parents posting originals. Read from the memo the cases keep
// (the channel the workflow records on each service, patch cross-region); a case from before that patch
// records none and counts as local.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { CHANNEL_KEYS, ChannelSchema, isCaseClosed, ServiceKeySchema } from '../domain/catalog';
import type { Channel } from '../domain/catalog';
import { CaseStatusSchema } from '../domain/catalog';
import { MemoKeys } from '../workflows/case-publication';
import { DASHBOARD_MAX_TIMED_CASES } from './ops.schemas';
import type { Dashboard } from './ops.schemas';

const MemoPlaces = z.object({
  status: CaseStatusSchema.optional().catch(undefined),
  services: z.record(z.string(), z.object({ channel: ChannelSchema.optional().catch(undefined) }).passthrough().catch({})).optional().catch(undefined),
  actionsRequired: z.array(z.object({ kind: z.string() }).passthrough()).optional().catch(undefined),
  timing: z.partialRecord(ServiceKeySchema, z.object({ submittedAt: z.string().nullable(), endedAt: z.string().nullable() })).optional().catch(undefined),
});
type MemoPlaces = z.infer<typeof MemoPlaces>;

/** Nearest-rank percentile of sorted values (p in 0..100); null for none. */
function rank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

interface Tally { cases: Set<string>; services: number; seconds: number[] }

function tallyCase(caseId: string, memo: MemoPlaces, tallies: Record<Channel, Tally>): boolean {
  let elsewhere = false;
  for (const [key, s] of Object.entries(memo.services ?? {})) {
    const channel: Channel = s.channel ?? 'local';
    if (channel !== 'local') elsewhere = true;
    const t = tallies[channel];
    t.cases.add(caseId);
    t.services += 1;
    const timing = memo.timing?.[key as keyof NonNullable<MemoPlaces['timing']>];
    if (timing?.submittedAt && timing.endedAt) t.seconds.push((Date.parse(timing.endedAt) - Date.parse(timing.submittedAt)) / 1000);
  }
  return elsewhere;
}

/** The cross-region figures of the cases accepted in the period (the visibility query `period`). */
export async function crossRegionFigures(client: Client, period: string, caseIdOf: (workflowId: string) => string | null): Promise<Dashboard['crossRegion']> {
  const tallies = Object.fromEntries(CHANNEL_KEYS.map((c): [Channel, Tally] => [c, { cases: new Set<string>(), services: 0, seconds: [] }])) as Record<Channel, Tally>;
  let cases = 0;
  let waitingOnOriginals = 0;
  let read = 0;
  let truncated = false;
  for await (const wf of client.workflow.list({ query: period, pageSize: 500 })) {
    if (read >= DASHBOARD_MAX_TIMED_CASES) {
      truncated = true;
      break;
    }
    read += 1;
    const caseId = caseIdOf(wf.workflowId);
    const memo = MemoPlaces.safeParse(wf.memo?.[MemoKeys.state]);
    if (!caseId || !memo.success) continue;
    if (!tallyCase(caseId, memo.data, tallies)) continue;
    cases += 1;
    const open = memo.data.status === undefined || !isCaseClosed(memo.data.status);
    if (open && (memo.data.actionsRequired ?? []).some((a) => a.kind === 'originals')) waitingOnOriginals += 1;
  }
  const byChannel = Object.fromEntries(CHANNEL_KEYS.map((c) => {
    const t = tallies[c];
    const sorted = [...t.seconds].sort((a, b) => a - b);
    return [c, { cases: t.cases.size, services: t.services, answered: sorted.length, medianSeconds: rank(sorted, 50), p90Seconds: rank(sorted, 90) }];
  })) as Dashboard['crossRegion']['byChannel'];
  return { cases, byChannel, waitingOnOriginals, truncated };
}
