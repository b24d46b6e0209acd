// Maternity medical costs (clause 15): what insurance pays for the hospital delivery, by the mother's scheme.
import { z } from 'zod';
import { shanghaiDate } from '../dates';
import { FailedCondition, type BenefitsInput } from './conditions';
import { entryAt, type MaternityPayment, type PolicyTable } from './policy-table';

const SCHEME_NAMES = {
  resident: '城乡居民基本医疗保险',
  employee: '职工生育保险',
  flexible: '职工基本医疗保险（灵活就业人员）',
} as const;

export const MaternityDecision = z.object({
  eligible: z.boolean(),
  scheme: z.enum(['resident', 'employee', 'flexible', 'none']),
  /** `fixed`: `amount` yuan for the delivery; `percent`: `percent` % of in-policy costs; null when not eligible. */
  rule: z.enum(['fixed', 'percent']).nullable(),
  amount: z.number().optional(),
  percent: z.number().optional(),
  reason: z.string(),
  failed: z.array(FailedCondition),
});
export type MaternityDecision = z.infer<typeof MaternityDecision>;

export function decideMaternity(input: BenefitsInput, table: PolicyTable): MaternityDecision {
  const scheme = input.motherInsurance;
  if (scheme === 'none') {
    const message = '母亲未参加基本医疗保险或生育保险，不享受生育医疗费待遇';
    return { eligible: false, scheme, rule: null, reason: message, failed: [{ code: 'MOTHER_NOT_INSURED', message }] };
  }
  const birthDate = shanghaiDate(input.birthAt);
  const rules = entryAt(table, 'maternity', birthDate)?.value;
  if (!rules) {
    const message = `${birthDate}分娩没有已配置的生育医疗费待遇标准`;
    return { eligible: false, scheme, rule: null, reason: message, failed: [{ code: 'NO_RULE_FOR_BIRTH_DATE', message }] };
  }
  const payment: MaternityPayment = rules[scheme];
  const name = SCHEME_NAMES[scheme];
  if (payment.rule === 'fixed') {
    return {
      eligible: true, scheme, rule: 'fixed', amount: payment.amountYuan, failed: [],
      reason: `母亲参加${name}，住院分娩医疗费定额支付${payment.amountYuan}元`,
    };
  }
  return {
    eligible: true, scheme, rule: 'percent', percent: payment.percent, failed: [],
    reason: `母亲参加${name}，住院分娩医疗费政策范围内报销${payment.percent}%`,
  };
}
