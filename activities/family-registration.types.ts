// The family registration's activities (生育登记, issue 18) at the health commission: register, amend,
// withdraw, close as born. Workflow code (the registration's and the birth case's) imports this file; it
// holds only types, constants and a pure reader of the conflict failure.
import type { FamilyRegistrationRequest } from '../workflows/family-registration.contract';

// The conflict failure's type and reader live in the contract (workflow code may import them by value).
export { RegistrationConflictType, registrationConflictsOf } from '../workflows/family-registration.contract';

export interface FamilyRegistrationAgencyRequest {
  idempotencyKey: string;
  /** the registration id (a keyed hash; names nobody) */
  registrationId: string;
  request: FamilyRegistrationRequest;
  /**
   * A registration made at the birth itself (the birth case registers a family that did not register
   * online): recorded and closed as born with this case at once.
   */
  caseId?: string;
}
export interface FamilyRegistrationResult {
  /** 生育服务登记号, e.g. SY2026370100000123 */
  registrationNumber: string;
  /** the children on the commission's record for the mother before this pregnancy */
  childrenOnRecord: number;
}
export interface AmendFamilyRegistrationRequest { idempotencyKey: string; registrationNumber: string; request: FamilyRegistrationRequest }
export interface WithdrawFamilyRegistrationRequest {
  idempotencyKey: string;
  registrationNumber: string;
  /** withdrawn by the parents, or lapsed (the expected month long past) */
  outcome: 'withdrawn' | 'expired';
  reason: string;
}
export interface CloseFamilyRegistrationRequest { idempotencyKey: string; registrationNumber: string; caseId: string; birthAt: string }
export interface FamilyRegistrationClosed { registrationNumber: string; status: 'withdrawn' | 'expired' | 'born' }

export interface FamilyRegistrationActivities {
  registerFamily(req: FamilyRegistrationAgencyRequest): Promise<FamilyRegistrationResult>;
  amendFamilyRegistration(req: AmendFamilyRegistrationRequest): Promise<FamilyRegistrationResult>;
  withdrawFamilyRegistration(req: WithdrawFamilyRegistrationRequest): Promise<FamilyRegistrationClosed>;
  closeFamilyRegistration(req: CloseFamilyRegistrationRequest): Promise<FamilyRegistrationClosed>;
}
