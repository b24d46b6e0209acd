// What the family is told beyond the decisions (rules.md "What the family is told", clauses 8 and 11–15):
// leave, the tax deduction, housing fund and public rental, school district, inpatient reimbursement and
// pre-nursery checks, each with its clause and the dates that follow from this child's birth. Information
// the system does not pay; the numbers live in the policy table (`familyEntitlements`), never here.
import { z } from 'zod';
import { addDays, addMonthsToYearMonth, addYearsCivil, monthsInclusive, shanghaiDate, yearMonthOf, type IsoDate } from '../dates';
import { Citation, cite, clauseLabel, type ClauseNumber } from './clauses';
import { birthOrderName } from './conditions';
import { nearestEntry, type FamilyEntitlementRule, type PolicyTable } from './policy-table';

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
  /** A plain sentence saying what this list is (information, handled by other bodies). */
  note: z.string(),
  items: z.array(EntitlementItem),
});
export type FamilyEntitlements = z.infer<typeof FamilyEntitlements>;

const NOTE = '以下为《济南市优化生育政策促进人口长期均衡发展实施方案》规定的其他生育支持政策，供家庭了解，由用人单位或相关部门办理，不在本次“出生一件事”联办范围内。';

/** An item before its clause is cited: `text` without the closing `（第N条）。`. */
type Item = Omit<EntitlementItem, 'citation'> & { clause: ClauseNumber };

/** 未成年: under 18 (Civil Code art. 17), for public-rental priority of a 未成年政策内二孩及以上家庭. */
const MINOR_UNTIL_AGE_YEARS = 18;

/** The day before the birthday that ends an "under N years" period (3周岁以下: the child is under 3 until then). */
function lastDayUnderAge(birthDate: IsoDate, years: number): IsoDate {
  return addDays(addYearsCivil(birthDate, years), -1);
}

function items(birthDate: IsoDate, order: number, r: FamilyEntitlementRule): Item[] {
  const leaveEnd = addDays(birthDate, r.maternityLeaveDays - 1);
  const parentalTo = lastDayUnderAge(birthDate, r.parentalLeaveUntilAgeYears);
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
    {
      key: 'maternityLeave', title: '产假', clause: 11, applies: true,
      text: `女方享受产假${r.maternityLeaveDays}天；自分娩之日（${birthDate}）起连续休假的，休至${leaveEnd}（含当日）；产假期间视为出勤，工资照发`,
      period: { unit: 'day', from: birthDate, to: leaveEnd }, figures: { days: r.maternityLeaveDays },
    },
    {
      key: 'paternityLeave', title: '陪产假', clause: 11, applies: true,
      text: `孩子${birthDate}出生，配偶享受不少于${r.paternityLeaveMinDays}天陪产假；陪产假期间视为出勤，工资照发`,
      period: null, figures: { minDays: r.paternityLeaveMinDays },
    },
    {
      key: 'parentalLeave', title: '育儿假', clause: 11, applies: true,
      text: `孩子${r.parentalLeaveUntilAgeYears}周岁以下期间（${birthDate}至${parentalTo}），父母各享受每年累计不少于${r.parentalLeaveMinDaysPerYear}天育儿假`,
      period: { unit: 'day', from: birthDate, to: parentalTo }, figures: { minDaysPerYearEachParent: r.parentalLeaveMinDaysPerYear },
    },
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
        ? `符合公租房申请条件的未成年政策内二孩及以上家庭，申请公租房时优先分配（孩子未成年期间，至${minorTo}）；符合租赁住房补贴条件的，每增加一孩保障面积增加${r.rentalSubsidyExtraAreaPerChildM2}平方米`
        : `公租房优先分配适用于二孩及以上家庭，${name}家庭不适用`,
      period: rentalApplies ? { unit: 'day', from: birthDate, to: minorTo } : null,
      figures: rentalApplies ? { extraAreaPerChildM2: r.rentalSubsidyExtraAreaPerChildM2 } : {},
    },
    {
      key: 'schoolDistrict', title: '同一学区入学', clause: 13, applies: schoolApplies,
      text: schoolApplies
        ? `按政策生育二孩、三孩家庭的子女，符合入学条件的，可根据家庭意愿协调同一家庭不同年龄段子女在同一学区入学`
        : `同一学区入学支持适用于二孩、三孩家庭，${name}家庭不适用`,
      period: null, figures: {},
    },
    {
      key: 'inpatientReimbursement', title: '少年儿童住院报销', clause: 15, applies: true,
      text: `孩子参加居民医保后，少年儿童住院医保报销比例在现有基础上再提高${r.inpatientExtraPercentagePoints}个百分点`,
      period: null, figures: { extraPercentagePoints: r.inpatientExtraPercentagePoints },
    },
    {
      key: 'preNurseryHealthCheck', title: '婴幼儿入托查体', clause: 8, applies: true,
      text: '各区县制定婴幼儿入托查体免费政策，孩子入托前可向户籍所在区县卫生健康部门咨询',
      period: null, figures: {},
    },
  ];
}

/** The family's entitlement summary for a child born at `birthAt` (ISO instant) with `birthOrder`. */
export function familyEntitlements(child: { birthAt: string; birthOrder: number }, table: PolicyTable): FamilyEntitlements {
  const birthDate = shanghaiDate(child.birthAt);
  const rule = nearestEntry(table, 'familyEntitlements', birthDate);
  if (!rule) throw new Error('policy table has no familyEntitlements entry');
  return {
    birthDate,
    birthOrder: child.birthOrder,
    note: NOTE,
    items: items(birthDate, child.birthOrder, rule.value).map(({ clause, ...item }) => ({
      ...item, text: `${item.text}（${clauseLabel(clause)}）。`, citation: cite(clause),
    })),
  };
}
