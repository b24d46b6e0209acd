// The two tracks of the bundle: the vaccination record alongside, and the registration chain — birth
// certificate → household → medical insurance → social-security card — where each service needs what the
// one before it issued. Each submitter is one agency call (or a review / card production waited on).
import { CancelledFailure, proxyActivities } from '@temporalio/workflow';
import type { AgencyActivities, HouseholdOutcome, SocialSecurityCardStatus } from '../../activities/agency.types';
import { agencyActivityOptions } from '../../activities/agency-options';
import { serviceLabel } from '../../domain/catalog';
import { shanghaiDateOfMs, toShanghaiIso } from '../../domain/dates';
import type { CaseRun } from './case-run';
import { forwardCard, forwarded, forwardEnrolment, forwardHousehold, transferVaccination, verifyInboundCertificate } from './cross-region';
import { familyRegistrationStep } from './family-registration';
import { runService, skipAfter, type Outcome, type Submission } from './service-runner';
import { awaitAgency, notify, waitFor, watched, type Escalation } from './waits';

const healthCommission = proxyActivities<Pick<AgencyActivities, 'issueBirthCertificate'>>(agencyActivityOptions.healthCommission);
const vaccinationAgency = proxyActivities<Pick<AgencyActivities, 'createVaccinationRecord'>>(agencyActivityOptions.vaccination);
const publicSecurity = proxyActivities<Pick<AgencyActivities, 'registerHousehold' | 'getHouseholdRegistration'>>(agencyActivityOptions.publicSecurity);
const medicalSecurity = proxyActivities<Pick<AgencyActivities, 'enrolMedicalInsurance'>>(agencyActivityOptions.medicalSecurity);
const humanResources = proxyActivities<Pick<AgencyActivities, 'applySocialSecurityCard' | 'getSocialSecurityCardStatus'>>(agencyActivityOptions.humanResources);

const DAY_S = 86_400;
const parentOf = (p: { name: string; idNumber: string; hukouRegionCode: string }) => ({ name: p.name, idNumber: p.idNumber, hukouRegionCode: p.hukouRegionCode });

export async function vaccinationTrack(run: CaseRun): Promise<void> {
  // Since patch cross-region: a child born elsewhere has its record transferred through the exchange.
  if (run.places()?.inbound) {
    await runService(run, 'vaccination', (s) => transferVaccination(run, s), () => true);
    return;
  }
  await runService(run, 'vaccination', async ({ idempotencyKey }) => {
    const { newborn, mother } = run.application;
    const r = await watched(run, 'vaccination', () => vaccinationAgency.createVaccinationRecord({
      idempotencyKey,
      caseId: run.input.caseId,
      hospitalId: run.input.hospitalId,
      newborn: { name: newborn.name ?? null, sex: newborn.sex, birthAt: newborn.birthAt },
      mother: parentOf(mother),
      dosesGiven: ['HepB-1', 'BCG'],
    }));
    return { ok: true, value: true, result: { certificateNumber: r.certificateNumber, nextDoses: r.nextDoses } };
  }, () => true);
}

export async function registrationTrack(run: CaseRun): Promise<void> {
  // Since patch family-registration the chain begins with the 生育登记; a case without it awaits nothing more here.
  if (run.familyRegistration) await familyRegistrationStep(run);
  if (run.requested('birthCertificate') && !run.application.newborn.name && run.serviceState('birthCertificate').status === 'pending') {
    if (!run.events.some((e) => e.action === 'case.action_required')) run.record({ action: 'case.action_required', reason: '等待家长提供新生儿姓名' });
    await notify(run, 'action_required', 'newborn-name', { item: '新生儿姓名' });
    await waitFor(run, () => Boolean(run.application.newborn.name) || run.stopping(), Infinity);
    if (run.stopping()) return;
  }
  // Since patch cross-region, each item is handled where it belongs (cross-region.ts); else here, as always.
  const inbound = run.places()?.inbound === true;
  const certificate = await runService(run, 'birthCertificate', (s) => (inbound ? verifyInboundCertificate(run, s) : issueCertificate(run, s)), (result) => ({ certificateNumber: String(result.certificateNumber) }));
  if (!certificate) return skipAfter(run, 'birthCertificate', 'household', 'medicalInsurance', 'socialSecurityCard');

  const household = await runService(
    run, 'household', (s) => (forwarded(run, 'household') ? forwardHousehold(run, s, certificate.certificateNumber) : registerHousehold(run, s, certificate.certificateNumber)),
    (result) => ({ citizenId: String(result.citizenId), regionCode: String(result.regionCode) }),
  );
  if (!household) return skipAfter(run, 'household', 'medicalInsurance', 'socialSecurityCard');
  run.decide('household registered');

  const enrolment = await runService(
    run, 'medicalInsurance', (s) => (forwarded(run, 'medicalInsurance') ? forwardEnrolment(run, s, household.citizenId) : enrol(run, s, household.citizenId)),
    (result) => ({ enrolmentNumber: String(result.enrolmentNumber) }),
  );
  if (!enrolment) return skipAfter(run, 'medicalInsurance', 'socialSecurityCard');
  run.decide('medical insurance enrolled');

  const card = (s: Submission) => (forwarded(run, 'socialSecurityCard') ? forwardCard(run, s, household.citizenId, enrolment.enrolmentNumber) : applyForCard(run, s, household.citizenId, enrolment.enrolmentNumber));
  await runService(run, 'socialSecurityCard', card, () => true);
}

async function issueCertificate(run: CaseRun, { idempotencyKey }: Submission): Promise<Outcome<{ certificateNumber: string }>> {
  const { newborn, mother, father } = run.application;
  const r = await watched(run, 'birthCertificate', () => healthCommission.issueBirthCertificate({
    idempotencyKey,
    caseId: run.input.caseId,
    hospitalId: run.input.hospitalId,
    newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt, birthWeightGrams: newborn.birthWeightGrams },
    mother: parentOf(mother),
    father: father ? parentOf(father) : null,
  }));
  return { ok: true, value: r, result: { certificateNumber: r.certificateNumber } };
}

/** The household registration, through a manual review if the public-security bureau opens one. */
async function registerHousehold(run: CaseRun, { idempotencyKey, resumed }: Submission, certificateNumber: string): Promise<Outcome<{ citizenId: string; regionCode: string }>> {
  const { newborn, mother, father } = run.application;
  const register = (): Promise<HouseholdOutcome> => watched(run, 'household', () => publicSecurity.registerHousehold({
    idempotencyKey,
    caseId: run.input.caseId,
    birthCertificateNumber: certificateNumber,
    newborn: { name: newborn.name ?? '', sex: newborn.sex, birthAt: newborn.birthAt },
    mother: parentOf(mother),
    father: father ? parentOf(father) : null,
    married: run.application.married,
    householdOf: run.application.householdOf,
  }));
  const reRead = (): Promise<HouseholdOutcome> => watched(run, 'household', () => publicSecurity.getHouseholdRegistration({ idempotencyKey }));
  let seen = run.agencySignals.household;
  // After a continue-as-new the agency is read first: a decision may have come while the runs changed.
  let outcome: HouseholdOutcome = resumed?.status === 'under_review' ? await reRead() : await register();
  if (run.serviceState('household').status !== 'under_review' && outcome.outcome === 'under_review') {
    run.record({
      action: 'service.under_review', service: 'household', outcome: 'pending', reason: outcome.reason,
      data: { review: { agency: 'publicSecurity', reason: outcome.reason, reviewId: outcome.reviewId }, dueAt: outcome.slaDueAt ?? null },
    });
    await notify(run, 'action_required', 'household-review', { service: serviceLabel('household') });
  }
  const escalation = reviewEscalation(run);
  for (let round = 0; outcome.outcome === 'under_review' && !run.stopping(); round++) {
    await awaitAgency(run, 'household', round, seen, escalation);
    if (run.stopping()) break;
    seen = run.agencySignals.household;
    outcome = await reRead();
  }
  if (outcome.outcome === 'registered') return { ok: true, value: outcome, result: { citizenId: outcome.citizenId, regionCode: outcome.regionCode } };
  if (outcome.outcome === 'refused') return { ok: false, reason: outcome.reason };
  throw new CancelledFailure('case cancelled'); // cancelled while waiting: compensation takes it from here
}

/** The review's due time: the agency's, else the configured default from when the review began. */
function reviewEscalation(run: CaseRun): Escalation {
  const reviewEvent = [...run.events].reverse().find((e) => e.action === 'service.under_review' && e.service === 'household');
  const agencyDue = reviewEvent?.action === 'service.under_review' ? reviewEvent.data.dueAt : undefined;
  const began = Date.parse(reviewEvent?.at ?? toShanghaiIso(Date.now()));
  const dueAtMs = typeof agencyDue === 'string' ? Date.parse(agencyDue) : began + (run.settings.reviewDueSeconds ?? 3 * DAY_S) * 1000;
  const secondAfterMs = run.settings.secondEscalationSeconds !== undefined ? run.settings.secondEscalationSeconds * 1000 : Math.max(1000, dueAtMs - began);
  return {
    dueAtMs, secondAfterMs,
    message: (level) => (level === 1 ? '户口登记人工审核已超过办理时限，已提醒审核部门' : '户口登记人工审核严重超时，已上报上级督办'),
  };
}

async function enrol(run: CaseRun, { idempotencyKey }: Submission, childCitizenId: string): Promise<Outcome<{ enrolmentNumber: string }>> {
  const { newborn } = run.application;
  const r = await watched(run, 'medicalInsurance', () => medicalSecurity.enrolMedicalInsurance({
    idempotencyKey,
    caseId: run.input.caseId,
    childCitizenId,
    childName: newborn.name ?? '',
    birthAt: newborn.birthAt,
    birthOrder: newborn.birthOrder,
    enrolledOn: shanghaiDateOfMs(Date.now()),
  }));
  const result = { enrolmentNumber: r.enrolmentNumber, enrolledOn: r.enrolledOn, premium: r.premium, waived: r.waived };
  // A year whose premium the agency has not published yet: the case keeps the agency's own words.
  return { ok: true, value: r, result: r.premiumNotPublished ? { ...result, premiumNotPublished: r.premiumNotPublished } : result };
}

/** The card application, then its production and posting waited on (a callback or a re-read). */
async function applyForCard(run: CaseRun, { idempotencyKey, resumed }: Submission, childCitizenId: string, enrolmentNumber: string): Promise<Outcome<boolean>> {
  const { delivery } = run.application;
  let status: SocialSecurityCardStatus;
  let seen = run.agencySignals.socialSecurityCard;
  const reRead = (): Promise<SocialSecurityCardStatus> => watched(run, 'socialSecurityCard', () => humanResources.getSocialSecurityCardStatus({ idempotencyKey }));
  if (typeof resumed?.result?.applicationNumber === 'string') {
    status = await reRead(); // after a continue-as-new: the card may have been posted meanwhile
  } else {
    status = await watched(run, 'socialSecurityCard', () => humanResources.applySocialSecurityCard({
      idempotencyKey,
      caseId: run.input.caseId,
      childCitizenId,
      childName: run.application.newborn.name ?? '',
      enrolmentNumber,
      delivery: { method: delivery.method, address: delivery.address ?? null, recipient: delivery.recipient },
    }));
    // The card is made and posted days later; meanwhile the application number is already shown.
    run.record({ action: 'service.submitted', service: 'socialSecurityCard', outcome: 'pending', reason: '制卡中', data: { result: { applicationNumber: status.applicationNumber } } });
  }
  for (let round = 0; status.state === 'in_production' && !run.stopping(); round++) {
    await awaitAgency(run, 'socialSecurityCard', round, seen);
    if (run.stopping()) break;
    seen = run.agencySignals.socialSecurityCard;
    status = await reRead();
  }
  if (status.state === 'posted') {
    return { ok: true, value: true, result: { applicationNumber: status.applicationNumber, cardNumber: status.cardNumber, trackingNumber: status.trackingNumber } };
  }
  if (status.state === 'stopped') return { ok: false, reason: '制卡已被机构终止' };
  throw new CancelledFailure('case cancelled');
}
