// 市卫生健康委 health commission: the birth medical certificate.
// Failures: AgencyCorrectionRequired (newborn name missing or non-standard, a parent's name non-standard,
// a parent's ID malformed or unknown to the register) · AgencyRefused (hospital not a registered
// midwifery institution; this child already has a certificate) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import type { BirthCertificateRequest, BirthCertificateResult } from './agency.types';

export interface HealthCommissionAdapter {
  issueBirthCertificate(req: BirthCertificateRequest): Promise<BirthCertificateResult>;
}

const BirthCertificateResultSchema: z.ZodType<BirthCertificateResult> = z.object({
  certificateNumber: z.string().regex(/^[A-Z]\d{9}$/),
});

export function createHealthCommissionAdapter(config: AgencyClientConfig): HealthCommissionAdapter {
  const client = agencyClient('healthCommission', config);
  return {
    issueBirthCertificate: (req) =>
      client.call(
        { operation: 'issueBirthCertificate', method: 'POST', path: 'health-commission/birth-certificates', idempotencyKey: req.idempotencyKey, body: req },
        BirthCertificateResultSchema,
      ),
  };
}
