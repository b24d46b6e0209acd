// The case log, typed: one schema per action in a discriminated union, so a reader narrows on `action`
// and needs no cast. Every entry ever recorded (legacy cases included) parses into it — a test decodes the
// recorded histories' audits through `CaseEvent`. Plain JSON only: no Map, Set, Date.
import { z } from 'zod';
import { AgencyNameSchema, ChannelSchema, ServiceKeySchema, ServiceResults } from './catalog';
import type { ServiceKey } from './catalog';
import { Benefits } from './policy';

// hallClerk: a service hall's clerk (政务服务中心窗口); no route lets one act on a case yet
export const ActorRole = z.enum(['clerk', 'officer', 'admin', 'hallClerk', 'parent', 'system', 'agency']);
export type ActorRole = z.infer<typeof ActorRole>;
export const Actor = z.object({ role: ActorRole, id: z.string().nullable() });
export type Actor = z.infer<typeof Actor>;
export const SYSTEM: Actor = { role: 'system', id: null };

export const CorrectionItem = z.object({ path: z.string(), message: z.string() });
export type CorrectionItem = z.infer<typeof CorrectionItem>;
export const ReviewInfo = z.object({ agency: z.string(), reason: z.string(), reviewId: z.string() });
export type ReviewInfo = z.infer<typeof ReviewInfo>;
// forward_overdue since patch cross-region (issue 19): another place has not answered within its channel's service level.
export const EscalationKind = z.enum(['review_overdue', 'correction_due', 'agency_unreachable', 'forward_overdue']);
export type EscalationKind = z.infer<typeof EscalationKind>;
export const EventOutcome = z.enum(['ok', 'pending', 'failed', 'rejected']);

/**
 * What a service's agency answered, as the case keeps it: every service's result fields in one shape
 * (each optional), so `services.household.result?.regionCode` reads without a cast. The exact shape per
 * service is the catalog's `ServiceResults`.
 */
export const ServiceResultData = z.object({
  ...ServiceResults.familyRegistration.partial().shape,
  ...ServiceResults.birthCertificate.partial().shape,
  ...ServiceResults.vaccination.partial().shape,
  ...ServiceResults.household.partial().shape,
  ...ServiceResults.medicalInsurance.partial().shape,
  ...ServiceResults.socialSecurityCard.partial().shape,
});
export type ServiceResultData = z.infer<typeof ServiceResultData>;

const common = {
  seq: z.number().int().positive(),
  at: z.string(),
  actor: Actor,
  service: ServiceKeySchema.nullable(),
  attempt: z.number().int().nullable(),
  outcome: EventOutcome,
  reason: z.string().nullable(),
};
/** An entry whose action carries no machine data. */
const plain = <A extends string>(action: A) => z.object({ ...common, action: z.literal(action), data: z.undefined().optional() });
/** An entry with machine data of the given shape (the reducer and the pages read it; not shown in the audit view). */
const withData = <A extends string, D extends z.ZodType>(action: A, data: D) => z.object({ ...common, action: z.literal(action), data });

const WithdrawalAnswer = z.object({ outcome: z.enum(['withdrawn', 'already_done', 'not_received']), document: z.string().nullable(), message: z.string() });

export const CaseEvent = z.discriminatedUnion('action', [
  // `bundle` since patch family-registration (issue 18): the services the bundle had when the case was
  // accepted. Absent: the bundle before it (catalog EARLIER_BUNDLE); the later services are not part of the case.
  withData('case.accepted', z.object({ newbornNameMissing: z.boolean(), bundle: z.array(ServiceKeySchema).optional() })),
  plain('case.action_required'),
  // `answers` since case-v2: the services whose correction notice the change answered.
  withData('case.corrected', z.object({ paths: z.array(z.string()), answers: z.array(ServiceKeySchema).optional() })),
  plain('case.cancel_requested'),
  plain('case.cancelled'),
  plain('case.finished'),
  plain('newborn.named'),
  withData('benefits.decided', z.object({ benefits: Benefits })),
  // `step` since case-v2 (one message per step across runs); legacy entries have no data.
  withData('notification.sent', z.object({ step: z.string() }).optional()),
  plain('review.decided'),
  plain('card.posted'),
  plain('service.skipped'),
  // A card's application number is shown while the card is made (data.result). `channel` since patch
  // cross-region (issue 19): where the service is handled (local, or through the exchange to another place).
  withData('service.submitted', z.object({ result: ServiceResultData.optional(), channel: ChannelSchema.optional() }).optional()),
  withData('service.under_review', z.object({ review: ReviewInfo, dueAt: z.string().nullable().optional() })),
  withData('service.needs_correction', z.object({ items: z.array(CorrectionItem), dueAt: z.string().nullable() })),
  withData('service.completed', z.object({ result: ServiceResultData, channel: ChannelSchema.optional() })),
  // Since patch cross-region (issue 19): the exchange took the application for another place's agency
  // (its id there, the channel, the place, when that place should answer by).
  withData('service.forwarded', z.object({ forwardId: z.string(), channel: ChannelSchema, destinationRegionCode: z.string(), dueAt: z.string() })),
  // The other place asks the parents to post originals (an action for the parents, with its deadline); then received.
  withData('service.originals_requested', z.object({ items: z.array(z.string()), postTo: z.string(), dueAt: z.string() })),
  plain('service.originals_received'),
  // The exchange's callback: the other place has answered (the case reads the forward again).
  plain('forward.answered'),
  plain('service.refused'),
  plain('service.cancelled'),
  // Legacy compensation entries have no data.
  withData('service.compensation', z.object({
    step: z.enum(['withdraw', 'notify']),
    agency: AgencyNameSchema,
    answer: WithdrawalAnswer.optional(),
    reference: z.string().optional(),
  }).optional()),
  withData('service.needs_attention', z.object({ failureType: z.string().nullable() })),
  withData('service.resolved', z.object({ resolution: z.enum(['retry', 'resubmit', 'abandon']) })),
  withData('service.agency_unreachable', z.object({ agency: AgencyNameSchema })),
  withData('case.escalated', z.object({ kind: EscalationKind, level: z.number().int().min(1), dueAt: z.string().nullable() })),
]);
export type CaseEvent = z.infer<typeof CaseEvent>;
export type CaseAction = CaseEvent['action'];
export const CASE_ACTIONS: readonly CaseAction[] = CaseEvent.options.map((o) => o.shape.action.value);
/** The entry of one action, narrowed. */
export type EventOf<A extends CaseAction> = Extract<CaseEvent, { action: A }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Defaulted = 'actor' | 'attempt' | 'outcome' | 'reason' | 'service';
/** What the workflow records: the entry without what the journal fills in (seq, time) or defaults. */
export type EventInput = DistributiveOmit<CaseEvent, 'seq' | 'at' | Defaulted> & Partial<Pick<CaseEvent, Defaulted>>;

/** Entries of one action, narrowed (the audit readers' filter). */
export const eventsOf = <A extends CaseAction>(events: readonly CaseEvent[], action: A): Array<EventOf<A>> =>
  events.filter((e): e is EventOf<A> => e.action === action);
/** The service an entry is about, when it is `key`. */
export const isAbout = (e: CaseEvent, key: ServiceKey): boolean => e.service === key;

/** An entry as the memo's audit keeps it and the audit view shows it: without its machine data. */
export const AuditEntry = z.object({ ...common, action: z.enum(CASE_ACTIONS) });
export type AuditEntry = z.infer<typeof AuditEntry>;
