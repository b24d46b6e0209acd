// Childcare subsidy (clause 12): 600 yuan a month per 二孩/三孩 of a Jinan household born on or after
// 2023-01-01, plus 200 when the mother receives 低保, 特困供养 or unemployment benefits, until age 3.
import { z } from 'zod';
import { addYearsCivil, monthsInclusive, shanghaiDate, yearMonthOf, type IsoDate, type YearMonth } from '../dates';
import { birthDateCondition, birthOrderCondition, birthOrderName, FailedCondition, refusalReason, type BenefitsInput } from './conditions';
import { entryAt, firstEffectiveDate, nearestEntry, type PolicyTable } from './policy-table';

const BENEFIT = '育儿补贴';

export const ChildcareSubsidyDecision = z.object({
  /** Every known condition holds. With `pending`, the child's household registration is still to come. */
  eligible: z.boolean(),
  pending: z.boolean(),
  reason: z.string(),
  failed: z.array(FailedCondition),
  /** Yuan per month: base + supplement when eligible, 0 when not. */
  monthly: z.number(),
  base: z.number(),
  supplement: z.number(),
  /** Why the supplement applies (empty when it does not). */
  supplementReasons: z.array(z.string()),
  /** First and last month paid, both inclusive (see subsidyPeriod); null when not eligible. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  months: z.number().int(),
  /** The birthday that ends the subsidy (third, by default). */
  endsOn: z.iso.date(),
});
export type ChildcareSubsidyDecision = z.infer<typeof ChildcareSubsidyDecision>;

/**
 * The months paid, both ends inclusive: from the birth month to the month of the third birthday
 * (a choice where the clause says only "直至孩子3周岁"; it matches the API contract's example, born
 * 2026-11-20 → 2026-11 … 2029-11, 37 months). Change it here and nowhere else.
 */
export function subsidyPeriod(birthDate: IsoDate, untilAgeYears: number): { from: YearMonth; to: YearMonth; endsOn: IsoDate } {
  const endsOn = addYearsCivil(birthDate, untilAgeYears);
  return { from: yearMonthOf(birthDate), to: yearMonthOf(endsOn), endsOn };
}

export function decideChildcareSubsidy(input: BenefitsInput, table: PolicyTable): ChildcareSubsidyDecision {
  const birthDate = shanghaiDate(input.birthAt);
  const rule = nearestEntry(table, 'childcareSubsidy', birthDate);
  if (!rule) throw new Error('policy table has no childcareSubsidy entry');
  const { birthOrders, hukouRegionPrefix, monthlyYuan, supplementYuan, untilAgeYears } = rule.value;

  const failed: FailedCondition[] = [];
  const push = (f: FailedCondition | null): void => {
    if (f) failed.push(f);
  };
  const hukou = input.childHukouRegionCode;
  if (hukou !== null && !hukou.startsWith(hukouRegionPrefix)) {
    push({ code: 'HUKOU_NOT_JINAN', message: `孩子户籍地（${hukou}）不在济南市，育儿补贴仅发放给本市户籍家庭` });
  }
  push(birthDateCondition(birthDate, entryAt(table, 'childcareSubsidy', birthDate), firstEffectiveDate(table, 'childcareSubsidy'), BENEFIT));
  push(birthOrderCondition(input.birthOrder, birthOrders, BENEFIT));

  const support = input.motherSupport;
  const supplementReasons = [
    support.lowIncome ? '母亲享受最低生活保障' : null,
    support.destitute ? '母亲为特困供养人员' : null,
    support.unemploymentBenefit ? '母亲正在领取失业保险金' : null,
  ].filter((r): r is string => r !== null);

  const eligible = failed.length === 0;
  const pending = eligible && hukou === null;
  const supplement = eligible && supplementReasons.length > 0 ? supplementYuan : 0;
  const base = eligible ? monthlyYuan : 0;
  const period = subsidyPeriod(birthDate, untilAgeYears);

  let reason: string;
  if (!eligible) {
    reason = refusalReason(BENEFIT, failed);
  } else {
    const plus = supplement > 0 ? `，另因${supplementReasons.join('、')}每月加发${supplement}元育儿生活补贴` : '';
    const when = `${period.from}至${period.to}（至孩子${untilAgeYears}周岁）`;
    reason = `符合${BENEFIT}条件（${birthOrderName(input.birthOrder)}，${birthDate}出生）：每月${base}元${plus}，${when}`;
    if (pending) reason += `；须孩子在济南市落户后发放`;
  }

  return {
    eligible,
    pending,
    reason,
    failed,
    monthly: base + supplement,
    base,
    supplement,
    supplementReasons: eligible ? supplementReasons : [],
    from: eligible ? period.from : null,
    to: eligible ? period.to : null,
    months: eligible ? monthsInclusive(period.from, period.to) : 0,
    endsOn: period.endsOn,
  };
}
