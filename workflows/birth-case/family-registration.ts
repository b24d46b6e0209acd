// The sixth service, 生育登记 (issue 18, patch `family-registration`), first in the registration chain.
// A case that names the parents' online registration completes it at once (source `online`) and tells the
// registration's workflow that the child is born; a case without one registers the family at the health
// commission itself (source `case`), sending the children born before this delivery as the birth order
// says. The commission disagreeing on that number is a correction notice for the clerk.
import { ApplicationFailure, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { FamilyRegistrationActivities } from '../../activities/family-registration.types';
import { agencyActivityOptions } from '../../activities/agency-options';
import { AgencyFailureType, type CorrectionDetails } from '../../activities/agency.types';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { shanghaiDate, toShanghaiIso } from '../../domain/dates';
import type { LinkedRegistration } from '../birth-case.contract';
import {
  familyRegistrationWorkflowId, registrationCaseLinked, registrationConflictsOf, type FamilyRegistrationRequest, type RegistrationConflict,
} from '../family-registration.contract';
import type { CaseRun } from './case-run';
import { runService, type Outcome, type Submission } from './service-runner';
import { watched } from './waits';

const healthCommission = proxyActivities<Pick<FamilyRegistrationActivities, 'registerFamily'>>(agencyActivityOptions.healthCommission);

/** The children born to the mother before this delivery: the birth order less this child's place in it (twins: its position). */
export const childrenBeforeOf = (newborn: CaseCreateRequest['newborn']): number =>
  Math.max(0, newborn.birthOrder - (newborn.multipleBirth?.position ?? 1));

/** The 生育登记 of the case: linked at once, or registered by the case (with its correction loop). */
export async function familyRegistrationStep(run: CaseRun): Promise<void> {
  const linked = run.input.registration;
  if (linked) {
    linkOnlineRegistration(run, linked);
    return;
  }
  await runService(run, 'familyRegistration', (s) => registerFamily(run, s), () => true);
}

/**
 * Completed at once from the parents' online registration; the registration's workflow is told of the
 * birth (a signal; not awaited, so the chain goes on in the same task). A registration closed or gone meanwhile fails the
 * signal, not the case: the case holds what the API checked when it linked it.
 */
function linkOnlineRegistration(run: CaseRun, linked: LinkedRegistration): void {
  if (run.requested('familyRegistration') && run.serviceState('familyRegistration').status === 'pending') {
    run.record({
      action: 'service.completed', service: 'familyRegistration', attempt: 1, reason: '已关联家长网上生育登记',
      data: { result: { registrationNumber: linked.registrationNumber, childrenOnRecord: linked.childrenOnRecord, source: 'online' } },
    });
  }
  // Told once, by the case's first run (a continued run has told it already); the birth closes the
  // registration even when the clerk did not ask for the 生育登记 as an item.
  if (run.input.resume) return;
  const registration = getExternalWorkflowHandle(familyRegistrationWorkflowId(linked.registrationId));
  registration.signal(registrationCaseLinked, { caseId: run.input.caseId, birthAt: run.application.newborn.birthAt, at: toShanghaiIso(Date.now()) })
    .catch(() => undefined);
}

/** The family as the case knows it, registered at the birth (and closed as born with this case at once). */
function registrationRequest(run: CaseRun): FamilyRegistrationRequest {
  const { mother, father, newborn } = run.application;
  const person = (p: { name: string; idNumber: string; phone: string; hukouRegionCode: string }) => ({ name: p.name, idNumber: p.idNumber, phone: p.phone, hukouRegionCode: p.hukouRegionCode });
  // The case knows that the parents are married, not the date: the commission's register has it.
  const marriage = (run.application.married ? { married: true } : { married: false }) as FamilyRegistrationRequest['marriage'];
  return {
    mother: person(mother), father: father ? person(father) : null, marriage,
    childrenBefore: childrenBeforeOf(newborn), expectedMonth: shanghaiDate(newborn.birthAt).slice(0, 7),
    hospitalId: run.input.hospitalId, householdOf: run.application.householdOf,
  };
}

async function registerFamily(run: CaseRun, { idempotencyKey }: Submission): Promise<Outcome<boolean>> {
  try {
    const r = await watched(run, 'familyRegistration', () => healthCommission.registerFamily({
      idempotencyKey, registrationId: `case-${run.input.caseId}`, request: registrationRequest(run), caseId: run.input.caseId,
    }));
    return { ok: true, value: true, result: { registrationNumber: r.registrationNumber, childrenOnRecord: r.childrenOnRecord, source: 'case' } };
  } catch (err) {
    const conflicts = registrationConflictsOf(err);
    if (conflicts === null || conflicts.length === 0) throw err;
    throw correctionNotice(run, conflicts);
  }
}

/**
 * The commission's conflicts as a correction notice for the clerk, each on the application's field: a
 * different number of children is a question about the birth order (the service runner waits for the
 * clerk's correction and registers again).
 */
function correctionNotice(run: CaseRun, conflicts: RegistrationConflict[]): ApplicationFailure {
  const { newborn } = run.application;
  const items = conflicts.map((c) => (c.code === 'CHILDREN_MISMATCH'
    ? {
      path: 'newborn.birthOrder',
      message: `${c.message.replace(/[，。]?请核对$/, '')}；按本办件孩次（第${newborn.birthOrder}孩${newborn.multipleBirth ? `，多胞胎中第${newborn.multipleBirth.position}个出生` : ''}）推算为${childrenBeforeOf(newborn)}个。` +
        '如多胞胎信息有误，请更正后重新登记；孩次是办件标识的组成部分，如孩次有误，请撤销本办件后按正确孩次重新申报',
    }
    : { path: c.path, message: c.message }));
  const details: CorrectionDetails = { agency: 'healthCommission', items, dueAt: null };
  return ApplicationFailure.create({ type: AgencyFailureType.CorrectionRequired, nonRetryable: true, message: 'family registration conflict', details: [details] });
}
