// What the registration routes take and answer (生育登记, issue 18), as zod schemas: the routes validate
// with them, the OpenAPI document is generated from them, the tests parse real answers with them.
import { z } from 'zod';
import { ActorRole } from '../domain/case-log';
import { freeText, parentFieldChecks } from '../domain/case.schemas';
import { REGISTRATION_STATUSES, RegistrationStatusSchema } from '../domain/catalog';
import { FamilyRegistrationRequest } from '../domain/family-registration';
import type { RegistrationState } from '../workflows/family-registration.contract';

const REGISTRATION_ID = '^[0-9A-HJKMNP-TV-Z]{16}$';
export const RegistrationId = z.string().regex(new RegExp(REGISTRATION_ID)).meta({ description: '16 characters, Crockford base32: a keyed hash of the mother\'s ID number', example: '0M4T5X2B9Q7RKC1D' });

export const RegistrationAuditView = z.object({
  at: z.string(),
  action: z.enum(['registration.registered', 'registration.amended', 'registration.withdrawn', 'registration.case_linked', 'registration.reminded', 'registration.expired']),
  actorRole: ActorRole,
  /** which parent acted (`mother`/`father`) for a parent; else null */
  actorId: z.string().nullable(),
  fields: z.array(z.string()).optional(),
  reason: z.string().optional(),
  caseId: z.string().optional(),
});

export const RegistrationView = z.object({
  registrationId: RegistrationId,
  registrationNumber: z.string().meta({ description: '生育服务登记号', example: 'SY2026370100000123' }),
  status: RegistrationStatusSchema,
  statusLabel: z.string(),
  request: FamilyRegistrationRequest,
  childrenOnRecord: z.number().int().min(0).meta({ description: '卫生健康委记录的、本次怀孕前已生育子女数' }),
  /** the child's expected birth order by the record: childrenOnRecord + 1 (twins: + their position) */
  expectedBirthOrder: z.number().int().min(1),
  registeredAt: z.string(),
  expiresAt: z.string().meta({ description: '预产期所在月末后92天（默认），未办理出生登记即过期' }),
  linkedCases: z.array(z.object({ caseId: z.string(), at: z.string() })),
  audit: z.array(RegistrationAuditView),
});
export type RegistrationView = z.infer<typeof RegistrationView>;

export const RegistrationList = z.object({ items: z.array(RegistrationView) });
export const RegistrationLookupView = z.object({ registration: RegistrationView });

export const WithdrawalRequest = z.strictObject({ reason: freeText(200) });
export const RegistrationLookupRequest = z.strictObject({ motherIdNumber: parentFieldChecks.citizenId('母亲') });

/** A registration as its parents and the clerk read it (the family's own data, in full). */
export function registrationView(s: RegistrationState): RegistrationView {
  return {
    registrationId: s.registrationId,
    registrationNumber: s.registrationNumber,
    status: s.status,
    statusLabel: REGISTRATION_STATUSES[s.status].label,
    request: s.request,
    childrenOnRecord: s.childrenOnRecord,
    expectedBirthOrder: s.childrenOnRecord + 1,
    registeredAt: s.registeredAt,
    expiresAt: s.expiresAt,
    linkedCases: s.linkedCases,
    audit: s.audit.map(({ at, action, actor, fields, reason, caseId }) => ({
      at, action, actorRole: actor.role, actorId: actor.id, ...(fields ? { fields } : {}), ...(reason ? { reason } : {}), ...(caseId ? { caseId } : {}),
    })),
  };
}
