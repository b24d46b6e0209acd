// The benefits a newborn's family is entitled to under the Jinan birth policy, decided from plain facts
// and a date-effective policy table. Pure and deterministic: the workflow calls it as facts arrive
// (household registered, enrolment registered) and shows the answer in CaseView.benefits.
import { z } from 'zod';
import type { CaseCreateRequest } from '../case.schemas';
import { ChildcareSubsidyDecision, decideChildcareSubsidy } from './childcare-subsidy';
import { activeRules, PolicyRules, type BenefitsInput, type SupplementGround } from './conditions';
import { decideMaternity, MaternityDecision } from './maternity';
import { DEFAULT_POLICY_TABLE, type PolicyTable } from './policy-table';
import { decidePremiumWaiver, PremiumWaiverDecision } from './premium-waiver';

export { BenefitsInput, FailedCondition, GrandparentRelation, PolicyRules, SupplementGround, activeRules, birthOrderName, familyChildrenOf } from './conditions';
export { ChildcareSubsidyDecision, decideChildcareSubsidy, subsidyPeriod } from './childcare-subsidy';
export { MaternityDecision, decideMaternity } from './maternity';
export {
  DeadlineByArt203, GrandparentLtcSubsidy, PremiumWaiverDecision, decidePremiumWaiver, premiumWaiverApplies, premiumWaiverDeadline, premiumWaiverWindow,
  publishedPremiumsByYear, unpublishedPremiumSentence,
} from './premium-waiver';
export { EntitlementItem, EntitlementKey, FamilyEntitlements, familyEntitlements } from './entitlements';
export type { EntitlementsChild } from './entitlements';
export { CLAUSE_TEXT, CLAUSE_TEXT_FULL, Citation, ClauseNumber, NationalRule, PLAN_TITLE, cite, citeNational, clauseLabel } from './clauses';
export * from './policy-table';

export const Benefits = z.object({
  premiumWaiver: PremiumWaiverDecision,
  childcareSubsidy: ChildcareSubsidyDecision,
  maternity: MaternityDecision,
  /**
   * The readings switched on for this decision (only those on; absent when none is): a read of the case
   * passes them on to `familyEntitlements`, so the summary follows the case's own decision.
   */
  rules: PolicyRules.optional(),
});
export type Benefits = z.infer<typeof Benefits>;

/**
 * Every benefit with its eligibility, amounts, dates and the reason for each failed condition. With no
 * `input.rules` switched on, the answer is exactly the one before issue 22 (running cases replay).
 */
export function decideBenefits(input: BenefitsInput, table: PolicyTable = DEFAULT_POLICY_TABLE): Benefits {
  const rules = activeRules(input.rules);
  return {
    premiumWaiver: decidePremiumWaiver(input, table),
    childcareSubsidy: decideChildcareSubsidy(input, table),
    maternity: decideMaternity(input, table),
    ...(rules ? { rules } : {}),
  };
}

/**
 * The supplement's ground of a recorded application. Applications recorded before the case held a ground
 * have only `mother.lowIncome` (低保 yes/no): they read as 低保 or none.
 */
export function supplementGroundOf(mother: { lowIncome?: boolean; supplementGround?: SupplementGround }): SupplementGround {
  const ground = mother.supplementGround ?? 'none';
  // `lowIncome` is the older word for 低保 and may be corrected on its own: it decides that ground.
  if (ground === 'minimumLivingAllowance') return mother.lowIncome === false ? 'none' : ground;
  if (ground !== 'none') return ground;
  return mother.lowIncome ? 'minimumLivingAllowance' : 'none';
}

/**
 * The input from a case application plus the facts learnt later: the child's household region (from
 * household registration) and the insurance enrolment (with the agency's premium figure). From the
 * application: the supplement's ground, the parent the child is registered with (`householdOf`) and that
 * parent's region, and a multiple birth. Fields absent from applications recorded earlier read as none.
 */
export function benefitsInputFor(
  application: Pick<CaseCreateRequest, 'newborn' | 'mother'> & Partial<Pick<CaseCreateRequest, 'father' | 'householdOf'>>,
  facts: {
    childHukouRegionCode?: string | null;
    enrolment?: { registeredOn: string; inJinan: boolean; agencyPremiumYuan?: number | null } | null;
    grandparentsInLtc?: BenefitsInput['grandparentsInLtc'];
    /** Readings switched on (see PolicyRules). */
    rules?: PolicyRules;
    /** Issue 19: insured where the household is, outside Jinan; the places' labels (see BenefitsInput). */
    insuredOutsideJinan?: BenefitsInput['insuredOutsideJinan'];
    regionLabels?: BenefitsInput['regionLabels'];
  } = {},
): BenefitsInput {
  const ground = supplementGroundOf(application.mother);
  const parent = application.householdOf === 'father' ? application.father : application.householdOf === 'mother' ? application.mother : null;
  const multiple = application.newborn.multipleBirth;
  return {
    birthAt: application.newborn.birthAt,
    birthOrder: application.newborn.birthOrder,
    childHukouRegionCode: facts.childHukouRegionCode ?? null,
    householdOfParent: parent && application.householdOf ? { parent: application.householdOf, hukouRegionCode: parent.hukouRegionCode } : null,
    enrolment: facts.enrolment ?? null,
    multipleBirth: multiple ? { children: multiple.children, position: multiple.position } : null,
    motherInsurance: application.mother.insurance,
    motherSupport: {
      lowIncome: ground === 'minimumLivingAllowance',
      destitute: ground === 'destituteSupport',
      unemploymentBenefit: ground === 'unemploymentBenefit',
    },
    ...(facts.grandparentsInLtc ? { grandparentsInLtc: facts.grandparentsInLtc } : {}),
    ...(facts.insuredOutsideJinan ? { insuredOutsideJinan: facts.insuredOutsideJinan } : {}),
    ...(facts.regionLabels ? { regionLabels: facts.regionLabels } : {}),
    ...(activeRules(facts.rules) ? { rules: activeRules(facts.rules) } : {}),
  };
}
