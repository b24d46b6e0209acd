// What the benefit decisions read (BenefitsInput) and the conditions they share: who counts as 二孩/三孩,
// and whether a birth date falls under a rule version. One place, so the benefits cannot read them differently.
import { z } from 'zod';
import { compareIsoDates, type IsoDate } from '../dates';
import type { PolicyEntry } from './policy-table';

export const GrandparentRelation = z.enum(['祖父', '祖母', '外祖父', '外祖母']);
export type GrandparentRelation = z.infer<typeof GrandparentRelation>;

/**
 * Why the mother gets the 200-yuan childcare-living supplement (clause 12): none, 最低生活保障 (低保),
 * 特困供养, or 领取失业保险金 (only while the benefit is drawn).
 */
export const SupplementGround = z.enum(['none', 'minimumLivingAllowance', 'destituteSupport', 'unemploymentBenefit']);
export type SupplementGround = z.infer<typeof SupplementGround>;

/**
 * Readings that change a decision for an input decided before them, so each is switched on explicitly (a
 * running case keeps deciding as it did: the workflow turns them on behind a patch). Absent or false: the
 * reading before issue 22. Recorded in the decision (`Benefits.rules`) so that reads follow the case.
 * - `restDays`: Civil Code art. 203 — the premium-waiver deadline (six months by arts. 201–202) that falls
 *   on a rest day or public holiday moves to the next working day; the decision says so (`deadlineByArt203`).
 * - `fullSummary`: the family summary's items of issue 22 (生育津贴 and 福利待遇不变, the national extra
 *   maternity leave, 普惠性幼儿园 and preschool aid, public-rental swap and +15 m², the grandparents' LTC
 *   subsidy always, the spouse's maternity insurance for an uninsured mother) and the clause-8 wording;
 *   the maternity decision for an uninsured mother names Social Insurance Law art. 54.
 * - `familyChildren`: housing-fund ceilings, public-rental priority, the school district (and, with
 *   `fullSummary`, the items that depend on the number of children) follow the family's number of children
 *   after this delivery (`familyChildrenOf`), the same on every twin's case, not the child's own birth order.
 */
export const PolicyRules = z.strictObject({
  restDays: z.boolean().optional(),
  fullSummary: z.boolean().optional(),
  familyChildren: z.boolean().optional(),
});
export type PolicyRules = z.infer<typeof PolicyRules>;

/** The rules switched on, or undefined when none is (the reading before issue 22: the output stays as it was). */
export function activeRules(rules: PolicyRules | undefined): PolicyRules | undefined {
  if (!rules) return undefined;
  const on = Object.fromEntries(Object.entries(rules).filter(([, v]) => v === true)) as PolicyRules;
  return Object.keys(on).length > 0 ? on : undefined;
}

/**
 * The family's number of children after this delivery: the birth order of the last-born child of it. A
 * first delivery of twins → 2 on both cases (birth orders 1 and 2); twins after one child → 3.
 */
export function familyChildrenOf(birthOrder: number, multipleBirth?: { children: number; position: number } | null): number {
  if (!multipleBirth) return birthOrder;
  return Math.max(birthOrder, birthOrder + multipleBirth.children - multipleBirth.position);
}

/** Facts about one newborn, plain JSON. Unknown-yet facts are null (hukou, enrolment): the decision is then pending. */
export const BenefitsInput = z.strictObject({
  /** ISO date-time with offset; the birth date is its Asia/Shanghai calendar date. */
  birthAt: z.iso.datetime({ offset: true }),
  birthOrder: z.number().int().min(1).max(20),
  /** The child's registered household region (from household registration); null until registered. */
  childHukouRegionCode: z.string().regex(/^\d{6}$/).nullable(),
  /**
   * The parent the child is to be registered with (the application's `householdOf`) and that parent's
   * household region: the child's hukou follows it, so the subsidy is decided from it at acceptance and
   * confirmed by `childHukouRegionCode` once registered.
   */
  householdOfParent: z.strictObject({ parent: z.enum(['mother', 'father']), hukouRegionCode: z.string().regex(/^\d{6}$/) }).nullable().optional(),
  /**
   * Resident medical-insurance enrolment registration; null/absent until enrolled. `agencyPremiumYuan`:
   * the yearly individual premium the medical-security agency answered on enrolment (the figure shown);
   * null when the agency has not published that year's figure (then the table's, else "not yet published").
   */
  enrolment: z.strictObject({ registeredOn: z.iso.date(), inJinan: z.boolean(), agencyPremiumYuan: z.number().nonnegative().nullable().optional() }).nullable().optional(),
  /** Twins, triplets…: how many children the delivery brought and which of them this child is (1 = first-born). */
  multipleBirth: z.strictObject({ children: z.number().int().min(2).max(9), position: z.number().int().min(1).max(9) }).nullable().optional(),
  motherInsurance: z.enum(['resident', 'employee', 'flexible', 'none']),
  motherSupport: z.strictObject({
    lowIncome: z.boolean().optional(),
    destitute: z.boolean().optional(),
    unemploymentBenefit: z.boolean().optional(),
  }),
  /**
   * Since issue 19 (the workflow's patch cross-region): the child joins resident medical insurance where its
   * household is, outside Jinan (the place's code and label). Jinan's premium waiver then does not apply,
   * and the decision says so before the enrolment. Absent: as before.
   */
  insuredOutsideJinan: z.strictObject({ regionCode: z.string().regex(/^\d{6}$/), label: z.string() }).nullable().optional(),
  /** Since issue 19: the readers' names of the places the decision may mention (region code → 山东省青岛市). Absent: codes only, as before. */
  regionLabels: z.record(z.string(), z.string()).optional(),
  /** Grandparents insured in Jinan long-term-care insurance. */
  grandparentsInLtc: z.array(z.strictObject({ relation: GrandparentRelation })).max(4).optional(),
  /** Readings switched on (see PolicyRules); absent = the reading before issue 22. */
  rules: PolicyRules.optional(),
});
export type BenefitsInput = z.infer<typeof BenefitsInput>;

/** One condition that does not hold: a stable code, a sentence for people, and the clause it comes from (第十五条). */
export const FailedCondition = z.object({ code: z.string(), message: z.string(), clause: z.string() });
export type FailedCondition = z.infer<typeof FailedCondition>;

const ORDER_NAMES: Record<number, string> = { 1: '一孩', 2: '二孩', 3: '三孩' };

/** 一孩, 二孩, 三孩, then 第4孩 … */
export function birthOrderName(order: number): string {
  return ORDER_NAMES[order] ?? `第${order}孩`;
}

export function birthOrderCondition(order: number, eligibleOrders: readonly number[], benefit: string, clause: string): FailedCondition | null {
  if (eligibleOrders.includes(order)) return null;
  const covered = eligibleOrders.map(birthOrderName).join('、');
  return {
    code: 'BIRTH_ORDER_NOT_ELIGIBLE',
    message: `${birthOrderName(order)}不在${benefit}范围，政策仅适用于${covered}（${clause}）`,
    clause,
  };
}

/**
 * Whether a rule version covers the birth date. `entry` is the version in force on that date (undefined
 * when none is); `first` is the earliest version's start, i.e. the first eligible birth date.
 */
export function birthDateCondition(
  birthDate: IsoDate,
  entry: PolicyEntry<unknown> | undefined,
  first: IsoDate | undefined,
  benefit: string,
  clause: string,
): FailedCondition | null {
  if (entry) return null;
  if (first !== undefined && compareIsoDates(birthDate, first) < 0) {
    return {
      code: 'BORN_BEFORE_ELIGIBLE_DATE',
      message: `出生日期${birthDate}早于${first}，不在${benefit}范围（${clause}：适用于${first}及以后出生的子女）`,
      clause,
    };
  }
  return { code: 'NO_RULE_FOR_BIRTH_DATE', message: `${birthDate}出生的子女没有适用的${benefit}政策`, clause };
}

/** `不符合…条件:a;b` from every failed condition. */
export function refusalReason(benefit: string, failed: readonly FailedCondition[]): string {
  return `不符合${benefit}条件：${failed.map((f) => f.message).join('；')}`;
}
