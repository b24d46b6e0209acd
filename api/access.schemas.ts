// The access records' routes: the admin's query (GET /api/ops/accesses, .csv), the chain check, and what
// the parents' page shows. One schema per payload; the OpenAPI contract is generated from them.
import { z } from 'zod';
import { ACCESS_ROLES, ACCESS_VIEWS, AccessQuery, AccessRole, AccessView } from '../infra/access-log';
import type { AccessFilter } from '../infra/access-log';

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(10)]).optional();

/** The admin's filters; `from` inclusive, `to` exclusive (ISO date-times with an offset); pages of `pageSize`. */
export const AccessListQuery = z.strictObject({
  caseId: AccessQuery.shape.caseId,
  sub: AccessQuery.shape.subject.describe('the staff member\'s subject (token `sub`)'),
  from: AccessQuery.shape.from,
  to: AccessQuery.shape.to,
  view: oneOrMany(AccessView),
  role: oneOrMany(AccessRole),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type AccessListQuery = z.infer<typeof AccessListQuery>;

/** The same filters for the CSV export (all matching records, no pages). */
export const AccessCsvQuery = AccessListQuery.omit({ page: true, pageSize: true });
export type AccessCsvQuery = z.infer<typeof AccessCsvQuery>;

export function accessFilter(q: AccessCsvQuery): AccessFilter {
  return {
    ...(q.caseId ? { caseId: q.caseId } : {}),
    ...(q.sub ? { subject: q.sub } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.view ? { view: q.view } : {}),
    ...(q.role ? { role: q.role } : {}),
  };
}

export const AccessRecordView = z.object({
  seq: z.number().int(),
  at: z.string().describe('Asia/Shanghai, e.g. 2026-11-20T08:30:00.123+08:00'),
  subject: z.string(),
  role: AccessRole,
  hospitalId: z.string().nullable(),
  agency: z.string().nullable(),
  hallId: z.string().nullable(),
  caseId: z.string().describe(`the case read (\`unknown\` for a codec decode whose payloads name none)`),
  view: AccessView.describe(`what was read: ${Object.entries(ACCESS_VIEWS).map(([k, v]) => `${k} ${v}`).join(', ')}`),
  clientAddress: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

export const AccessPageView = z.object({
  items: z.array(AccessRecordView).describe('newest first'),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type AccessPageView = z.infer<typeof AccessPageView>;

export const AccessVerifyView = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true), records: z.number().int(), firstSeq: z.number().int().nullable(), lastSeq: z.number().int(), headHash: z.string(),
    anchor: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  }),
  z.object({
    ok: z.literal(false), problem: z.enum(['edited', 'missing', 'broken-link', 'inserted', 'head-mismatch']), seq: z.number().int(), message: z.string(), recordsChecked: z.number().int(),
  }),
]);

/** The parents' page: who read their case, as organisation, role and time — never the staff member. */
export const ParentAccessView = z.object({
  accesses: z.array(z.object({
    at: z.string(),
    role: AccessRole,
    roleLabel: z.string().describe(`in Chinese: ${Object.values(ACCESS_ROLES).join(', ')}`),
    organisation: z.object({ kind: z.enum(['hospital', 'agency', 'hall', 'operations']), code: z.string().nullable(), label: z.string() }),
    view: AccessView,
    viewLabel: z.string(),
  })).describe('newest first, at most 100'),
});
export type ParentAccessView = z.infer<typeof ParentAccessView>;
