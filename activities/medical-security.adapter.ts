// 市医保局 medical security: resident medical-insurance enrolment, premium and clause-15 waiver.
// Failures: AgencyCorrectionRequired (child's name non-standard, ID malformed or its birth date not the
// birth date, enrolment before birth, a year before every premium figure); a year not yet published enrols
// with premium null and premiumNotPublished · AgencyRefused (child not in a Jinan
// household; already enrolled) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import type { MedicalInsuranceRequest, MedicalInsuranceResult } from './agency.types';

export interface MedicalSecurityAdapter {
  enrolMedicalInsurance(req: MedicalInsuranceRequest): Promise<MedicalInsuranceResult>;
}

const MedicalInsuranceResultSchema: z.ZodType<MedicalInsuranceResult> = z.object({
  enrolmentNumber: z.string().min(1),
  enrolledOn: z.iso.date(),
  // null: the year's figure is not yet published (issue 22); the agency then says which year and why.
  premium: z.number().int().min(0).nullable(),
  premiumNotPublished: z.object({ year: z.number().int(), message: z.string() }).optional(),
  waived: z.boolean(),
}).refine((r) => r.premium !== null || r.premiumNotPublished !== undefined, {
  message: 'premium null without premiumNotPublished', path: ['premiumNotPublished'],
});

export function createMedicalSecurityAdapter(config: AgencyClientConfig): MedicalSecurityAdapter {
  const client = agencyClient('medicalSecurity', config);
  return {
    enrolMedicalInsurance: (req) =>
      client.call(
        { operation: 'enrolMedicalInsurance', method: 'POST', path: 'medical-security/enrolments', idempotencyKey: req.idempotencyKey, body: req },
        MedicalInsuranceResultSchema,
      ),
  };
}
