// Medical-insurance premium waiver (clause 15): a 二孩/三孩 born on or after 2023-01-01 who enrols in Jinan
// resident medical insurance within six months of birth has that year's individual contribution paid in
// full; so do grandparents in Jinan long-term-care insurance (their LTC contribution). Readings: rules.md.
import { z } from 'zod';
import { addMonthsCivil, compareIsoDates, isoWeekday, lastDayByArt203, shanghaiDate, yearOf, type IsoDate } from '../dates';
import {
  activeRules,
  birthDateCondition,
  birthOrderCondition,
  birthOrderName,
  FailedCondition,
  GrandparentRelation,
  refusalReason,
  type BenefitsInput,
  type PolicyRules,
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

/** How Civil Code art. 203 moved (or kept) the deadline; on the decision only with the `restDays` rule. */
export const DeadlineByArt203 = z.object({
  /** The last day by arts. 201–202 (six months from the birth date). */
  counted: z.iso.date(),
  /** True when `counted` was a rest day or public holiday and the deadline is the next working day. */
  moved: z.boolean(),
  /** False when the holiday notice of a year looked at is not loaded: weekends only were counted. */
  calendarLoaded: z.boolean(),
  yearsNotLoaded: z.array(z.number().int()),
  /** The sentence for people: why the deadline moved, or that the year's calendar is not loaded. */
  note: z.string(),
});
export type DeadlineByArt203 = z.infer<typeof DeadlineByArt203>;

export const PremiumWaiverDecision = z.object({
  /** Every known condition holds. With `pending`, the enrolment is still to come (by `deadline`). */
  eligible: z.boolean(),
  pending: z.boolean(),
  reason: z.string(),
  failed: z.array(FailedCondition),
  birthDate: z.iso.date(),
  /** Last day on which enrolment registration still qualifies (inclusive). */
  deadline: z.iso.date(),
  /** With the `restDays` rule: how art. 203 applied to `deadline`. */
  deadlineByArt203: DeadlineByArt203.optional(),
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
  const { deadline, byArt203 } = premiumWaiverWindow(table, birthDate, input.rules);
  // Said in the reason only when it matters: a moved deadline, or a year whose holidays are not loaded.
  const art203Note = byArt203 && (byArt203.moved || !byArt203.calendarLoaded) ? byArt203.note : null;
  const clauseNumber = rule.clause ?? CLAUSE;
  const clause = clauseLabel(clauseNumber);

  const failed: FailedCondition[] = [];
  const push = (f: FailedCondition | null): void => {
    if (f) failed.push(f);
  };
  push(birthDateCondition(birthDate, entryAt(table, 'premiumWaiver', birthDate), first, BENEFIT, clause));
  push(birthOrderCondition(input.birthOrder, birthOrders, BENEFIT, clause));

  const enrolment = input.enrolment ?? null;
  const away = input.insuredOutsideJinan ?? null;
  if (away) {
    // Issue 19: insured at home, outside Jinan — known at acceptance, so said before the enrolment.
    push({ code: 'ENROLMENT_NOT_IN_JINAN', message: `孩子在户籍地（${away.label}）参加城乡居民基本医疗保险，未在济南市参保，济南市的补助不适用（${clause}）`, clause });
  }
  if (enrolment) {
    if (!enrolment.inJinan && !away) {
      push({ code: 'ENROLMENT_NOT_IN_JINAN', message: `未在济南市参加城乡居民基本医疗保险，不在补助范围（${clause}）`, clause });
    }
    if (compareIsoDates(enrolment.registeredOn, birthDate) < 0) {
      push({ code: 'ENROLMENT_BEFORE_BIRTH', message: `参保登记日期${enrolment.registeredOn}早于出生日期${birthDate}，请核对`, clause });
    } else if (compareIsoDates(enrolment.registeredOn, deadline) > 0) {
      push({
        code: 'ENROLMENT_AFTER_DEADLINE',
        message: `参保登记日期${enrolment.registeredOn}晚于截止日${deadline}（${clause}：须自出生之日起${windowMonths}个月内参保${art203Note ? `；${art203Note}` : ''}）`,
        clause,
      });
    }
  }

  const eligible = failed.length === 0;
  const pending = eligible && enrolment === null;
  const enrolmentYear = yearOf(enrolment ? enrolment.registeredOn : birthDate);
  // One source: once enrolled, the agency's figure; before, the table's estimate; else "not yet published".
  // A null from the agency (its figure not yet published) is never labelled as the agency's.
  const agencyPremium = typeof enrolment?.agencyPremiumYuan === 'number' ? enrolment.agencyPremiumYuan : undefined;
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
      reason = `符合${BENEFIT}条件（${who}）：须于${deadline}前（含当日）在济南参加城乡居民医保，参保登记当年度个人缴费由财政予以全额补助（${estimate}）${art203Note ? `；${art203Note}` : ''}`;
    } else {
      const money = premium === null
        ? unpublishedPremiumSentence(enrolmentYear)
        : `${enrolmentYear}年度个人缴费${premium}元由财政予以全额补助${premiumSource === 'agency' ? '（医保经办机构核定金额）' : ''}`;
      reason = `符合${BENEFIT}条件（${who}，${enrolment?.registeredOn ?? ''}在济南参保，截止日${deadline}${art203Note ? `，${art203Note}` : ''}）：${money}`;
    }
  }

  return {
    eligible,
    pending,
    reason,
    failed,
    birthDate,
    deadline,
    ...(byArt203 ? { deadlineByArt203: byArt203 } : {}),
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

/**
 * The last day enrolment still qualifies: `windowMonths` from the birth date by the Civil Code, arts.
 * 201–202; with the `restDays` rule, art. 203 too (rules.md).
 */
export function premiumWaiverDeadline(table: PolicyTable, birthDate: IsoDate, rules?: PolicyRules): IsoDate {
  return premiumWaiverWindow(table, birthDate, rules).deadline;
}

const WEEKDAY_NAMES = ['', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'] as const;

/** The deadline and, with the `restDays` rule, how art. 203 applied to it (with the sentence that says so). */
export function premiumWaiverWindow(table: PolicyTable, birthDate: IsoDate, rules?: PolicyRules): { deadline: IsoDate; byArt203: DeadlineByArt203 | null } {
  const rule = nearestEntry(table, 'premiumWaiver', birthDate);
  if (!rule) throw new Error('policy table has no premiumWaiver entry');
  const counted = addMonthsCivil(birthDate, rule.value.windowMonths);
  if (!activeRules(rules)?.restDays) return { deadline: counted, byArt203: null };
  const r = lastDayByArt203(counted);
  const first = r.restDays[0];
  const what = first?.kind === 'holiday' ? `法定节假日（${first.holiday ?? ''}）` : `休息日（${WEEKDAY_NAMES[isoWeekday(counted)]}）`;
  const law = '《民法典》第二百零三条';
  let note = r.moved
    ? `自出生之日起${rule.value.windowMonths}个月的最后一日${counted}为${what}，依${law}顺延至${r.date}`
    : `自出生之日起${rule.value.windowMonths}个月的最后一日${counted}为工作日，无需顺延（${law}）`;
  if (!r.calendarLoaded) {
    note += `；${r.yearsNotLoaded.join('、')}年度节假日安排尚未载入，仅按周末顺延，遇法定节假日以国务院公布的放假安排为准`;
  }
  return {
    deadline: r.date,
    byArt203: { counted, moved: r.moved, calendarLoaded: r.calendarLoaded, yearsNotLoaded: r.yearsNotLoaded, note },
  };
}

/**
 * Whether the clause-15 subsidy applies to an enrolment, by the same table and rule as the decision: the
 * one definition the mock medical-security agency answers `waived` from.
 */
export function premiumWaiverApplies(
  table: PolicyTable,
  enrolment: { birthOrder: number; birthDate: IsoDate; enrolledOn: IsoDate },
  rules?: PolicyRules,
): boolean {
  return decidePremiumWaiver(
    {
      birthAt: `${enrolment.birthDate}T12:00:00+08:00`,
      birthOrder: enrolment.birthOrder,
      childHukouRegionCode: null,
      enrolment: { registeredOn: enrolment.enrolledOn, inJinan: true },
      motherInsurance: 'none',
      motherSupport: {},
      ...(rules ? { rules } : {}),
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
