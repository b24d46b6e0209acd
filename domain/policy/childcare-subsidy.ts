// Childcare subsidy (clause 12): 600 yuan a month per 二孩/三孩 of a Jinan household born on or after
// 2023-01-01, plus 200 when the mother receives 低保, 特困供养 or unemployment benefit, until age 3.
import { z } from 'zod';
import { addMonthsToYearMonth, addYearsCivil, monthsInclusive, shanghaiDate, yearMonthOf, type IsoDate, type YearMonth } from '../dates';
import { Citation, cite, clauseLabel } from './clauses';
import {
  birthDateCondition, birthOrderCondition, birthOrderName, FailedCondition, refusalReason, SupplementGround, type BenefitsInput,
} from './conditions';
import { entryAt, firstEffectiveDate, nearestEntry, type ChildcareSubsidyRule, type PolicyTable } from './policy-table';

const BENEFIT = '育儿补贴';
const CLAUSE = 12;
const PARENT_NAMES = { mother: '母亲', father: '父亲' } as const;

const GROUND_WORDS: Readonly<Record<Exclude<SupplementGround, 'none'>, string>> = {
  minimumLivingAllowance: '母亲享受最低生活保障',
  destituteSupport: '母亲为特困供养人员',
  unemploymentBenefit: '母亲正在领取失业保险金',
};

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
  /** Why the supplement applies, in words (empty when it does not). */
  supplementReasons: z.array(z.string()),
  /** The same grounds as codes (empty when the supplement does not apply). */
  supplementGrounds: z.array(SupplementGround.exclude(['none'])),
  /** True when unemployment benefit is the only ground: the supplement is paid only while the benefit is drawn. */
  supplementOnlyWhileBenefitDrawn: z.boolean(),
  /** First and last month paid, both inclusive (see subsidyPeriod); null when not eligible. */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Monthly payments in total (36 for 直至孩子3周岁); 0 when not eligible. */
  months: z.number().int(),
  /** The birthday that ends the subsidy (third, by default). */
  endsOn: z.iso.date(),
  /**
   * The household region the decision read and where it comes from: `registered` (the child's own, once
   * household registration is done), `householdOfParent` (the parent the child is to be registered with),
   * `unknown`.
   */
  hukouRegionCode: z.string().nullable(),
  hukouBasis: z.enum(['registered', 'householdOfParent', 'unknown']),
  citation: Citation,
});
export type ChildcareSubsidyDecision = z.infer<typeof ChildcareSubsidyDecision>;

/**
 * The months paid, both ends inclusive, by the table's period rule: from the birth month to the month
 * before the month of the `untilAgeYears` birthday (`monthBeforeBirthday`: born 2023-01-01 → 2023-01 …
 * 2025-12, 36 payments), or to that birthday's month (`birthdayMonth`).
 */
export function subsidyPeriod(
  birthDate: IsoDate,
  rule: Pick<ChildcareSubsidyRule, 'untilAgeYears' | 'lastPaidMonth'>,
): { from: YearMonth; to: YearMonth; months: number; endsOn: IsoDate } {
  const endsOn = addYearsCivil(birthDate, rule.untilAgeYears);
  const from = yearMonthOf(birthDate);
  const to = rule.lastPaidMonth === 'birthdayMonth' ? yearMonthOf(endsOn) : addMonthsToYearMonth(yearMonthOf(endsOn), -1);
  return { from, to, months: monthsInclusive(from, to), endsOn };
}

/** The supplement's grounds from the input (old inputs: booleans only). */
function groundsOf(support: BenefitsInput['motherSupport']): Array<Exclude<SupplementGround, 'none'>> {
  return [
    support.lowIncome ? 'minimumLivingAllowance' : null,
    support.destitute ? 'destituteSupport' : null,
    support.unemploymentBenefit ? 'unemploymentBenefit' : null,
  ].filter((g): g is Exclude<SupplementGround, 'none'> => g !== null);
}

export function decideChildcareSubsidy(input: BenefitsInput, table: PolicyTable): ChildcareSubsidyDecision {
  const birthDate = shanghaiDate(input.birthAt);
  const rule = nearestEntry(table, 'childcareSubsidy', birthDate);
  if (!rule) throw new Error('policy table has no childcareSubsidy entry');
  const clauseNumber = rule.clause ?? CLAUSE;
  const clause = clauseLabel(clauseNumber);
  const { birthOrders, hukouRegionPrefix, monthlyYuan, supplementYuan, untilAgeYears } = rule.value;

  const failed: FailedCondition[] = [];
  const push = (f: FailedCondition | null): void => {
    if (f) failed.push(f);
  };
  // The child's hukou follows the parent named in householdOf: known at acceptance, confirmed on registration.
  const parent = input.householdOfParent ?? null;
  const hukou = input.childHukouRegionCode ?? parent?.hukouRegionCode ?? null;
  const hukouBasis = input.childHukouRegionCode ? 'registered' : parent ? 'householdOfParent' : 'unknown';
  const parentName = parent ? PARENT_NAMES[parent.parent] : '';
  if (hukou !== null && !hukou.startsWith(hukouRegionPrefix)) {
    // Issue 19: the place named when the case gives its label (山东省青岛市，370202); else the code, as before.
    const label = input.regionLabels?.[hukou];
    const place = label ? `${label}，${hukou}` : hukou;
    const where = hukouBasis === 'registered' ? `孩子户籍地（${place}）不在济南市` : `孩子随${parentName}落户，${parentName}户籍地（${place}）不在济南市`;
    push({ code: 'HUKOU_NOT_JINAN', message: `${where}，育儿补贴仅发放给本市户籍家庭（${clause}）`, clause });
  }
  push(birthDateCondition(birthDate, entryAt(table, 'childcareSubsidy', birthDate), firstEffectiveDate(table, 'childcareSubsidy'), BENEFIT, clause));
  push(birthOrderCondition(input.birthOrder, birthOrders, BENEFIT, clause));

  const grounds = groundsOf(input.motherSupport);
  const supplementReasons = grounds.map((g) => GROUND_WORDS[g]);
  const eligible = failed.length === 0;
  // Pending only for what is truly unknown: the registration in a Jinan household is still to come.
  const pending = eligible && hukouBasis !== 'registered';
  const supplement = eligible && grounds.length > 0 ? supplementYuan : 0;
  const onlyWhileDrawn = supplement > 0 && grounds.length === 1 && grounds[0] === 'unemploymentBenefit';
  const base = eligible ? monthlyYuan : 0;
  const period = subsidyPeriod(birthDate, rule.value);

  let reason: string;
  if (!eligible) {
    reason = refusalReason(BENEFIT, failed);
  } else {
    const limit = onlyWhileDrawn ? '，仅在领取失业保险金期间加发' : '';
    const plus = supplement > 0 ? `，另因${supplementReasons.join('、')}每月加发${supplement}元育儿生活补贴${limit}` : '';
    const when = `${period.from}至${period.to}，共${period.months}个月（至孩子${untilAgeYears}周岁）`;
    reason = `符合${BENEFIT}条件（${clause}；${birthOrderName(input.birthOrder)}，${birthDate}出生）：每月${base}元${plus}，${when}`;
    if (pending && hukouBasis === 'householdOfParent') {
      reason += `；孩子随${parentName}在济南市落户，户口登记办结后确认发放`;
    } else if (pending) {
      reason += '；须孩子在济南市落户后发放';
    }
  }

  return {
    eligible,
    pending,
    reason,
    failed,
    monthly: base + supplement,
    base,
    supplement,
    supplementReasons: supplement > 0 ? supplementReasons : [],
    supplementGrounds: supplement > 0 ? grounds : [],
    supplementOnlyWhileBenefitDrawn: onlyWhileDrawn,
    from: eligible ? period.from : null,
    to: eligible ? period.to : null,
    months: eligible ? period.months : 0,
    endsOn: period.endsOn,
    hukouRegionCode: hukou,
    hukouBasis,
    citation: cite(clauseNumber),
  };
}
