// Response shapes of the HTTP contract, as zod schemas: the OpenAPI document is generated from them and
// the end-to-end tests parse real answers with them, so the documented contract and the served one agree.
import { z } from 'zod';
import { Benefits, FamilyEntitlements } from '../domain/policy';
import { CaseCreateRequest } from '../domain/case.schemas';
import { CaseStatusSchema, ChannelSchema, isLaterService, perService, ServiceStatusSchema } from '../domain/catalog';
import { EscalationKind } from '../domain/case-log';

/** Where a service is handled (issue 19, 异地通办): here in Jinan, or through the exchange in another place. */
export const HandledAt = z.object({
  channel: ChannelSchema,
  /** the channel's label from the catalog: 济南本地办理 / 省内跨域通办 / 跨省通办 */
  channelLabel: z.string(),
  /** the channel's usual service level in days (5 in-province, 10 cross-province); null here in Jinan */
  serviceLevelDays: z.number().int().nullable(),
  /** the other place's region code; null when handled here */
  regionCode: z.string().nullable(),
  /** the place, e.g. 山东省济南市, 山东省青岛市, 北京市 */
  placeLabel: z.string(),
});

export const ServiceView = z.object({
  status: ServiceStatusSchema,
  handledAt: HandledAt,
  result: z.record(z.string(), z.unknown()).optional(),
  review: z.object({ agency: z.string(), reason: z.string() }).optional(),
  reason: z.string().optional(),
  /** needs_attention: what went wrong (staff only) */
  attention: z.object({ cause: z.string(), since: z.string() }).optional(),
  /** the agency has not answered for longer than the configured time; retries go on */
  waitingOnAgency: z.object({ agency: z.string(), since: z.string(), message: z.string() }).optional(),
  /** past a due time: a review, a correction deadline a day away, an unreachable agency (level 1, then 2) */
  escalation: z.object({ kind: EscalationKind, level: z.number().int(), since: z.string(), dueAt: z.string().nullable(), message: z.string() }).optional(),
});

/** Every service of the case; a later service (生育登记) is absent from a case accepted before it was in the bundle. */
const Services = z.object(perService((key) => (isLaterService(key) ? ServiceView.optional() : ServiceView)));

export const ActionRequired = z.object({
  /** originals (issue 19): the parents post the listed originals to the other place's agency by dueAt */
  kind: z.enum(['correction', 'newborn_name', 'needs_attention', 'originals']),
  service: z.string().nullable(),
  items: z.array(z.object({ path: z.string(), message: z.string() })),
  dueAt: z.string().nullable(),
  /** originals: where to post them */
  postTo: z.string().optional(),
});

export const CaseView = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  hospitalId: z.string(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  newborn: CaseCreateRequest.shape.newborn,
  mother: CaseCreateRequest.shape.mother,
  father: CaseCreateRequest.shape.father,
  married: z.boolean(),
  householdOf: z.enum(['mother', 'father']),
  delivery: CaseCreateRequest.shape.delivery,
  requestedServices: z.array(z.string()),
  services: Services,
  benefits: Benefits.nullable(),
  /** The family's whole entitlement beyond the decisions (leave, tax, housing, school, …), each with its clause and dates. */
  entitlements: FamilyEntitlements,
  actionsRequired: z.array(ActionRequired),
  /** some service is escalated */
  overdue: z.boolean().optional(),
  /** issue 19: where the child joins resident medical insurance, as the application said (omitted: see placesOf) */
  insuredAt: CaseCreateRequest.shape.insuredAt,
  /** issue 19: the parent holding a Jinan residence permit, when given */
  residencePermit: CaseCreateRequest.shape.residencePermit,
  /** issue 19: a child born outside Jinan (filed at a service hall) */
  bornElsewhere: CaseCreateRequest.shape.bornElsewhere,
  /** issue 19: the service hall that filed the case (its hospitalId is then HALL:<hallId>) */
  hallId: z.string().optional(),
});
export type CaseView = z.infer<typeof CaseView>;

export const ParentView = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  newborn: z.object({ name: z.string().nullable(), sex: z.enum(['M', 'F']), birthAt: z.string() }),
  mother: z.object({ name: z.string(), phone: z.string() }),
  delivery: z.object({ method: z.enum(['ems', 'pickup']), recipient: z.enum(['mother', 'father']) }),
  services: Services,
  benefits: Benefits.nullable(),
  entitlements: FamilyEntitlements,
  actionsRequired: z.array(ActionRequired),
  overdue: z.boolean().optional(),
});
export type ParentView = z.infer<typeof ParentView>;

export const AuditEntries = z.object({
  entries: z.array(z.object({
    seq: z.number().int().positive(),
    at: z.string(),
    actor: z.object({ role: z.string(), id: z.string().nullable() }),
    action: z.string(),
    service: z.string().nullable(),
    attempt: z.number().int().nullable(),
    outcome: z.string(),
    reason: z.string().nullable(),
  })),
});

export const CaseSummaryPage = z.object({
  cases: z.array(z.object({
    caseId: z.string(),
    status: CaseStatusSchema.nullable(),
    hospitalId: z.string().nullable(),
    /** the day of birth as its Shanghai midnight (the list's unit, as in its bornFrom/bornTo filter); the case's view has the time */
    bornAt: z.string().nullable(),
    createdAt: z.string().nullable(),
  })),
  nextPageToken: z.string().nullable(),
});

export const CancelAnswer = z.object({
  caseId: z.string(),
  status: z.enum(['cancelled', 'cancelling']),
  /** each compensation step with the agency's answer (empty while still cancelling) */
  steps: z.array(z.object({
    service: z.string(),
    action: z.enum(['withdrawn', 'notified', 'not_submitted', 'failed']),
    agencyAnswer: z.string().nullable(),
  })),
});

export const CaseCreated = z.object({ caseId: z.string(), trackingCode: z.string(), status: z.literal('accepted') });

const ReviewTask = z.object({
  reviewId: z.string(),
  caseId: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  /** the agency's service-level due time */
  slaDueAt: z.string(),
  agency: z.string(),
  service: z.string(),
});

export const ReviewTaskList = z.object({ reviews: z.array(ReviewTask) });

const MaskedParent = z.object({ name: z.string(), idNumber: z.string(), phone: z.string(), hukouRegionCode: z.string() });

/** An officer's review page: the agency's task and the case facts, ID numbers and phones masked. */
export const ReviewCaseView = z.object({
  caseId: z.string(),
  service: z.string(),
  serviceStatus: ServiceStatusSchema,
  pending: z.boolean(),
  review: z.object({ reviewId: z.string(), reason: z.string(), createdAt: z.string(), slaDueAt: z.string() }).nullable(),
  hospitalId: z.string(),
  createdAt: z.string().nullable(),
  newborn: z.object({ name: z.string().nullable(), sex: z.enum(['M', 'F']), birthAt: z.string(), birthOrder: z.number().int() }),
  mother: MaskedParent,
  father: MaskedParent.nullable(),
  married: z.boolean(),
  householdOf: z.enum(['mother', 'father']),
});

export const ReviewDecided = z.object({ caseId: z.string(), service: z.string(), decision: z.enum(['approve', 'reject']) });
