// 疾控 / 接种单位 vaccination: opens the child's vaccination record.
// Failures: AgencyCorrectionRequired (newborn name non-standard when given, mother's name or ID) ·
// AgencyRefused (hospital not a registered midwifery institution) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import type { VaccinationRequest, VaccinationResult } from './agency.types';

export interface VaccinationAdapter {
  createVaccinationRecord(req: VaccinationRequest): Promise<VaccinationResult>;
}

const VaccinationResultSchema: z.ZodType<VaccinationResult> = z.object({
  certificateNumber: z.string().min(1),
  nextDoses: z.array(z.object({ vaccine: z.string(), dueOn: z.iso.date() })),
});

export function createVaccinationAdapter(config: AgencyClientConfig): VaccinationAdapter {
  const client = agencyClient('vaccination', config);
  return {
    createVaccinationRecord: (req) =>
      client.call(
        { operation: 'createVaccinationRecord', method: 'POST', path: 'vaccination/records', idempotencyKey: req.idempotencyKey, body: req },
        VaccinationResultSchema,
      ),
  };
}
