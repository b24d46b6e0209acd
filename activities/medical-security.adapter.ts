// 市医保局 medical security: resident medical-insurance enrolment, premium and clause-15 waiver.
// Failures: AgencyCorrectionRequired (child's name non-standard, ID malformed or its birth date not the
// birth date, enrolment before birth, no premium set for the year) · AgencyRefused (child not in a Jinan
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
  premium: z.number().int().min(0),
  waived: z.boolean(),
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
