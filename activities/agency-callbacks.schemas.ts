// Payloads the agencies POST to `/api/agency-callbacks/{agency}` (signed: see infra/agency-signature.ts).
// Pure module: the API parses callbacks with these schemas; the mock agencies build them from the types.
import { z } from 'zod';
import { SERVICES } from '../domain/catalog';
import { REVIEW_DESK } from './agency.types';

// Every string is bounded: a callback's text ends up in the case's audit.
const token = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9._:-]+$/);

const callbackBase = {
  /** unique per event; a redelivery repeats it, so receivers deduplicate on it */
  eventId: token(64),
  occurredAt: z.iso.datetime({ offset: true }),
  caseId: token(64),
  /** the idempotency key of the request the event belongs to */
  idempotencyKey: token(128),
};

/** An officer decided a household-registration review; read the result with getHouseholdRegistration. */
export const ReviewDecidedCallback = z.object({
  ...callbackBase,
  agency: z.literal(REVIEW_DESK.agency),
  type: z.literal('review.decided'),
  service: z.literal(REVIEW_DESK.service),
  reviewId: token(64),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(500),
});
export type ReviewDecidedCallback = z.infer<typeof ReviewDecidedCallback>;

/** The social-security card was made and posted; the same numbers getSocialSecurityCardStatus returns. */
export const CardPostedCallback = z.object({
  ...callbackBase,
  agency: z.literal(SERVICES.socialSecurityCard.agency),
  type: z.literal('card.posted'),
  service: z.literal('socialSecurityCard'),
  applicationNumber: token(64),
  cardNumber: token(64),
  trackingNumber: token(64),
});
export type CardPostedCallback = z.infer<typeof CardPostedCallback>;

/**
 * Issue 19: the other place answered a forward (completed, refused, or asks for originals); the case
 * reads the forward again through the exchange (getForwardStatus). Sent by the exchange.
 */
export const ForwardAnsweredCallback = z.object({
  ...callbackBase,
  agency: z.literal('exchange'),
  type: z.literal('forward.answered'),
  service: z.enum(['household', 'medicalInsurance', 'socialSecurityCard']),
  forwardId: token(64),
});
export type ForwardAnsweredCallback = z.infer<typeof ForwardAnsweredCallback>;

export const AgencyCallback = z.discriminatedUnion('type', [ReviewDecidedCallback, CardPostedCallback, ForwardAnsweredCallback]);
export type AgencyCallback = z.infer<typeof AgencyCallback>;
