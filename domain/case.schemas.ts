// Payload schemas for the case API: one zod schema per payload, the type inferred under the same name.
// Pure module: used by the API (validation, OpenAPI), the workflow (types) and tests.
import { z } from 'zod';

export const ServiceKey = z.enum(['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard']);
export type ServiceKey = z.infer<typeof ServiceKey>;
export const SERVICE_KEYS = ServiceKey.options;

const isoDateTime = z.iso.datetime({ offset: true });

export const Newborn = z.strictObject({
  name: z.string().min(1).max(20).optional(),
  sex: z.enum(['M', 'F']),
  birthAt: isoDateTime,
  birthWeightGrams: z.number().int().min(300).max(7000),
  birthOrder: z.number().int().min(1).max(20),
});
export type Newborn = z.infer<typeof Newborn>;

export const Mother = z.strictObject({
  name: z.string().min(1).max(20),
  idNumber: z.string().length(18),
  phone: z.string().regex(/^1\d{10}$/),
  hukouRegionCode: z.string().regex(/^\d{6}$/),
  insurance: z.enum(['resident', 'employee', 'flexible', 'none']),
  lowIncome: z.boolean().default(false),
});
export type Mother = z.infer<typeof Mother>;

export const Father = z.strictObject({
  name: z.string().min(1).max(20),
  idNumber: z.string().length(18),
  phone: z.string().regex(/^1\d{10}$/),
  hukouRegionCode: z.string().regex(/^\d{6}$/),
});
export type Father = z.infer<typeof Father>;

export const Delivery = z.strictObject({
  method: z.enum(['ems', 'pickup']),
  address: z.string().min(1).max(200).optional(),
  recipient: z.enum(['mother', 'father']),
});
export type Delivery = z.infer<typeof Delivery>;

export const Consent = z.strictObject({
  signedBy: z.enum(['mother', 'father']),
  signedAt: isoDateTime,
});

export const CaseCreateRequest = z.strictObject({
  newborn: Newborn,
  mother: Mother,
  father: Father.nullable().default(null),
  married: z.boolean(),
  householdOf: z.enum(['mother', 'father']),
  services: z.array(ServiceKey).min(1).max(5).default([...SERVICE_KEYS]),
  delivery: Delivery,
  consent: Consent,
});
export type CaseCreateRequest = z.infer<typeof CaseCreateRequest>;

export const CorrectionRequest = z.strictObject({
  changes: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
  note: z.string().max(500).optional(),
});
export type CorrectionRequest = z.infer<typeof CorrectionRequest>;

export const CancelRequest = z.strictObject({ reason: z.string().min(1).max(500) });
export type CancelRequest = z.infer<typeof CancelRequest>;

export const ReviewDecisionRequest = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().min(1).max(500),
});
export type ReviewDecisionRequest = z.infer<typeof ReviewDecisionRequest>;

export const TrackRequest = z.strictObject({
  trackingCode: z.string().min(8).max(32),
  phoneLast4: z.string().regex(/^\d{4}$/),
});
export type TrackRequest = z.infer<typeof TrackRequest>;

export const TrackInputRequest = TrackRequest.extend({
  input: z.strictObject({ newbornName: z.string().min(1).max(20) }),
});
export type TrackInputRequest = z.infer<typeof TrackInputRequest>;

export interface ValidationIssue { path: string; code: string; message: string }

/** Every problem at once, each with its path, a stable code and a message a clerk understands. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}
