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

/**
 * The fuller words of clauses whose further sentences the summary tells with the `fullSummary` rule
 * (issue 22). A separate record, so that summaries without the rule keep citing the words they cited.
 */
export const CLAUSE_TEXT_FULL: Readonly<Partial<Record<ClauseNumber, string>>> = {
  11:
    '落实符合规定生育子女的夫妻的休假政策，女方享受158天产假，配偶享受不少于15天陪产假，3周岁以下婴幼儿父母各享受每年累计不少于10天育儿假。' +
    '严格落实国家和省、市关于产假期间生育津贴的有关规定，产假、陪产假、育儿假期间，视为出勤，工资照发，福利待遇不变。',
  13:
    '对按政策生育二孩、三孩家庭的子女，根据入学子女实际情况和家庭意愿，协调支持符合入学条件的同一家庭不同年龄段子女同一学区入学。' +
    '落实家庭经济困难儿童、孤儿和残疾儿童等学前教育资助制度，鼓励优先保障三孩入普惠性幼儿园。',
  14:
    '对符合公租房申请条件的未成年政策内二孩及以上家庭，在申请公租房时优先予以分配；对因家庭人口增加、就业、子女就学等原因需要调换公租房的，' +
    '根据房源情况实施常态化申请、统一调换；符合租赁住房补贴申请条件的，提高保障面积标准，每增加一孩保障面积标准增加15平方米。' +
    '对按照国家政策生育二孩的缴存职工家庭，申请住房公积金贷款购买首套自住住房的，一人缴存住房公积金的职工家庭最高可贷额度提高至60万元，' +
    '两人及以上缴存住房公积金的职工家庭最高可贷额度提高至90万元；生育三孩的缴存职工家庭，一人缴存的最高可贷额度提高至60万元，两人及以上缴存的提高至100万元。' +
    '在我市无自有住房且租赁住房的二孩及以上家庭，可按照实际房租支出提取住房公积金。',
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
  /** True when the rule is national law, not the plan (`clause` names the law and its article). */
  national: z.literal(true).optional(),
});
export type Citation = z.infer<typeof Citation>;

/** `full`: the fuller words of CLAUSE_TEXT_FULL where there are some (the `fullSummary` rule). */
export function cite(n: ClauseNumber, full = false): Citation {
  return { clause: clauseLabel(n), source: `${PLAN_TITLE}${clauseLabel(n)}`, text: (full ? CLAUSE_TEXT_FULL[n] : undefined) ?? CLAUSE_TEXT[n] };
}

/** National rules the family is told of beside the plan (rules.md "What the family is told"), named as such. */
export const NationalRule = z.enum(['femaleWorkersArt7', 'socialInsuranceLawArt54']);
export type NationalRule = z.infer<typeof NationalRule>;

const NATIONAL_RULES: Readonly<Record<NationalRule, { clause: string; source: string; text: string }>> = {
  femaleWorkersArt7: {
    clause: '《女职工劳动保护特别规定》第七条',
    source: '国家规定：《女职工劳动保护特别规定》（国务院令第619号）第七条',
    text: '女职工生育享受98天产假，其中产前可以休假15天；难产的，应增加产假15天；生育多胞胎的，每多生育1个婴儿，增加产假15天。',
  },
  socialInsuranceLawArt54: {
    clause: '《中华人民共和国社会保险法》第五十四条',
    source: '国家规定：《中华人民共和国社会保险法》第五十四条',
    text: '用人单位已经缴纳生育保险费的，其职工享受生育保险待遇；职工未就业配偶按照国家规定享受生育医疗费用待遇。所需资金从生育保险基金中支付。',
  },
};

export function citeNational(rule: NationalRule): Citation {
  return { ...NATIONAL_RULES[rule], national: true };
}

/** How a text names where it comes from: `第十一条`, or `国家规定：《…》第七条`. */
export function citationLabel(c: Citation): string {
  return c.national ? `国家规定：${c.clause}` : c.clause;
}
