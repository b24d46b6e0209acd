// The benefits a newborn's family is entitled to under the Jinan birth policy, decided from plain facts
// and a date-effective policy table. Pure and deterministic: the workflow calls it as facts arrive
// (household registered, enrolment registered) and shows the answer in CaseView.benefits.
import { z } from 'zod';
import type { CaseCreateRequest } from '../case.schemas';
import { ChildcareSubsidyDecision, decideChildcareSubsidy } from './childcare-subsidy';
import type { BenefitsInput } from './conditions';
import { decideMaternity, MaternityDecision } from './maternity';
import { DEFAULT_POLICY_TABLE, type PolicyTable } from './policy-table';
import { decidePremiumWaiver, PremiumWaiverDecision } from './premium-waiver';

export { BenefitsInput, FailedCondition, GrandparentRelation, birthOrderName } from './conditions';
export { ChildcareSubsidyDecision, decideChildcareSubsidy, subsidyPeriod } from './childcare-subsidy';
export { MaternityDecision, decideMaternity } from './maternity';
export { GrandparentLtcSubsidy, PremiumWaiverDecision, decidePremiumWaiver } from './premium-waiver';
export * from './policy-table';

export const Benefits = z.object({
  premiumWaiver: PremiumWaiverDecision,
  childcareSubsidy: ChildcareSubsidyDecision,
  maternity: MaternityDecision,
});
export type Benefits = z.infer<typeof Benefits>;

/** Every benefit with its eligibility, amounts, dates and the reason for each failed condition. */
export function decideBenefits(input: BenefitsInput, table: PolicyTable = DEFAULT_POLICY_TABLE): Benefits {
  return {
    premiumWaiver: decidePremiumWaiver(input, table),
    childcareSubsidy: decideChildcareSubsidy(input, table),
    maternity: decideMaternity(input, table),
  };
}

/**
 * The input from a case application plus the facts learnt later: the child's household region (from
 * household registration) and the insurance enrolment. The case records 低保 only (`mother.lowIncome`).
 */
export function benefitsInputFor(
  application: Pick<CaseCreateRequest, 'newborn' | 'mother'>,
  facts: {
    childHukouRegionCode?: string | null;
    enrolment?: { registeredOn: string; inJinan: boolean } | null;
    grandparentsInLtc?: BenefitsInput['grandparentsInLtc'];
  } = {},
): BenefitsInput {
  return {
    birthAt: application.newborn.birthAt,
    birthOrder: application.newborn.birthOrder,
    childHukouRegionCode: facts.childHukouRegionCode ?? null,
    enrolment: facts.enrolment ?? null,
    motherInsurance: application.mother.insurance,
    motherSupport: { lowIncome: application.mother.lowIncome },
    ...(facts.grandparentsInLtc ? { grandparentsInLtc: facts.grandparentsInLtc } : {}),
  };
}
