// Maternity medical costs (clause 15): what insurance pays for the hospital delivery, by the mother's scheme.
// Decided per delivery, not per child: twins share one delivery, so the payment is shown once, on the
// case of the first-born child of that delivery; the others refer to it (rules.md). Before issue 22 a
// percentage was repeated on every child's case; with `fullSummary` or `familyChildren` it is told once too.
import { z } from 'zod';
import { shanghaiDate } from '../dates';
import { Citation, cite, clauseLabel } from './clauses';
import { activeRules, FailedCondition, type BenefitsInput } from './conditions';
import { entryAt, nearestEntry, type MaternityPayment, type PolicyTable } from './policy-table';

const CLAUSE = 15;
const SCHEME_NAMES = {
  resident: '城乡居民基本医疗保险',
  employee: '职工生育保险',
  flexible: '职工基本医疗保险（灵活就业人员）',
} as const;
const MULTIPLE_NAMES: Readonly<Record<number, string>> = { 2: '双胞胎', 3: '三胞胎', 4: '四胞胎' };

export const MaternityDecision = z.object({
  eligible: z.boolean(),
  scheme: z.enum(['resident', 'employee', 'flexible', 'none']),
  /** `fixed`: `amount` yuan for the delivery; `percent`: `percent` % of in-policy costs; null when not eligible. */
  rule: z.enum(['fixed', 'percent']).nullable(),
  /** Absent on the cases of the other children of a multiple birth (`delivery.countedHere` false). */
  amount: z.number().optional(),
  percent: z.number().optional(),
  reason: z.string(),
  failed: z.array(FailedCondition),
  /**
   * The delivery this payment is for: how many children it brought, which of them this case is, and
   * whether the payment is counted on this case (the first-born's) or on the first-born's case.
   */
  delivery: z.object({ children: z.number().int(), position: z.number().int(), countedHere: z.boolean() }),
  citation: Citation,
});
export type MaternityDecision = z.infer<typeof MaternityDecision>;

export function decideMaternity(input: BenefitsInput, table: PolicyTable): MaternityDecision {
  const scheme = input.motherInsurance;
  const birthDate = shanghaiDate(input.birthAt);
  const clauseNumber = nearestEntry(table, 'maternity', birthDate)?.clause ?? CLAUSE;
  const clause = clauseLabel(clauseNumber);
  const citation = cite(clauseNumber);
  const multiple = input.multipleBirth ?? null;
  const delivery = { children: multiple?.children ?? 1, position: multiple?.position ?? 1, countedHere: (multiple?.position ?? 1) === 1 };
  if (scheme === 'none') {
    // With `fullSummary`: the plan's scheme does not cover her, but national law may through her spouse (art. 54).
    const message = activeRules(input.rules)?.fullSummary
      ? `母亲未参加基本医疗保险或生育保险，不能以本人参保享受生育医疗费待遇（${clause}）；母亲未就业、配偶为参加生育保险的职工的，` +
        '按国家规定享受生育医疗费用待遇，由配偶参保的生育保险基金支付（国家规定：《中华人民共和国社会保险法》第五十四条），请向配偶参保地医保经办机构申请'
      : `母亲未参加基本医疗保险或生育保险，不享受生育医疗费待遇（${clause}）`;
    return { eligible: false, scheme, rule: null, reason: message, failed: [{ code: 'MOTHER_NOT_INSURED', message, clause }], delivery, citation };
  }
  const rules = entryAt(table, 'maternity', birthDate)?.value;
  if (!rules) {
    const message = `${birthDate}分娩没有已配置的生育医疗费待遇标准`;
    return { eligible: false, scheme, rule: null, reason: message, failed: [{ code: 'NO_RULE_FOR_BIRTH_DATE', message, clause }], delivery, citation };
  }
  const payment: MaternityPayment = rules[scheme];
  const name = SCHEME_NAMES[scheme];
  const what = payment.rule === 'fixed' ? `住院分娩医疗费定额支付${payment.amountYuan}元` : `住院分娩医疗费政策范围内报销${payment.percent}%`;
  let reason = `母亲参加${name}，${what}（${clause}）`;
  if (multiple) {
    const kind = MULTIPLE_NAMES[multiple.children] ?? `${multiple.children}胞胎`;
    reason += delivery.countedHere
      ? `；${kind}为同一次分娩，按一次分娩计算，在第1个孩子（本办件）中显示`
      : `；${kind}为同一次分娩，按一次分娩计算，已在第1个孩子的办件中显示，本办件（第${multiple.position}个孩子）不重复计算`;
  }
  // With `fullSummary` or `familyChildren`: the delivery is told once whatever the rule — a percentage of
  // the delivery's costs is the first-born's case's too (without them, as decided before issue 22).
  const oncePerDelivery = Boolean(activeRules(input.rules)?.fullSummary || activeRules(input.rules)?.familyChildren);
  if (oncePerDelivery && !delivery.countedHere) {
    reason = `母亲参加${name}，本次分娩的生育医疗费待遇（${what}）按一次分娩核定，在第1个出生孩子的办件中办理；` +
      `本办件为${MULTIPLE_NAMES[delivery.children] ?? `${delivery.children}胞胎`}中第${delivery.position}个孩子，不重复享受（${clause}）`;
  }
  const base = { eligible: true, scheme, failed: [], reason, delivery, citation };
  if (payment.rule === 'fixed') {
    return { ...base, rule: 'fixed', ...(delivery.countedHere ? { amount: payment.amountYuan } : {}) };
  }
  return { ...base, rule: 'percent', ...(delivery.countedHere || !oncePerDelivery ? { percent: payment.percent } : {}) };
}
