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
   * the yearly individual premium the medical-security agency answered on enrolment (the figure shown).
   */
  enrolment: z.strictObject({ registeredOn: z.iso.date(), inJinan: z.boolean(), agencyPremiumYuan: z.number().nonnegative().optional() }).nullable().optional(),
  /** Twins, triplets…: how many children the delivery brought and which of them this child is (1 = first-born). */
  multipleBirth: z.strictObject({ children: z.number().int().min(2).max(9), position: z.number().int().min(1).max(9) }).nullable().optional(),
  motherInsurance: z.enum(['resident', 'employee', 'flexible', 'none']),
  motherSupport: z.strictObject({
    lowIncome: z.boolean().optional(),
    destitute: z.boolean().optional(),
    unemploymentBenefit: z.boolean().optional(),
  }),
  /** Grandparents insured in Jinan long-term-care insurance. */
  grandparentsInLtc: z.array(z.strictObject({ relation: GrandparentRelation })).max(4).optional(),
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
