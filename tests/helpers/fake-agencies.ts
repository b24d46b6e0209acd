// Scripted agencies for workflow tests: each case id gets its own script (correction, refusal, review),
// and every call is recorded with its idempotency key. The real HTTP mocks are in mock-agencies/.
import { ApplicationFailure } from '@temporalio/common';
import type { AgencyActivities, HouseholdOutcome, SmsTemplate, SocialSecurityCardStatus } from '../../activities/agency.types';
import { AgencyFailureType, AgencyProtocolFailureType } from '../../activities/agency.types';
import { RegistrationConflictType, type FamilyRegistrationActivities } from '../../activities/family-registration.types';

export interface AgencyScript {
  /** correction items for the first N birth-certificate submissions */
  certificateCorrections?: number;
  refuseCertificate?: boolean;
  householdReview?: boolean;
  refuseHousehold?: boolean;
  /** number of status reads before the card counts as posted */
  cardReadsUntilPosted?: number;
  /** the deadline the agency puts on its correction notices (default: none, the case's own applies) */
  correctionDueAt?: string;
  /** a slow SMS gateway for one kind of message */
  smsDelay?: { template: SmsTemplate; ms: number };
  /** the vaccination agency answers its first N requests with a protocol error (as a 409 IDEMPOTENCY_CONFLICT) */
  vaccinationProtocolErrors?: number;
  /** the health commission takes this long to answer (a certificate request in flight) */
  certificateDelayMs?: number;
  /** the card application takes this long to answer (a callback may arrive meanwhile) */
  cardApplyDelayMs?: number;
  /** the health commission is unreachable (retryable error) for its first N attempts */
  certificateUnavailableAttempts?: number;
  /** the health commission's record of the mother's earlier children (生育登记, issue 18; default: what the case declares) */
  childrenOnRecord?: number;
}

/** What the workflow calls of the family registration's activities: the case registers a family itself. */
type CaseRegistrationActivities = Pick<FamilyRegistrationActivities, 'registerFamily'>;

export interface AgencyCall { activity: keyof AgencyActivities | keyof CaseRegistrationActivities; idempotencyKey: string; caseId?: string }

export class FakeAgencies {
  readonly calls: AgencyCall[] = [];
  private readonly scripts = new Map<string, AgencyScript>();
  private readonly reviews = new Map<string, 'pending' | 'approve' | 'reject'>();
  private readonly cardReads = new Map<string, number>();
  private readonly keyToCase = new Map<string, string>();
  /** compensation requests received, in order */
  /** keys of submissions that issued something */
  private readonly issued = new Set<string>();
  readonly compensations: Array<{ caseId: string; kind: 'withdraw' | 'notify'; agency: string; idempotencyKey: string }> = [];

  script(caseId: string, script: AgencyScript): void { this.scripts.set(caseId, script); }
  decide(caseId: string, decision: 'approve' | 'reject'): void { this.reviews.set(caseId, decision); }
  callsFor(caseId: string, activity?: AgencyCall['activity']): AgencyCall[] {
    return this.calls.filter((c) => c.caseId === caseId && (!activity || c.activity === activity));
  }

  private note(activity: AgencyCall['activity'], idempotencyKey: string, caseId?: string): AgencyScript {
    const id = caseId ?? this.keyToCase.get(idempotencyKey);
    if (caseId) this.keyToCase.set(idempotencyKey, caseId);
    this.calls.push({ activity, idempotencyKey, caseId: id });
    return (id && this.scripts.get(id)) || {};
  }

  activities(): AgencyActivities & CaseRegistrationActivities {
    const household = (caseId: string): HouseholdOutcome => {
      const s = this.scripts.get(caseId) ?? {};
      if (s.refuseHousehold) return { outcome: 'refused', reason: '材料不符合出生登记条件' };
      const decision = s.householdReview ? (this.reviews.get(caseId) ?? 'pending') : 'approve';
      if (decision === 'pending') return { outcome: 'under_review', reviewId: `R-${caseId}`, reason: '非婚生育，需人工审核' };
      if (decision === 'reject') return { outcome: 'refused', reason: '审核不通过' };
      return { outcome: 'registered', citizenId: '370103202611200025', regionCode: '370103' };
    };
    const card = (key: string): SocialSecurityCardStatus => {
      const caseId = this.keyToCase.get(key) ?? '';
      const reads = this.cardReads.get(caseId) ?? 0;
      const until = this.scripts.get(caseId)?.cardReadsUntilPosted ?? 1;
      return reads >= until
        ? { state: 'posted', applicationNumber: 'SB2026000001', cardNumber: 'J37010000001', trackingNumber: 'EA123456789CN' }
        : { state: 'in_production', applicationNumber: 'SB2026000001' };
    };
    return {
      issueBirthCertificate: async (req) => {
        const s = this.note('issueBirthCertificate', req.idempotencyKey, req.caseId);
        if ((s.certificateUnavailableAttempts ?? 0) >= this.callsFor(req.caseId, 'issueBirthCertificate').length) throw new Error('healthCommission issueBirthCertificate: ECONNREFUSED');
        if (s.certificateDelayMs) await new Promise((r) => setTimeout(r, s.certificateDelayMs));
        const attempts = this.callsFor(req.caseId, 'issueBirthCertificate').length;
        if (s.refuseCertificate) throw ApplicationFailure.create({ type: AgencyFailureType.Refused, nonRetryable: true, message: 'refused', details: [{ agency: 'healthCommission', reason: '非本院出生，不予受理' }] });
        if (attempts <= (s.certificateCorrections ?? 0)) {
          throw ApplicationFailure.create({
            type: AgencyFailureType.CorrectionRequired, nonRetryable: true, message: 'correction',
            details: [{ agency: 'healthCommission', items: [{ path: 'newborn.name', message: '姓名含非规范汉字' }, { path: 'mother.idNumber', message: '户籍系统无此身份证号' }], dueAt: s.correctionDueAt ?? null }],
          });
        }
        this.issued.add(req.idempotencyKey);
        return { certificateNumber: 'Q370123456' };
      },
      createVaccinationRecord: async (req) => {
        const s = this.note('createVaccinationRecord', req.idempotencyKey, req.caseId);
        if (this.callsFor(req.caseId, 'createVaccinationRecord').length <= (s.vaccinationProtocolErrors ?? 0)) {
          throw ApplicationFailure.create({
            type: AgencyProtocolFailureType, nonRetryable: true, message: 'vaccination createVaccinationRecord: HTTP 409 IDEMPOTENCY_CONFLICT',
            details: [{ agency: 'vaccination', operation: 'createVaccinationRecord', status: 409, code: 'IDEMPOTENCY_CONFLICT' }],
          });
        }
        this.issued.add(req.idempotencyKey);
        return { certificateNumber: 'YM2026000001', nextDoses: [{ vaccine: 'HepB-2', dueOn: '2026-12-20' }] };
      },
      registerHousehold: async (req) => { this.note('registerHousehold', req.idempotencyKey, req.caseId); return household(req.caseId); },
      getHouseholdRegistration: async (req) => { this.note('getHouseholdRegistration', req.idempotencyKey); return household(this.keyToCase.get(req.idempotencyKey) ?? ''); },
      enrolMedicalInsurance: async (req) => {
        this.note('enrolMedicalInsurance', req.idempotencyKey, req.caseId);
        return { enrolmentNumber: 'YB2026000001', enrolledOn: req.enrolledOn, premium: 400, waived: req.birthOrder === 2 || req.birthOrder === 3 };
      },
      applySocialSecurityCard: async (req) => {
        const s = this.note('applySocialSecurityCard', req.idempotencyKey, req.caseId);
        if (s.cardApplyDelayMs) await new Promise((r) => setTimeout(r, s.cardApplyDelayMs));
        return { state: 'in_production', applicationNumber: 'SB2026000001' };
      },
      getSocialSecurityCardStatus: async (req) => {
        this.note('getSocialSecurityCardStatus', req.idempotencyKey);
        const caseId = this.keyToCase.get(req.idempotencyKey) ?? '';
        this.cardReads.set(caseId, (this.cardReads.get(caseId) ?? 0) + 1);
        return card(req.idempotencyKey);
      },
      withdrawApplication: async (req) => {
        this.compensations.push({ caseId: req.caseId, kind: 'withdraw', agency: req.agency, idempotencyKey: req.idempotencyKey });
        if (req.agency === 'publicSecurity' && this.reviews.get(req.caseId) !== 'approve') {
          this.reviews.set(req.caseId, 'reject');
          return { outcome: 'withdrawn', document: null, message: 'review withdrawn; removed from the officer queue' };
        }
        if (req.agency === 'humanResources') return { outcome: 'withdrawn', document: null, message: 'card production stopped before posting' };
        return this.issued.has(req.idempotencyKey)
          ? { outcome: 'already_done', document: 'document', message: 'already issued' }
          : { outcome: 'not_received', document: null, message: 'no application with this key; key closed' };
      },
      notifyCaseCancelled: async (req) => {
        this.compensations.push({ caseId: req.caseId, kind: 'notify', agency: req.agency, idempotencyKey: req.idempotencyKey });
        return { acknowledged: true, reference: `CN-${req.agency}`, document: req.agency === 'healthCommission' ? '出生医学证明 Q370123456' : null };
      },
      registerFamily: async (req) => {
        const s = this.note('registerFamily', req.idempotencyKey, req.caseId);
        const onRecord = s.childrenOnRecord ?? req.request.childrenBefore;
        if (onRecord !== req.request.childrenBefore) {
          throw ApplicationFailure.create({
            type: RegistrationConflictType, nonRetryable: true, message: 'conflict (CHILDREN_MISMATCH)',
            details: [{ code: 'CHILDREN_MISMATCH', path: 'childrenBefore', message: `卫生健康委记录显示母亲此前已生育${onRecord}个子女，您申报的是${req.request.childrenBefore}个，请核对` }],
          });
        }
        return { registrationNumber: 'SY2026370100000001', childrenOnRecord: onRecord };
      },
      sendSms: async (req) => {
        const s = this.note('sendSms', req.idempotencyKey, req.caseId);
        if (s.smsDelay?.template === req.template) await new Promise((r) => setTimeout(r, s.smsDelay?.ms));
        return { messageId: `M-${req.idempotencyKey}` };
      },
    };
  }
}
