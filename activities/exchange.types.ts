// The cross-region exchange (跨域通办, issue 19): the provincial / national government-service platform's
// channel that carries an application to the agency of another place, and brings its answer back days
// later. Workflow code imports this file: types and constants only.
import type { ExchangeChannel } from '../domain/catalog';

/** The items the exchange can carry to another place's agency. */
export type ForwardKind = 'household' | 'medicalInsurance' | 'socialSecurityCard';

export interface ForwardRequest {
  idempotencyKey: string;
  caseId: string;
  kind: ForwardKind;
  /** the six-digit region code of the place whose agency handles it (the household's place) */
  destinationRegionCode: string;
  /** what the local agency would have been sent for this item (names, IDs: encrypted in the history by the codec) */
  application: Record<string, unknown>;
}

/** The exchange took the application: its id there, the channel, and when the other place should answer by. */
export interface ForwardAck { forwardId: string; channel: ExchangeChannel; acknowledgedAt: string; dueAt: string }

/** What the other place has answered so far (read again after a callback, or on the case's own schedule). */
export type ForwardStatus =
  | { state: 'pending'; forwardId: string; channel: ExchangeChannel; dueAt: string }
  /** the other place asks for originals to be posted: a task for the parents, with its deadline */
  | { state: 'originals_requested'; forwardId: string; channel: ExchangeChannel; items: string[]; postTo: string; dueAt: string }
  | { state: 'completed'; forwardId: string; channel: ExchangeChannel; result: Record<string, string | number | boolean | null> }
  | { state: 'refused'; forwardId: string; channel: ExchangeChannel; reason: string }
  | { state: 'withdrawn'; forwardId: string; channel: ExchangeChannel };

export interface WithdrawForwardRequest { idempotencyKey: string; reason: string }
export interface WithdrawForwardAnswer { forwardId: string; withdrawn: boolean; answer: string }

/** Inbound: a birth certificate issued by another place's hospital, checked through the exchange. */
export interface VerifyBirthCertificateRequest {
  idempotencyKey: string;
  caseId: string;
  certificateNumber: string;
  issuingRegionCode: string;
  hospitalName: string;
  mother: { name: string; idNumber: string };
  newborn: { sex: 'M' | 'F'; birthAt: string };
}
export interface VerifiedBirthCertificate { certificateNumber: string; issuedBy: string; verifiedAt: string }

/** Inbound: the vaccination record the other place opened, transferred to Jinan (not created anew). */
export interface TransferVaccinationRequest {
  idempotencyKey: string;
  caseId: string;
  fromRegionCode: string;
  newborn: { name: string | null; sex: 'M' | 'F'; birthAt: string };
  mother: { name: string; idNumber: string };
}
export interface TransferredVaccinationRecord { certificateNumber: string; transferredFrom: string; nextDoses: unknown[] }

export interface ExchangeActivities {
  forwardApplication(req: ForwardRequest): Promise<ForwardAck>;
  getForwardStatus(req: { idempotencyKey: string }): Promise<ForwardStatus>;
  withdrawForward(req: WithdrawForwardRequest): Promise<WithdrawForwardAnswer>;
  verifyBirthCertificate(req: VerifyBirthCertificateRequest): Promise<VerifiedBirthCertificate>;
  transferVaccinationRecord(req: TransferVaccinationRequest): Promise<TransferredVaccinationRecord>;
}
