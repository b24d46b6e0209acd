// What the benefit decisions read (BenefitsInput) and the conditions they share: who counts as 二孩/三孩,
// and whether a birth date falls under a rule version. One place, so the benefits cannot read them differently.
import { z } from 'zod';
import { compareIsoDates, type IsoDate } from '../dates';
import type { PolicyEntry } from './policy-table';

export const GrandparentRelation = z.enum(['祖父', '祖母', '外祖父', '外祖母']);
export type GrandparentRelation = z.infer<typeof GrandparentRelation>;

/** Facts about one newborn, plain JSON. Unknown-yet facts are null (hukou, enrolment): the decision is then pending. */
export const BenefitsInput = z.strictObject({
  /** ISO date-time with offset; the birth date is its Asia/Shanghai calendar date. */
  birthAt: z.iso.datetime({ offset: true }),
  birthOrder: z.number().int().min(1).max(20),
  /** The child's registered household region (from household registration); null until registered. */
  childHukouRegionCode: z.string().regex(/^\d{6}$/).nullable(),
  /** Resident medical-insurance enrolment registration; null/absent until enrolled. */
  enrolment: z.strictObject({ registeredOn: z.iso.date(), inJinan: z.boolean() }).nullable().optional(),
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

export const FailedCondition = z.object({ code: z.string(), message: z.string() });
export type FailedCondition = z.infer<typeof FailedCondition>;

const ORDER_NAMES: Record<number, string> = { 1: '一孩', 2: '二孩', 3: '三孩' };

/** 一孩, 二孩, 三孩, then 第4孩 … */
export function birthOrderName(order: number): string {
  return ORDER_NAMES[order] ?? `第${order}孩`;
}

export function birthOrderCondition(order: number, eligibleOrders: readonly number[], benefit: string): FailedCondition | null {
  if (eligibleOrders.includes(order)) return null;
  const covered = eligibleOrders.map(birthOrderName).join('、');
  return {
    code: 'BIRTH_ORDER_NOT_ELIGIBLE',
    message: `${birthOrderName(order)}不在${benefit}范围，政策仅适用于${covered}`,
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
): FailedCondition | null {
  if (entry) return null;
  if (first !== undefined && compareIsoDates(birthDate, first) < 0) {
    return {
      code: 'BORN_BEFORE_ELIGIBLE_DATE',
      message: `出生日期${birthDate}早于${first}，不在${benefit}范围（政策适用于${first}及以后出生的子女）`,
    };
  }
  return { code: 'NO_RULE_FOR_BIRTH_DATE', message: `${birthDate}出生的子女没有适用的${benefit}政策` };
}

/** `不符合…条件:a;b` from every failed condition. */
export function refusalReason(benefit: string, failed: readonly FailedCondition[]): string {
  return `不符合${benefit}条件：${failed.map((f) => f.message).join('；')}`;
}
