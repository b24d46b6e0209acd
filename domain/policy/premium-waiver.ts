// Medical-insurance premium waiver (clause 15): a 二孩/三孩 born on or after 2023-01-01 who enrols in Jinan
// resident medical insurance within six months of birth has that year's individual contribution paid in
// full; so do grandparents in Jinan long-term-care insurance (their LTC contribution). Readings: rules.md.
import { z } from 'zod';
import { addMonthsCivil, compareIsoDates, shanghaiDate, yearOf, type IsoDate } from '../dates';
import {
  birthDateCondition,
  birthOrderCondition,
  birthOrderName,
  FailedCondition,
  GrandparentRelation,
  refusalReason,
  type BenefitsInput,
} from './conditions';
import { entryAt, firstEffectiveDate, nearestEntry, valueAt, type PolicyTable } from './policy-table';

const BENEFIT = '参保缴费减免';

export const GrandparentLtcSubsidy = z.object({
  relation: GrandparentRelation,
  /** True when the grandchild qualifies (while `pending`, provided the grandchild enrols in time). */
  subsidised: z.boolean(),
  /** The year whose individual LTC contribution is paid: the grandchild's enrolment year (当年度). */
  year: z.number().int(),
  reason: z.string(),
});
export type GrandparentLtcSubsidy = z.infer<typeof GrandparentLtcSubsidy>;

export const PremiumWaiverDecision = z.object({
  /** Every known condition holds. With `pending`, the enrolment is still to come (by `deadline`). */
  eligible: z.boolean(),
  pending: z.boolean(),
  reason: z.string(),
  failed: z.array(FailedCondition),
  birthDate: z.iso.date(),
  /** Last day on which enrolment registration still qualifies (inclusive). */
  deadline: z.iso.date(),
  /** Year of enrolment registration; while unknown, the birth year (`enrolmentYearEstimated`). */
  enrolmentYear: z.number().int(),
  enrolmentYearEstimated: z.boolean(),
  /** The individual contribution of `enrolmentYear` in yuan, whole year; null when that year is not configured. */
  premium: z.number().nullable(),
  /** Waived yuan: `premium` when eligible, 0 when not; null when eligible but the premium is not configured. */
  amount: z.number().nullable(),
  grandparentsLtc: z.array(GrandparentLtcSubsidy),
});
export type PremiumWaiverDecision = z.infer<typeof PremiumWaiverDecision>;

export function decidePremiumWaiver(input: BenefitsInput, table: PolicyTable): PremiumWaiverDecision {
  const birthDate = shanghaiDate(input.birthAt);
  const first = firstEffectiveDate(table, 'premiumWaiver');
  // A birth outside every version is still judged against the nearest one, so that ALL reasons show.
  const rule = nearestEntry(table, 'premiumWaiver', birthDate);
  if (!rule) throw new Error('policy table has no premiumWaiver entry');
  const { birthOrders, windowMonths } = rule.value;
  const deadline = addMonthsCivil(birthDate, windowMonths);

  const failed: FailedCondition[] = [];
  const push = (f: FailedCondition | null): void => {
    if (f) failed.push(f);
  };
  push(birthDateCondition(birthDate, entryAt(table, 'premiumWaiver', birthDate), first, BENEFIT));
  push(birthOrderCondition(input.birthOrder, birthOrders, BENEFIT));

  const enrolment = input.enrolment ?? null;
  if (enrolment) {
    if (!enrolment.inJinan) {
      push({ code: 'ENROLMENT_NOT_IN_JINAN', message: '未在济南市参加城乡居民基本医疗保险，不在减免范围' });
    }
    if (compareIsoDates(enrolment.registeredOn, birthDate) < 0) {
      push({ code: 'ENROLMENT_BEFORE_BIRTH', message: `参保登记日期${enrolment.registeredOn}早于出生日期${birthDate}，请核对` });
    } else if (compareIsoDates(enrolment.registeredOn, deadline) > 0) {
      push({
        code: 'ENROLMENT_AFTER_DEADLINE',
        message: `参保登记日期${enrolment.registeredOn}晚于截止日${deadline}（须自出生之日起${windowMonths}个月内参保）`,
      });
    }
  }

  const eligible = failed.length === 0;
  const pending = eligible && enrolment === null;
  const enrolmentYear = yearOf(enrolment ? enrolment.registeredOn : birthDate);
  const premium = valueAt(table, 'residentPremiumYuan', enrolment ? enrolment.registeredOn : birthDate) ?? null;
  const amount = eligible ? premium : 0;

  let reason: string;
  if (!eligible) {
    reason = refusalReason(BENEFIT, failed);
  } else {
    const who = `${birthOrderName(input.birthOrder)}，${birthDate}出生`;
    const money = premium === null ? `${enrolmentYear}年度个人缴费标准尚未配置` : `${enrolmentYear}年度个人缴费${premium}元`;
    reason = pending
      ? `符合${BENEFIT}条件（${who}）；须于${deadline}前（含当日）在济南参加城乡居民医保，参保登记当年度个人缴费由财政全额补助（按出生年度预计：${money}）`
      : `符合${BENEFIT}条件（${who}，${enrolment?.registeredOn ?? ''}在济南参保，截止日${deadline}）：${money}由财政全额补助`;
  }

  return {
    eligible,
    pending,
    reason,
    failed,
    birthDate,
    deadline,
    enrolmentYear,
    enrolmentYearEstimated: enrolment === null,
    premium,
    amount,
    grandparentsLtc: grandparentsLtc(input, { eligible, pending, deadline, enrolmentYear }),
  };
}

function grandparentsLtc(
  input: BenefitsInput,
  child: { eligible: boolean; pending: boolean; deadline: IsoDate; enrolmentYear: number },
): GrandparentLtcSubsidy[] {
  // One person per relation: a repeated relation is the same grandparent entered twice.
  const relations = [...new Set((input.grandparentsInLtc ?? []).map((g) => g.relation))];
  return relations.map((relation) => {
    let reason: string;
    if (!child.eligible) reason = `孙辈不符合${BENEFIT}条件，${relation}的长期护理保险个人缴费不予补助`;
    else if (child.pending) reason = `${relation}参加济南市长期护理保险：孙辈于${child.deadline}前（含当日）参保后，参保当年度个人缴费由财政全额补助`;
    else reason = `${relation}参加济南市长期护理保险，${child.enrolmentYear}年度个人缴费由财政全额补助`;
    return { relation, subsidised: child.eligible, year: child.enrolmentYear, reason };
  });
}
