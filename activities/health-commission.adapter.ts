// 市卫生健康委 health commission: the birth medical certificate, and the family registration (生育登记).
// Failures: AgencyCorrectionRequired (newborn name missing or non-standard, a parent's name non-standard,
// a parent's ID malformed or unknown to the register) · AgencyRefused (hospital not a registered
// midwifery institution; this child already has a certificate) · AgencyUnavailableError (retried) ·
// RegistrationConflict (409 REGISTRATION_CONFLICT: the commission will not register or amend; the
// conflicts as details, non-retryable).
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { agencyClient, interpretAgencyResponse, sendAgencyRequest, type AgencyClientConfig, type AgencyRequest } from './agency-http';
import type { BirthCertificateRequest, BirthCertificateResult } from './agency.types';
import { RegistrationConflictType, type FamilyRegistrationActivities, type FamilyRegistrationClosed, type FamilyRegistrationResult } from './family-registration.types';

export interface HealthCommissionAdapter extends FamilyRegistrationActivities {
  issueBirthCertificate(req: BirthCertificateRequest): Promise<BirthCertificateResult>;
}

const BirthCertificateResultSchema: z.ZodType<BirthCertificateResult> = z.object({
  certificateNumber: z.string().regex(/^[A-Z]\d{9}$/),
});

const REGISTRATION_NUMBER = /^SY\d{16}$/;
const RegistrationResultSchema: z.ZodType<FamilyRegistrationResult> = z.object({
  registrationNumber: z.string().regex(REGISTRATION_NUMBER),
  childrenOnRecord: z.number().int().min(0).max(50),
});
const ClosedSchema: z.ZodType<FamilyRegistrationClosed> = z.object({
  registrationNumber: z.string().regex(REGISTRATION_NUMBER),
  status: z.enum(['withdrawn', 'expired', 'born']),
});
const ConflictBody = z.object({
  error: z.object({
    code: z.literal('REGISTRATION_CONFLICT'),
    conflicts: z.array(z.object({ code: z.enum(['CHILDREN_MISMATCH', 'REGISTRATION_OPEN', 'PERSON_UNKNOWN']), path: z.string().max(100), message: z.string().max(300) })).min(1).max(10),
  }),
});

const AGENCY = 'healthCommission' as const;

/** A registration call: a 409 REGISTRATION_CONFLICT is the commission's verdict, anything else as every agency call. */
async function registrationCall<T>(config: AgencyClientConfig, req: AgencyRequest, schema: z.ZodType<T>): Promise<T> {
  const response = await sendAgencyRequest(AGENCY, config, req);
  const conflict = response.status === 409 ? ConflictBody.safeParse(response.payload) : null;
  if (conflict?.success) {
    throw ApplicationFailure.create({
      type: RegistrationConflictType, nonRetryable: true,
      message: `${AGENCY} ${req.operation}: conflict (${conflict.data.error.conflicts.map((c) => c.code).join(', ')})`,
      details: conflict.data.error.conflicts,
    });
  }
  return interpretAgencyResponse(AGENCY, req.operation, response, schema);
}

export function createHealthCommissionAdapter(config: AgencyClientConfig): HealthCommissionAdapter {
  const client = agencyClient(AGENCY, config);
  const number = (n: string): string => encodeURIComponent(n);
  return {
    issueBirthCertificate: (req) =>
      client.call(
        { operation: 'issueBirthCertificate', method: 'POST', path: 'health-commission/birth-certificates', idempotencyKey: req.idempotencyKey, body: req },
        BirthCertificateResultSchema,
      ),
    registerFamily: (req) => registrationCall(config, {
      operation: 'registerFamily', method: 'POST', path: 'health-commission/family-registrations', idempotencyKey: req.idempotencyKey, body: req,
    }, RegistrationResultSchema),
    amendFamilyRegistration: ({ idempotencyKey, registrationNumber, request }) => registrationCall(config, {
      operation: 'amendFamilyRegistration', method: 'PUT', path: `health-commission/family-registrations/${number(registrationNumber)}`, idempotencyKey, body: { request },
    }, RegistrationResultSchema),
    withdrawFamilyRegistration: ({ idempotencyKey, registrationNumber, outcome, reason }) => registrationCall(config, {
      operation: 'withdrawFamilyRegistration', method: 'POST', path: `health-commission/family-registrations/${number(registrationNumber)}/withdrawal`, idempotencyKey, body: { outcome, reason },
    }, ClosedSchema),
    closeFamilyRegistration: ({ idempotencyKey, registrationNumber, caseId, birthAt }) => registrationCall(config, {
      operation: 'closeFamilyRegistration', method: 'POST', path: `health-commission/family-registrations/${number(registrationNumber)}/birth`, idempotencyKey, body: { caseId, birthAt },
    }, ClosedSchema),
  };
}
