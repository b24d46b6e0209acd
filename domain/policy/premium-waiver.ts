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
import { Citation, cite, clauseLabel } from './clauses';
import { entryAt, firstEffectiveDate, nearestEntry, valueAt, type PolicyTable } from './policy-table';

/** The law's words: the individual contribution "由财政予以全额补助" (paid in full by public finance). */
const BENEFIT = '居民医保个人缴费财政全额补助';
const CLAUSE = 15;

/** The sentence for a year whose individual contribution is not yet published (rules.md "Premium figures: one source"). */
export function unpublishedPremiumSentence(year: number): string {
  return `${year}年度个人缴费标准尚未公布，参保后按公布标准由财政全额补助`;
}

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
  /** The individual contribution of `enrolmentYear` in yuan, whole year; null when that year's figure is not published. */
  premium: z.number().nullable(),
  /** Paid by public finance, yuan: `premium` when eligible, 0 when not; null when eligible but the figure is not published. */
  amount: z.number().nullable(),
  /**
   * Where `premium` comes from: `agency` — the medical-security agency's figure on enrolment (the one
   * used once enrolled); `table` — the estimate from the policy table; `unpublished` — no figure yet for
   * that year (`premium` null, the reason says so plainly).
   */
  premiumSource: z.enum(['agency', 'table', 'unpublished']),
  grandparentsLtc: z.array(GrandparentLtcSubsidy),
  citation: Citation,
});
export type PremiumWaiverDecision = z.infer<typeof PremiumWaiverDecision>;

export function decidePremiumWaiver(input: BenefitsInput, table: PolicyTable): PremiumWaiverDecision {
  const birthDate = shanghaiDate(input.birthAt);
  const first = firstEffectiveDate(table, 'premiumWaiver');
  // A birth outside every version is still judged against the nearest one, so that ALL reasons show.
  const rule = nearestEntry(table, 'premiumWaiver', birthDate);
  if (!rule) throw new Error('policy table has no premiumWaiver entry');
  const { birthOrders, windowMonths } = rule.value;
  const deadline = premiumWaiverDeadline(table, birthDate);
  const clauseNumber = rule.clause ?? CLAUSE;
  const clause = clauseLabel(clauseNumber);

  const failed: FailedCondition[] = [];
  const push = (f: FailedCondition | null): void => {
    if (f) failed.push(f);
  };
  push(birthDateCondition(birthDate, entryAt(table, 'premiumWaiver', birthDate), first, BENEFIT, clause));
  push(birthOrderCondition(input.birthOrder, birthOrders, BENEFIT, clause));

  const enrolment = input.enrolment ?? null;
  if (enrolment) {
    if (!enrolment.inJinan) {
      push({ code: 'ENROLMENT_NOT_IN_JINAN', message: `未在济南市参加城乡居民基本医疗保险，不在补助范围（${clause}）`, clause });
    }
    if (compareIsoDates(enrolment.registeredOn, birthDate) < 0) {
      push({ code: 'ENROLMENT_BEFORE_BIRTH', message: `参保登记日期${enrolment.registeredOn}早于出生日期${birthDate}，请核对`, clause });
    } else if (compareIsoDates(enrolment.registeredOn, deadline) > 0) {
      push({
        code: 'ENROLMENT_AFTER_DEADLINE',
        message: `参保登记日期${enrolment.registeredOn}晚于截止日${deadline}（${clause}：须自出生之日起${windowMonths}个月内参保）`,
        clause,
      });
    }
  }

  const eligible = failed.length === 0;
  const pending = eligible && enrolment === null;
  const enrolmentYear = yearOf(enrolment ? enrolment.registeredOn : birthDate);
  // One source: once enrolled, the agency's figure; before, the table's estimate; else "not yet published".
  const agencyPremium = enrolment?.agencyPremiumYuan;
  const tablePremium = valueAt(table, 'residentPremiumYuan', enrolment ? enrolment.registeredOn : birthDate) ?? null;
  const premium = agencyPremium ?? tablePremium;
  const premiumSource = agencyPremium !== undefined ? 'agency' : tablePremium !== null ? 'table' : 'unpublished';
  const amount = eligible ? premium : 0;

  let reason: string;
  if (!eligible) {
    reason = refusalReason(BENEFIT, failed);
  } else {
    const who = `${clause}；${birthOrderName(input.birthOrder)}，${birthDate}出生`;
    if (pending) {
      const estimate = premium === null ? unpublishedPremiumSentence(enrolmentYear) : `按出生年度预计${enrolmentYear}年度个人缴费${premium}元`;
      reason = `符合${BENEFIT}条件（${who}）：须于${deadline}前（含当日）在济南参加城乡居民医保，参保登记当年度个人缴费由财政予以全额补助（${estimate}）`;
    } else {
      const money = premium === null
        ? unpublishedPremiumSentence(enrolmentYear)
        : `${enrolmentYear}年度个人缴费${premium}元由财政予以全额补助${premiumSource === 'agency' ? '（医保经办机构核定金额）' : ''}`;
      reason = `符合${BENEFIT}条件（${who}，${enrolment?.registeredOn ?? ''}在济南参保，截止日${deadline}）：${money}`;
    }
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
    premiumSource,
    grandparentsLtc: grandparentsLtc(input, { eligible, pending, deadline, enrolmentYear }),
    citation: cite(clauseNumber),
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
    if (!child.eligible) reason = `孙辈不符合${BENEFIT}条件，${relation}的长期护理保险个人缴费不予补助（第十五条）`;
    else if (child.pending) reason = `${relation}参加济南市长期护理保险：孙辈于${child.deadline}前（含当日）参保后，参保当年度个人缴费部分由财政予以全额补助（第十五条）`;
    else reason = `${relation}参加济南市长期护理保险，${child.enrolmentYear}年度个人缴费部分由财政予以全额补助（第十五条）`;
    return { relation, subsidised: child.eligible, year: child.enrolmentYear, reason };
  });
}

/** The last day enrolment still qualifies: `windowMonths` from the birth date by the Civil Code (rules.md). */
export function premiumWaiverDeadline(table: PolicyTable, birthDate: IsoDate): IsoDate {
  const rule = nearestEntry(table, 'premiumWaiver', birthDate);
  if (!rule) throw new Error('policy table has no premiumWaiver entry');
  return addMonthsCivil(birthDate, rule.value.windowMonths);
}

/**
 * Whether the clause-15 subsidy applies to an enrolment, by the same table and rule as the decision: the
 * one definition the mock medical-security agency answers `waived` from.
 */
export function premiumWaiverApplies(
  table: PolicyTable,
  enrolment: { birthOrder: number; birthDate: IsoDate; enrolledOn: IsoDate },
): boolean {
  return decidePremiumWaiver(
    {
      birthAt: `${enrolment.birthDate}T12:00:00+08:00`,
      birthOrder: enrolment.birthOrder,
      childHukouRegionCode: null,
      enrolment: { registeredOn: enrolment.enrolledOn, inJinan: true },
      motherInsurance: 'none',
      motherSupport: {},
    },
    table,
  ).eligible;
}

/** The published yearly individual premiums of the table, by calendar year (for the mock agency). */
export function publishedPremiumsByYear(table: PolicyTable): Record<number, number> {
  const byYear: Record<number, number> = {};
  for (const e of table.residentPremiumYuan) {
    for (let y = yearOf(e.effectiveFrom); y <= yearOf(e.effectiveTo ?? e.effectiveFrom); y++) byYear[y] = e.value;
  }
  return byYear;
}
