// Scripted agencies for workflow tests: each case id gets its own script (correction, refusal, review),
// and every call is recorded with its idempotency key. The real HTTP mocks are in mock-agencies/.
import { ApplicationFailure } from '@temporalio/common';
import type { AgencyActivities, HouseholdOutcome, SmsTemplate, SocialSecurityCardStatus } from '../../activities/agency.types';
import { AgencyFailureType, AgencyProtocolFailureType } from '../../activities/agency.types';
import { RegistrationConflictType, type FamilyRegistrationActivities } from '../../activities/family-registration.types';
import type { ExchangeActivities, ForwardKind, ForwardStatus } from '../../activities/exchange.types';
import { CHANNELS } from '../../domain/catalog';
import { channelTo } from '../../domain/regions';

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
  /** the cross-region exchange (issue 19) and the other place behind it */
  exchange?: ExchangeScript;
}

/** How the other place answers a forward (per case): after some reads, asking originals first, or refusing. */
export interface ExchangeScript {
  /** status reads before the other place answers (default 1) */
  answerAfterReads?: number;
  /** the forwards of these kinds ask the parents for originals first (answered once receiveOriginals is called) */
  originals?: ForwardKind[];
  /** the forwards of these kinds are refused with this reason */
  refuse?: { kinds: ForwardKind[]; reason: string };
  /** the exchange is unreachable (retryable error) for its first N forward requests */
  unreachableAttempts?: number;
  /** the other place never answers (until withdrawn) */
  neverAnswer?: boolean;
  /** the birth certificate does not match the other place's record */
  certificateMismatch?: boolean;
  /** the first N status reads answer with a protocol error (an answer nobody planned for) */
  statusProtocolErrors?: number;
}

interface ForwardRecord { caseId: string; kind: ForwardKind; destination: string; forwardId: string; ackMs: number; reads: number; originalsReceived: boolean; withdrawn: boolean }

/** What the workflow calls of the family registration's activities: the case registers a family itself. */
type CaseRegistrationActivities = Pick<FamilyRegistrationActivities, 'registerFamily'>;

export interface AgencyCall { activity: keyof AgencyActivities | keyof CaseRegistrationActivities | keyof ExchangeActivities; idempotencyKey: string; caseId?: string }

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

  /** the forwards the exchange took, by idempotency key */
  readonly forwards = new Map<string, ForwardRecord>();
  /** the exchange's clock (a time-skipping test sets the test server's) */
  exchangeNow: () => Promise<number> = async () => Date.now();

  script(caseId: string, script: AgencyScript): void { this.scripts.set(caseId, script); }
  /** The parents' originals arrived at the other place (every forward of the case asking for them). */
  receiveOriginals(caseId: string): void {
    for (const f of this.forwards.values()) if (f.caseId === caseId) f.originalsReceived = true;
  }
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
      ...this.exchangeActivities(),
      sendSms: async (req) => {
        const s = this.note('sendSms', req.idempotencyKey, req.caseId);
        if (s.smsDelay?.template === req.template) await new Promise((r) => setTimeout(r, s.smsDelay?.ms));
        return { messageId: `M-${req.idempotencyKey}` };
      },
    };
  }

  private forwardStatus(key: string): ForwardStatus {
    const f = this.forwards.get(key);
    if (!f) throw ApplicationFailure.create({ type: AgencyProtocolFailureType, nonRetryable: true, message: 'exchange getForwardStatus: HTTP 404 NOT_FOUND' });
    const s = this.scripts.get(f.caseId)?.exchange ?? {};
    const channel = channelTo(f.destination) === 'inProvince' ? 'inProvince' : 'crossProvince';
    const base = { forwardId: f.forwardId, channel } as const;
    f.reads += 1;
    if (f.withdrawn) return { state: 'withdrawn', ...base };
    if (s.refuse?.kinds.includes(f.kind)) return { state: 'refused', ...base, reason: s.refuse.reason };
    if (s.originals?.includes(f.kind) && !f.originalsReceived) {
      return { state: 'originals_requested', ...base, items: ['出生医学证明原件', '父母结婚证原件'], postTo: '青岛市市南区香港中路1号 户政窗口', dueAt: new Date(f.ackMs + 15 * 86_400_000).toISOString() };
    }
    if (s.neverAnswer || f.reads < (s.answerAfterReads ?? 1)) return { state: 'pending', ...base, dueAt: new Date(f.ackMs + (CHANNELS[channel].serviceLevelDays ?? 0) * 86_400_000).toISOString() };
    const results: Record<ForwardKind, Record<string, string | number | boolean | null>> = {
      household: { citizenId: `${f.destination}202612010011`, regionCode: f.destination },
      medicalInsurance: { enrolmentNumber: 'QD-YB-2026-0001', enrolledOn: new Date(f.ackMs + 8 * 3600_000).toISOString().slice(0, 10) },
      socialSecurityCard: { applicationNumber: 'QD-SB-2026-0001', cardNumber: 'Q37020000001', trackingNumber: 'EB123456789CN' },
    };
    return { state: 'completed', ...base, result: results[f.kind] };
  }

  private exchangeActivities(): ExchangeActivities {
    return {
      forwardApplication: async (req) => {
        const s = this.note('forwardApplication', req.idempotencyKey, req.caseId).exchange ?? {};
        if ((s.unreachableAttempts ?? 0) >= this.callsFor(req.caseId, 'forwardApplication').length) throw new Error('exchange forwardApplication: ECONNREFUSED');
        const ackMs = await this.exchangeNow();
        const existing = this.forwards.get(req.idempotencyKey);
        const f = existing ?? { caseId: req.caseId, kind: req.kind, destination: req.destinationRegionCode, forwardId: `FW-${this.forwards.size + 1}`, ackMs, reads: 0, originalsReceived: false, withdrawn: false };
        this.forwards.set(req.idempotencyKey, f);
        const channel = channelTo(f.destination) === 'inProvince' ? 'inProvince' : 'crossProvince';
        return { forwardId: f.forwardId, channel, acknowledgedAt: new Date(f.ackMs).toISOString(), dueAt: new Date(f.ackMs + (CHANNELS[channel].serviceLevelDays ?? 0) * 86_400_000).toISOString() };
      },
      getForwardStatus: async (req) => {
        const s = this.note('getForwardStatus', req.idempotencyKey).exchange ?? {};
        const caseId = this.forwards.get(req.idempotencyKey)?.caseId ?? '';
        if (this.callsFor(caseId, 'getForwardStatus').length <= (s.statusProtocolErrors ?? 0)) {
          throw ApplicationFailure.create({ type: AgencyProtocolFailureType, nonRetryable: true, message: 'exchange getForwardStatus: HTTP 409 FORWARD_STATE_UNKNOWN' });
        }
        return this.forwardStatus(req.idempotencyKey);
      },
      withdrawForward: async (req) => {
        const f = this.forwards.get(req.idempotencyKey);
        this.compensations.push({ caseId: f?.caseId ?? '', kind: 'withdraw', agency: 'exchange', idempotencyKey: req.idempotencyKey });
        if (f) f.withdrawn = true;
        return { forwardId: f?.forwardId ?? '', withdrawn: f !== undefined, answer: f ? '办理地已撤回该申请' : '平台无此申请' };
      },
      verifyBirthCertificate: async (req) => {
        const s = this.note('verifyBirthCertificate', req.idempotencyKey, req.caseId).exchange ?? {};
        if (s.certificateMismatch) {
          throw ApplicationFailure.create({ type: AgencyFailureType.Refused, nonRetryable: true, message: 'refused', details: [{ agency: 'exchange', reason: '出生医学证明信息与签发地记录不一致' }] });
        }
        return { certificateNumber: req.certificateNumber, issuedBy: req.hospitalName, verifiedAt: new Date().toISOString() };
      },
      transferVaccinationRecord: async (req) => {
        this.note('transferVaccinationRecord', req.idempotencyKey, req.caseId);
        return { certificateNumber: 'YM-QD-2026-0001', transferredFrom: req.fromRegionCode, nextDoses: [{ vaccine: 'HepB-2', dueOn: '2027-01-01' }] };
      },
    };
  }
}
