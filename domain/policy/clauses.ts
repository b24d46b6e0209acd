// The clauses of the Jinan implementation plan (2022-12-31) that the decisions and the family's
// entitlement summary cite, with the words of the plan, so a clerk can answer "why" with its text.
// The plan numbers its measures 1–20; they are cited as 第N条 (rules.md calls them "clause N").
import { z } from 'zod';

export const PLAN_TITLE = '济南市优化生育政策促进人口长期均衡发展实施方案';

export const ClauseNumber = z.union([z.literal(8), z.literal(11), z.literal(12), z.literal(13), z.literal(14), z.literal(15)]);
export type ClauseNumber = z.infer<typeof ClauseNumber>;

/** The plan's own words, cut to the sentences the system applies or tells. */
export const CLAUSE_TEXT: Readonly<Record<ClauseNumber, string>> = {
  8: '推动各区县结合自身实际制定针对婴幼儿入托查体的免费政策。',
  11: '女方享受158天产假，配偶享受不少于15天陪产假，3周岁以下婴幼儿父母各享受每年累计不少于10天育儿假。',
  12:
    '落实国家3岁以下婴幼儿照护费用个人所得税专项附加扣除政策。本市户籍按照生育政策于2023年1月1日以后出生的二孩、三孩家庭，' +
    '每孩每月发放600元育儿补贴，对其中的最低生活保障、特困供养人员及领取失业保险金期间的生育妇女每月加发200元育儿生活补贴，直至孩子3周岁。',
  13: '对按政策生育二孩、三孩家庭的子女，根据入学子女实际情况和家庭意愿，协调支持符合入学条件的同一家庭不同年龄段子女同一学区入学。',
  14:
    '对符合公租房申请条件的未成年政策内二孩及以上家庭，在申请公租房时优先予以分配；符合租赁住房补贴申请条件的，每增加一孩保障面积标准增加15平方米。' +
    '对按照国家政策生育二孩的缴存职工家庭，申请住房公积金贷款购买首套自住住房的，一人缴存住房公积金的职工家庭最高可贷额度提高至60万元，' +
    '两人及以上缴存住房公积金的职工家庭最高可贷额度提高至90万元；生育三孩的缴存职工家庭，一人缴存的最高可贷额度提高至60万元，两人及以上缴存的提高至100万元。' +
    '在我市无自有住房且租赁住房的二孩及以上家庭，可按照实际房租支出提取住房公积金。',
  15:
    '居民医保参保人员住院分娩医疗费医保实行定额支付，标准为3000元。职工生育保险参保人员住院分娩医疗费医保政策范围内报销比例为100%。' +
    '参加职工基本医疗保险的灵活就业女性人员可享受生育医疗费待遇，住院分娩医疗费医保政策范围内报销比例为50%。' +
    '在现有基础上，少年儿童住院医保报销比例再提高5个百分点。对2023年1月1日以后出生的二孩、三孩，自出生之日起六个月内参加我市居民基本医疗保险的，' +
    '参保登记当年度个人缴费由财政予以全额补助；其祖父母、外祖父母参加我市长期护理保险的，当年度个人缴费部分由财政予以全额补助。',
};

const CHINESE_NUMBERS: Readonly<Record<ClauseNumber, string>> = { 8: '八', 11: '十一', 12: '十二', 13: '十三', 14: '十四', 15: '十五' };

/** `第十二条` */
export function clauseLabel(n: ClauseNumber): string {
  return `第${CHINESE_NUMBERS[n]}条`;
}

/** What a decision, a failed condition or a summary item carries to say where it comes from. */
export const Citation = z.object({
  /** `第十二条` */
  clause: z.string(),
  /** `济南市优化生育政策促进人口长期均衡发展实施方案第十二条` */
  source: z.string(),
  /** The words of the plan (see CLAUSE_TEXT). */
  text: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export function cite(n: ClauseNumber): Citation {
  return { clause: clauseLabel(n), source: `${PLAN_TITLE}${clauseLabel(n)}`, text: CLAUSE_TEXT[n] };
}
