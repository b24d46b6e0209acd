// Payloads the agencies POST to `/api/agency-callbacks/{agency}` (signed: see infra/agency-signature.ts).
// Pure module: the API parses callbacks with these schemas; the mock agencies build them from the types.
import { z } from 'zod';

const callbackBase = {
  /** unique per event; a redelivery repeats it, so receivers deduplicate on it */
  eventId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  caseId: z.string().min(1),
  /** the idempotency key of the request the event belongs to */
  idempotencyKey: z.string().min(1),
};

/** An officer decided a household-registration review; read the result with getHouseholdRegistration. */
export const ReviewDecidedCallback = z.object({
  ...callbackBase,
  agency: z.literal('publicSecurity'),
  type: z.literal('review.decided'),
  service: z.literal('household'),
  reviewId: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  reason: z.string(),
});
export type ReviewDecidedCallback = z.infer<typeof ReviewDecidedCallback>;

/** The social-security card was made and posted; the same numbers getSocialSecurityCardStatus returns. */
export const CardPostedCallback = z.object({
  ...callbackBase,
  agency: z.literal('humanResources'),
  type: z.literal('card.posted'),
  service: z.literal('socialSecurityCard'),
  applicationNumber: z.string().min(1),
  cardNumber: z.string().min(1),
  trackingNumber: z.string().min(1),
});
export type CardPostedCallback = z.infer<typeof CardPostedCallback>;

export const AgencyCallback = z.discriminatedUnion('type', [ReviewDecidedCallback, CardPostedCallback]);
export type AgencyCallback = z.infer<typeof AgencyCallback>;
