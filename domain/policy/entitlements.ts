// What the family is told beyond the decisions (rules.md "What the family is told", clauses 8 and 11–15):
// leave, the tax deduction, housing fund and public rental, school district, inpatient reimbursement and
// pre-nursery checks, each with its clause and the dates that follow from this child's birth. Information
// the system does not pay; the numbers live in the policy table (`familyEntitlements`), never here.
import { z } from 'zod';
import { addDays, addMonthsToYearMonth, addYearsCivil, monthsInclusive, shanghaiDate, yearMonthOf, type IsoDate } from '../dates';
import { Citation, cite, citeNational, citationLabel, type ClauseNumber, type NationalRule } from './clauses';
import { activeRules, birthOrderName, familyChildrenOf, type BenefitsInput, type PolicyRules } from './conditions';
import { entryAt, nearestEntry, type FamilyEntitlementRule, type PolicyTable } from './policy-table';

export const EntitlementKey = z.enum([
  'maternityLeave',
  'paternityLeave',
  'parentalLeave',
  'childcareTaxDeduction',
  'housingFundLoan',
  'publicRental',
  'schoolDistrict',
  'inpatientReimbursement',
  'preNurseryHealthCheck',
  // with the `fullSummary` rule (issue 22)
  'additionalMaternityLeave',
  'maternityAllowance',
  'publicRentalSwap',
  'rentalSubsidyArea',
  'kindergartenPriority',
  'preschoolAid',
  'grandparentsLtc',
  'spouseMaternityMedical',
]);
export type EntitlementKey = z.infer<typeof EntitlementKey>;

export const EntitlementItem = z.object({
  key: EntitlementKey,
  /** `产假` */
  title: z.string(),
  /** Plain sentences for parents and clerks, with the dates, ending with the clause: `…（第十一条）。` */
  text: z.string(),
  /** False when the item is not for this family (e.g. housing-fund ceilings for a first child); the text says why. */
  applies: z.boolean(),
  /** The dates that follow from the birth, both ends inclusive: days (`YYYY-MM-DD`) or months (`YYYY-MM`). */
  period: z.object({ unit: z.enum(['day', 'month']), from: z.string(), to: z.string() }).nullable(),
  /** The figures in the text, by name (days, yuan, percentage points, m²). */
  figures: z.record(z.string(), z.number()),
  citation: Citation,
});
export type EntitlementItem = z.infer<typeof EntitlementItem>;

export const FamilyEntitlements = z.object({
  birthDate: z.iso.date(),
  birthOrder: z.number().int(),
  /** With the `familyChildren` rule: the family's number of children after this delivery (what the family items follow). */
  familyChildren: z.number().int().optional(),
  /** A plain sentence saying what this list is (information, handled by other bodies). */
  note: z.string(),
  items: z.array(EntitlementItem),
});
export type FamilyEntitlements = z.infer<typeof FamilyEntitlements>;

const NOTE = '以下为《济南市优化生育政策促进人口长期均衡发展实施方案》规定的其他生育支持政策，供家庭了解，由用人单位或相关部门办理，不在本次“出生一件事”联办范围内。';

/** An item before its clause is cited: `text` without the closing `（第N条）。`; a national rule by its name. */
type Item = Omit<EntitlementItem, 'citation'> & { clause: ClauseNumber | NationalRule };

/** What the items are decided from. */
interface Facts {
  birthDate: IsoDate;
  /** The birth order the family items follow: the child's own, or the family's children (`familyChildren`). */
  order: number;
  /** The birth orders of the children of this delivery (one, or the twins', triplets'…). */
  deliveryOrders: number[];
  multipleChildren: number;
  motherInsurance: BenefitsInput['motherInsurance'] | undefined;
  /** The clause-15 waiver for the birth date (the grandparents' LTC subsidy follows it): in force, or the nearest version. */
  waiver: { orders: readonly number[]; from: IsoDate; inForce: boolean };
  full: boolean;
}

/** 未成年: under 18 (Civil Code art. 17), for public-rental priority of a 未成年政策内二孩及以上家庭. */
const MINOR_UNTIL_AGE_YEARS = 18;

/** The day before the birthday that ends an "under N years" period (3周岁以下: the child is under 3 until then). */
function lastDayUnderAge(birthDate: IsoDate, years: number): IsoDate {
  return addDays(addYearsCivil(birthDate, years), -1);
}

/** Leave for the parents (clause 11), with the national extra maternity leave and allowance when told in full. */
function leaveItems({ birthDate, multipleChildren, full }: Facts, r: FamilyEntitlementRule): Item[] {
  const leaveEnd = addDays(birthDate, r.maternityLeaveDays - 1);
  const parentalTo = lastDayUnderAge(birthDate, r.parentalLeaveUntilAgeYears);
  // The plan's words for leave (clause 11); 福利待遇不变 told with `fullSummary`.
  const paid = full ? '视为出勤，工资照发，福利待遇不变' : '视为出勤，工资照发';
  return [
    {
      key: 'maternityLeave', title: '产假', clause: 11, applies: true,
      text: `女方享受产假${r.maternityLeaveDays}天；自分娩之日（${birthDate}）起连续休假的，休至${leaveEnd}（含当日）；产假期间${paid}`,
      period: { unit: 'day', from: birthDate, to: leaveEnd }, figures: { days: r.maternityLeaveDays },
    },
    ...(full ? [additionalMaternityLeave(birthDate, multipleChildren, r), maternityAllowance(birthDate, leaveEnd)] : []),
    {
      key: 'paternityLeave', title: '陪产假', clause: 11, applies: true,
      text: `孩子${birthDate}出生，配偶享受不少于${r.paternityLeaveMinDays}天陪产假；陪产假期间${paid}`,
      period: null, figures: { minDays: r.paternityLeaveMinDays },
    },
    {
      key: 'parentalLeave', title: '育儿假', clause: 11, applies: true,
      text: `孩子${r.parentalLeaveUntilAgeYears}周岁以下期间（${birthDate}至${parentalTo}），父母各享受每年累计不少于${r.parentalLeaveMinDaysPerYear}天育儿假${full ? `；育儿假期间${paid}` : ''}`,
      period: { unit: 'day', from: birthDate, to: parentalTo }, figures: { minDaysPerYearEachParent: r.parentalLeaveMinDaysPerYear },
    },
  ];

}

function items(facts: Facts, r: FamilyEntitlementRule): Item[] {
  const { birthDate, order, deliveryOrders, motherInsurance, waiver, full } = facts;
  const taxFrom = yearMonthOf(birthDate);
  const taxTo = addMonthsToYearMonth(yearMonthOf(addYearsCivil(birthDate, r.taxDeductionUntilAgeYears)), -1);
  const taxMonths = monthsInclusive(taxFrom, taxTo);
  const ceilingKeys = Object.keys(r.housingFundLoanCeilings).map(Number).sort((a, b) => a - b);
  // A fourth or later child's family has had a third child: the highest ceiling applies (a choice).
  const ceilingKey = ceilingKeys.filter((k) => k <= order).pop();
  const ceiling = ceilingKey === undefined ? undefined : r.housingFundLoanCeilings[String(ceilingKey)];
  const minorTo = lastDayUnderAge(birthDate, MINOR_UNTIL_AGE_YEARS);
  const rentalApplies = order >= r.publicRentalFromBirthOrder;
  const schoolApplies = r.schoolDistrictBirthOrders.includes(order);
  const name = birthOrderName(order);

  return [
    ...leaveItems(facts, r),
    {
      key: 'childcareTaxDeduction', title: `${r.taxDeductionUntilAgeYears}岁以下婴幼儿照护个人所得税专项附加扣除`, clause: 12, applies: true,
      text: `父母可享受${r.taxDeductionUntilAgeYears}岁以下婴幼儿照护个人所得税专项附加扣除，每孩每月${r.taxDeductionMonthlyYuan}元，自${taxFrom}至${taxTo}共${taxMonths}个月，不限孩次`,
      period: { unit: 'month', from: taxFrom, to: taxTo }, figures: { monthlyYuan: r.taxDeductionMonthlyYuan, months: taxMonths },
    },
    ceiling
      ? {
        key: 'housingFundLoan', title: '住房公积金贷款额度', clause: 14, applies: true,
        text: `${name}家庭申请住房公积金贷款购买首套自住住房的，一人缴存最高可贷${ceiling.oneContributor / 10_000}万元，两人及以上缴存最高可贷${ceiling.twoOrMore / 10_000}万元；在济南无自有住房且租赁住房的，可按实际房租支出提取住房公积金`,
        period: null, figures: { oneContributorYuan: ceiling.oneContributor, twoOrMoreContributorsYuan: ceiling.twoOrMore },
      }
      : {
        key: 'housingFundLoan', title: '住房公积金贷款额度', clause: 14, applies: false,
        text: `提高住房公积金贷款额度适用于二孩、三孩家庭，${name}家庭不适用`,
        period: null, figures: {},
      },
    {
      key: 'publicRental', title: '公租房优先分配', clause: 14, applies: rentalApplies,
      text: rentalApplies
        // With `fullSummary` the rental-subsidy area is an item of its own (rentalSubsidyArea).
        ? `符合公租房申请条件的未成年政策内二孩及以上家庭，申请公租房时优先分配（孩子未成年期间，至${minorTo}）` +
          (full ? '' : `；符合租赁住房补贴条件的，每增加一孩保障面积增加${r.rentalSubsidyExtraAreaPerChildM2}平方米`)
        : `公租房优先分配适用于二孩及以上家庭，${name}家庭不适用`,
      period: rentalApplies ? { unit: 'day', from: birthDate, to: minorTo } : null,
      figures: rentalApplies && !full ? { extraAreaPerChildM2: r.rentalSubsidyExtraAreaPerChildM2 } : {},
    },
    ...(full ? [publicRentalSwap(), rentalSubsidyArea(rentalApplies, name, r)] : []),
    {
      key: 'schoolDistrict', title: '同一学区入学', clause: 13, applies: schoolApplies,
      text: schoolApplies
        ? `按政策生育二孩、三孩家庭的子女，符合入学条件的，可根据家庭意愿协调同一家庭不同年龄段子女在同一学区入学`
        : `同一学区入学支持适用于二孩、三孩家庭，${name}家庭不适用`,
      period: null, figures: {},
    },
    ...(full ? [kindergartenPriority(order, name, r), preschoolAid()] : []),
    {
      key: 'inpatientReimbursement', title: '少年儿童住院报销', clause: 15, applies: true,
      text: `孩子参加居民医保后，少年儿童住院医保报销比例在现有基础上再提高${r.inpatientExtraPercentagePoints}个百分点`,
      period: null, figures: { extraPercentagePoints: r.inpatientExtraPercentagePoints },
    },
    ...(full ? [grandparentsLtc(deliveryOrders, waiver)] : []),
    ...(full && motherInsurance === 'none' ? [spouseMaternityMedical()] : []),
    {
      key: 'preNurseryHealthCheck', title: '婴幼儿入托查体', clause: 8, applies: true,
      // Clause 8 says the city will promote district policies (推动各区县…制定): not that checks are free today.
      text: full
        ? '本方案提出推动各区县结合实际制定婴幼儿入托查体免费政策；是否免费、如何办理以所在区县的规定为准，孩子入托前可向户籍所在区县卫生健康部门咨询'
        : '各区县制定婴幼儿入托查体免费政策，孩子入托前可向户籍所在区县卫生健康部门咨询',
      period: null, figures: {},
    },
  ];
}

/** National rule: 15 more days per additional baby of a multiple birth, 15 more for a difficult birth. */
function additionalMaternityLeave(birthDate: IsoDate, children: number, r: FamilyEntitlementRule): Item {
  const per = r.extraMaternityLeaveDaysPerAdditionalBaby;
  const difficult = r.extraMaternityLeaveDaysDifficultBirth;
  const base = { key: 'additionalMaternityLeave', title: '多胞胎、难产增加产假', clause: 'femaleWorkersArt7', applies: true } as const;
  if (children < 2) {
    return {
      ...base,
      text: `难产的，增加产假${difficult}天；生育多胞胎的，每多生育1个婴儿增加产假${per}天（本次为单胎分娩）；增加的产假在本市${r.maternityLeaveDays}天产假之外另计`,
      period: null, figures: { perAdditionalBabyDays: per, difficultBirthDays: difficult },
    };
  }
  const extra = per * (children - 1);
  const total = r.maternityLeaveDays + extra;
  const to = addDays(birthDate, total - 1);
  return {
    ...base,
    text: `生育多胞胎的，每多生育1个婴儿增加产假${per}天：本次分娩${children}个孩子，增加产假${extra}天，产假共${total}天，自分娩之日（${birthDate}）起连续休假的，休至${to}（含当日）；难产的，另增加产假${difficult}天`,
    period: { unit: 'day', from: birthDate, to }, figures: { extraDays: extra, totalDays: total, perAdditionalBabyDays: per, difficultBirthDays: difficult },
  };
}

function maternityAllowance(birthDate: IsoDate, leaveEnd: IsoDate): Item {
  return {
    key: 'maternityAllowance', title: '生育津贴', clause: 11, applies: true,
    text: `产假期间（${birthDate}至${leaveEnd}）按国家和省、市关于生育津贴的有关规定享受生育津贴；产假、陪产假、育儿假期间视为出勤，工资照发，福利待遇不变`,
    period: { unit: 'day', from: birthDate, to: leaveEnd }, figures: {},
  };
}

function publicRentalSwap(): Item {
  return {
    key: 'publicRentalSwap', title: '公租房调换', clause: 14, applies: true,
    text: '已承租公租房的家庭，因孩子出生家庭人口增加需要调换公租房的，可常态化申请，根据房源情况统一调换',
    period: null, figures: {},
  };
}

function rentalSubsidyArea(applies: boolean, name: string, r: FamilyEntitlementRule): Item {
  const m2 = r.rentalSubsidyExtraAreaPerChildM2;
  return {
    key: 'rentalSubsidyArea', title: '租赁住房补贴保障面积', clause: 14, applies,
    text: applies
      ? `符合租赁住房补贴申请条件的${name}家庭，提高保障面积标准，每增加一孩保障面积标准增加${m2}平方米`
      : `租赁住房补贴每增加一孩保障面积增加${m2}平方米，适用于二孩及以上家庭，${name}家庭不适用`,
    period: null, figures: { extraAreaPerChildM2: m2 },
  };
}

function kindergartenPriority(order: number, name: string, r: FamilyEntitlementRule): Item {
  const third = birthOrderName(r.kindergartenPriorityBirthOrder);
  const applies = order >= r.kindergartenPriorityBirthOrder;
  return {
    key: 'kindergartenPriority', title: '普惠性幼儿园优先保障', clause: 13, applies,
    text: applies
      ? `鼓励优先保障${third}入普惠性幼儿园：${name}家庭的${third}入园时，可向所在区县教育部门咨询优先保障`
      : `优先保障入普惠性幼儿园适用于${third}，${name}家庭不适用`,
    period: null, figures: {},
  };
}

function preschoolAid(): Item {
  return {
    key: 'preschoolAid', title: '学前教育资助', clause: 13, applies: true,
    text: '家庭经济困难儿童、孤儿和残疾儿童接受学前教育的，按规定享受学前教育资助，入园后可向幼儿园或所在区县教育部门申请',
    period: null, figures: {},
  };
}

/** Shown always: it applies when a child of this delivery is covered by the clause-15 waiver and grandparents are insured. */
function grandparentsLtc(deliveryOrders: number[], waiver: Facts['waiver']): Item {
  const applies = waiver.inForce && deliveryOrders.some((o) => waiver.orders.includes(o));
  const covered = `${waiver.from}以后出生的${waiver.orders.map(birthOrderName).join('、')}`;
  return {
    key: 'grandparentsLtc', title: '祖父母长期护理保险缴费补助', clause: 15, applies,
    text: applies
      ? `${covered}自出生之日起六个月内在济南参加城乡居民医保的，其祖父母、外祖父母参加济南市长期护理保险的，当年度长期护理保险个人缴费部分由财政予以全额补助；请在办理时告知祖父母、外祖父母的参保情况`
      : `祖父母、外祖父母长期护理保险个人缴费补助适用于${covered}，本次出生的孩子不适用`,
    period: null, figures: {},
  };
}

/** National rule: the unemployed spouse of an employee in maternity insurance (told when the mother is uninsured). */
function spouseMaternityMedical(): Item {
  return {
    key: 'spouseMaternityMedical', title: '职工未就业配偶生育医疗费用', clause: 'socialInsuranceLawArt54', applies: true,
    text: '母亲未参加基本医疗保险或生育保险；母亲未就业、配偶为参加生育保险的职工的，按国家规定享受生育医疗费用待遇，由配偶参保的生育保险基金支付，可向配偶参保地医保经办机构申请',
    period: null, figures: {},
  };
}

function waiverOf(table: PolicyTable, birthDate: IsoDate): Facts['waiver'] {
  const entry = nearestEntry(table, 'premiumWaiver', birthDate);
  if (!entry) throw new Error('policy table has no premiumWaiver entry');
  return { orders: entry.value.birthOrders, from: entry.effectiveFrom, inForce: entryAt(table, 'premiumWaiver', birthDate) !== undefined };
}

/** The child the summary is for: from the application's newborn (and the mother's insurance, for the national art. 54 item). */
export interface EntitlementsChild {
  birthAt: string;
  birthOrder: number;
  multipleBirth?: { children: number; position: number } | null;
  motherInsurance?: BenefitsInput['motherInsurance'];
}

/**
 * The family's entitlement summary for a child born at `birthAt` (ISO instant) with `birthOrder`. With no
 * rule switched on, exactly the summary before issue 22 (pass the case's `benefits.rules`).
 */
export function familyEntitlements(child: EntitlementsChild, table: PolicyTable, rules?: PolicyRules): FamilyEntitlements {
  const birthDate = shanghaiDate(child.birthAt);
  const rule = nearestEntry(table, 'familyEntitlements', birthDate);
  if (!rule) throw new Error('policy table has no familyEntitlements entry');
  const on = activeRules(rules);
  const full = on?.fullSummary === true;
  const multiple = child.multipleBirth ?? null;
  const familyChildren = familyChildrenOf(child.birthOrder, multiple);
  const order = on?.familyChildren ? familyChildren : child.birthOrder;
  const children = multiple?.children ?? 1;
  // The delivery's children by birth order: with `familyChildren`, all of them; else this child alone.
  const deliveryOrders = on?.familyChildren ? Array.from({ length: children }, (_, i) => familyChildren - children + 1 + i) : [child.birthOrder];
  const facts: Facts = {
    birthDate,
    order,
    deliveryOrders,
    multipleChildren: children,
    motherInsurance: child.motherInsurance,
    // Read only for the items of `fullSummary`, so a summary without it needs nothing it did not need before.
    waiver: full ? waiverOf(table, birthDate) : { orders: [], from: birthDate, inForce: false },
    full,
  };
  return {
    birthDate,
    birthOrder: child.birthOrder,
    ...(on?.familyChildren ? { familyChildren } : {}),
    note: NOTE,
    items: items(facts, rule.value).map(({ clause, ...item }) => {
      const citation = typeof clause === 'number' ? cite(clause, full) : citeNational(clause);
      return { ...item, text: `${item.text}（${citationLabel(citation)}）。`, citation };
    }),
  };
}
