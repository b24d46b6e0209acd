// The numbers and conditions of the benefit rules, as date-effective data. A new year's premium, a
// changed amount or a new rule version is a new entry here (or in a table passed to decideBenefits),
// never new code. Source: Jinan implementation plan of 2022-12-31 (see docs/policy-rules.md).
import { compareIsoDates, daysBetween, isIsoDate, yearOf, type IsoDate } from '../dates';
import type { ClauseNumber } from './clauses';

export interface PolicyEntry<V> {
  /** First day the entry applies, inclusive. */
  effectiveFrom: IsoDate;
  /** Last day the entry applies, inclusive; open-ended when absent. */
  effectiveTo?: IsoDate;
  value: V;
  /** Where the figure comes from, for the people who maintain the table. */
  source?: string;
  /** The clause of the plan the entry applies (decisions and summary items cite it). */
  clause?: ClauseNumber;
}

export interface PremiumWaiverRule {
  /** Birth orders covered: 二孩、三孩. A fourth child is not covered (the clause names only these). */
  birthOrders: number[];
  /** Enrolment must be registered within this many months from the birth date (Civil Code counting). */
  windowMonths: number;
}

export interface ChildcareSubsidyRule {
  birthOrders: number[];
  /** The child's household must be registered under this region prefix (Jinan: 3701). */
  hukouRegionPrefix: string;
  monthlyYuan: number;
  /** Added when the mother receives 低保, 特困供养 or unemployment-insurance benefits. */
  supplementYuan: number;
  /** Paid until this birthday (直至孩子3周岁). */
  untilAgeYears: number;
  /**
   * The last month paid: `monthBeforeBirthday` — the month before the month of that birthday (born
   * 2023-01-01 → 2023-01 … 2025-12, 36 payments; rules.md); `birthdayMonth` — the birthday's month too.
   */
  lastPaidMonth: 'monthBeforeBirthday' | 'birthdayMonth';
}

/** What the family is told beyond the decisions (rules.md "What the family is told"); information, not paid by us. */
export interface FamilyEntitlementRule {
  /** Clause 11. Maternity leave in days, counted from the birth date when taken from it (a choice, said so). */
  maternityLeaveDays: number;
  paternityLeaveMinDays: number;
  /** Each parent, each year, while the child is under `parentalLeaveUntilAgeYears`. */
  parentalLeaveMinDaysPerYear: number;
  parentalLeaveUntilAgeYears: number;
  /**
   * Clause 12 (national rule it implements): the income-tax special deduction for care of a child under 3,
   * from the birth month through the month before the third-birthday month; yuan per child per month.
   */
  taxDeductionMonthlyYuan: number;
  taxDeductionUntilAgeYears: number;
  /** Clause 14: housing-fund loan ceilings (yuan) by birth order, for one / two or more contributors. */
  housingFundLoanCeilings: Record<string, { oneContributor: number; twoOrMore: number }>;
  /** Clause 14: public rental priority and the extra subsidised area per added child (m²), from this birth order. */
  publicRentalFromBirthOrder: number;
  rentalSubsidyExtraAreaPerChildM2: number;
  /** Clause 13: siblings in one school district, for these birth orders. */
  schoolDistrictBirthOrders: number[];
  /** Clause 15: children's inpatient reimbursement rate raised by this many percentage points. */
  inpatientExtraPercentagePoints: number;
  /**
   * National rule (女职工劳动保护特别规定 art. 7), told with the `fullSummary` rule: more maternity leave per
   * additional baby of a multiple birth, and for a difficult birth (days, on top of `maternityLeaveDays`).
   */
  extraMaternityLeaveDaysPerAdditionalBaby: number;
  extraMaternityLeaveDaysDifficultBirth: number;
  /** Clause 13 (`fullSummary`): priority at a 普惠性幼儿园 for the family's child of this birth order (三孩). */
  kindergartenPriorityBirthOrder: number;
}

export type MaternityScheme = 'resident' | 'employee' | 'flexible';
export type MaternityPayment = { rule: 'fixed'; amountYuan: number } | { rule: 'percent'; percent: number };
export type MaternityRule = Record<MaternityScheme, MaternityPayment>;

/**
 * Each key and the date it is looked up by:
 * - `residentPremiumYuan`: the yearly individual resident medical-insurance contribution, by the date of
 *   enrolment registration (one entry per calendar year);
 * - `premiumWaiver`, `childcareSubsidy`: by the child's birth date. Chinese birth policies are announced
 *   for "children born on or after X", so the first entry's `effectiveFrom` IS the first eligible birth
 *   date, and a later version (other birth orders, another window) is a new entry;
 * - `maternity`: by the child's birth date (the delivery);
 * - `familyEntitlements`: by the child's birth date.
 */
export interface PolicyValues {
  residentPremiumYuan: number;
  premiumWaiver: PremiumWaiverRule;
  childcareSubsidy: ChildcareSubsidyRule;
  maternity: MaternityRule;
  familyEntitlements: FamilyEntitlementRule;
}
export type PolicyKey = keyof PolicyValues;
export type PolicyTable = { readonly [K in PolicyKey]: ReadonlyArray<PolicyEntry<PolicyValues[K]>> };

const PLAN = '济南市优化生育政策促进人口长期均衡发展实施方案（2022-12-31）';

/**
 * "2023年1月1日以后出生" is read as INCLUSIVE of 2023-01-01 (a choice; rules.md). It is written once, here,
 * as the `effectiveFrom` of the first waiver and subsidy entries: a ruling that it is exclusive changes
 * this constant to '2023-01-02' and nothing else.
 */
export const FIRST_ELIGIBLE_BIRTH_DATE: IsoDate = '2023-01-01';

export const DEFAULT_POLICY_TABLE: PolicyTable = {
  // Configuration, not law: Jinan's published individual contribution for residents per calendar year.
  residentPremiumYuan: [
    { effectiveFrom: '2023-01-01', effectiveTo: '2023-12-31', value: 380, source: '济南市2023年度城乡居民医保个人缴费标准' },
    { effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31', value: 400, source: '济南市2024年度城乡居民医保个人缴费标准' },
    { effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31', value: 400, source: '济南市2025年度城乡居民医保个人缴费标准' },
    { effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31', value: 400, source: '济南市2026年度城乡居民医保个人缴费标准' },
  ],
  premiumWaiver: [
    { effectiveFrom: FIRST_ELIGIBLE_BIRTH_DATE, value: { birthOrders: [2, 3], windowMonths: 6 }, source: `${PLAN} 第15条`, clause: 15 },
  ],
  childcareSubsidy: [
    {
      effectiveFrom: FIRST_ELIGIBLE_BIRTH_DATE,
      value: {
        birthOrders: [2, 3], hukouRegionPrefix: '3701', monthlyYuan: 600, supplementYuan: 200, untilAgeYears: 3, lastPaidMonth: 'monthBeforeBirthday',
      },
      source: `${PLAN} 第12条`,
      clause: 12,
    },
  ],
  maternity: [
    {
      effectiveFrom: '2023-01-01',
      value: {
        resident: { rule: 'fixed', amountYuan: 3000 },
        employee: { rule: 'percent', percent: 100 },
        flexible: { rule: 'percent', percent: 50 },
      },
      source: `${PLAN} 第15条`,
      clause: 15,
    },
  ],
  familyEntitlements: [
    {
      effectiveFrom: '2023-01-01',
      value: {
        maternityLeaveDays: 158,
        paternityLeaveMinDays: 15,
        parentalLeaveMinDaysPerYear: 10,
        parentalLeaveUntilAgeYears: 3,
        // The national standard since 2023-01-01 (国发〔2023〕13号); the plan's clause 12 implements it.
        taxDeductionMonthlyYuan: 2000,
        taxDeductionUntilAgeYears: 3,
        housingFundLoanCeilings: {
          2: { oneContributor: 600_000, twoOrMore: 900_000 },
          3: { oneContributor: 600_000, twoOrMore: 1_000_000 },
        },
        publicRentalFromBirthOrder: 2,
        rentalSubsidyExtraAreaPerChildM2: 15,
        schoolDistrictBirthOrders: [2, 3],
        inpatientExtraPercentagePoints: 5,
        // 女职工劳动保护特别规定 (国务院令第619号) art. 7: national, added to the 158 days of clause 11.
        extraMaternityLeaveDaysPerAdditionalBaby: 15,
        extraMaternityLeaveDaysDifficultBirth: 15,
        kindergartenPriorityBirthOrder: 3,
      },
      source: `${PLAN} 第8、11–15条`,
    },
  ],
};

function inForce<V>(entry: PolicyEntry<V>, date: IsoDate): boolean {
  return compareIsoDates(entry.effectiveFrom, date) <= 0 && (entry.effectiveTo === undefined || compareIsoDates(date, entry.effectiveTo) <= 0);
}

/** The entry in force on `date` (both bounds inclusive), or undefined. */
export function entryAt<K extends PolicyKey>(table: PolicyTable, key: K, date: IsoDate): PolicyEntry<PolicyValues[K]> | undefined {
  const entries = table[key] as ReadonlyArray<PolicyEntry<PolicyValues[K]>>;
  return entries.find((e) => inForce(e, date));
}

/** The value in force on `date`, or undefined when no entry covers it. */
export function valueAt<K extends PolicyKey>(table: PolicyTable, key: K, date: IsoDate): PolicyValues[K] | undefined {
  return entryAt(table, key, date)?.value;
}

/**
 * The entry in force on `date`, else the nearest one (the last that started before `date`, or the first
 * of all): used to explain a refusal with the conditions the applicant would have had to meet.
 */
export function nearestEntry<K extends PolicyKey>(table: PolicyTable, key: K, date: IsoDate): PolicyEntry<PolicyValues[K]> | undefined {
  const entries = table[key] as ReadonlyArray<PolicyEntry<PolicyValues[K]>>;
  const started = entries.filter((e) => compareIsoDates(e.effectiveFrom, date) <= 0);
  return entryAt(table, key, date) ?? started[started.length - 1] ?? entries[0];
}

/** The earliest `effectiveFrom` of a key (for the waiver and the subsidy: the first eligible birth date). */
export function firstEffectiveDate(table: PolicyTable, key: PolicyKey): IsoDate | undefined {
  return table[key][0]?.effectiveFrom;
}

/** Whether the premium table has a figure for each year that matters now (the current one and the next). */
export interface PremiumCoverage {
  /** The date the check is for (Asia/Shanghai calendar date). */
  today: IsoDate;
  /** The current and the next calendar year, each with its figure (null when the table has none for the whole year). */
  years: Array<{ year: number; yuan: number | null }>;
  /** The years of `years` without a figure, ascending; empty when covered. */
  missing: number[];
  /** The last day the table covers (null for an empty table). */
  coveredTo: IsoDate | null;
  /** For the start-up log and the dashboard, in Chinese; null when nothing is missing. */
  message: string | null;
}

/**
 * The resident-premium table's coverage on `today`: a year counts as covered when its entries cover every
 * day of it with one figure. Pure: the caller passes the date (start-up: `shanghaiDateOfMs(Date.now())`).
 */
export function premiumCoverage(today: IsoDate, table: PolicyTable = DEFAULT_POLICY_TABLE): PremiumCoverage {
  const entries = table.residentPremiumYuan;
  const current = yearOf(today);
  const years = [current, current + 1].map((year) => ({ year, yuan: yearFigure(entries, year) }));
  const missing = years.filter((y) => y.yuan === null).map((y) => y.year);
  const ends = entries.map((e) => e.effectiveTo ?? '9999-12-31').sort();
  const coveredTo = ends[ends.length - 1] ?? null;
  const message = missing.length === 0
    ? null
    : `城乡居民医保个人缴费标准缺少${missing.join('、')}年度的数据（政策表${coveredTo ? `截至${coveredTo}` : '为空'}）：` +
      '该年度参保的个人缴费补助将告知“尚未公布”，请在标准公布后补录到政策表（domain/policy/policy-table.ts）';
  return { today, years, missing, coveredTo, message };
}

/** The year's figure when the entries cover all of the year with one value, else null. */
function yearFigure(entries: PolicyTable['residentPremiumYuan'], year: number): number | null {
  const from = `${String(year).padStart(4, '0')}-01-01`;
  const to = `${String(year).padStart(4, '0')}-12-31`;
  const inYear = entries.filter((e) => compareIsoDates(e.effectiveFrom, to) <= 0 && (e.effectiveTo === undefined || compareIsoDates(e.effectiveTo, from) >= 0));
  const values = new Set(inYear.map((e) => e.value));
  if (values.size !== 1) return null;
  // Entries do not overlap (validatePolicyTable): the days they cover within the year add up.
  const covered = inYear.reduce((days, e) => {
    const start = compareIsoDates(e.effectiveFrom, from) < 0 ? from : e.effectiveFrom;
    const end = e.effectiveTo === undefined || compareIsoDates(e.effectiveTo, to) > 0 ? to : e.effectiveTo;
    return days + daysBetween(start, end) + 1;
  }, 0);
  return covered === daysBetween(from, to) + 1 ? (inYear[0]?.value ?? null) : null;
}

/** Problems in a table (empty when sound): bad dates, entries out of order or overlapping. */
export function validatePolicyTable(table: PolicyTable): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(table) as PolicyKey[]) {
    const entries: ReadonlyArray<PolicyEntry<unknown>> = table[key];
    if (entries.length === 0) problems.push(`${key}: no entries`);
    entries.forEach((e, i) => {
      if (!isIsoDate(e.effectiveFrom)) problems.push(`${key}[${i}]: effectiveFrom is not a date`);
      if (e.effectiveTo !== undefined && !isIsoDate(e.effectiveTo)) problems.push(`${key}[${i}]: effectiveTo is not a date`);
      if (!isIsoDate(e.effectiveFrom) || (e.effectiveTo !== undefined && !isIsoDate(e.effectiveTo))) return;
      if (e.effectiveTo !== undefined && compareIsoDates(e.effectiveTo, e.effectiveFrom) < 0) problems.push(`${key}[${i}]: ends before it starts`);
      const prev = entries[i - 1];
      if (prev && isIsoDate(prev.effectiveFrom)) {
        if (compareIsoDates(prev.effectiveFrom, e.effectiveFrom) >= 0) problems.push(`${key}[${i}]: not after the previous entry`);
        else if (prev.effectiveTo === undefined || compareIsoDates(prev.effectiveTo, e.effectiveFrom) >= 0) problems.push(`${key}[${i}]: overlaps the previous entry`);
      }
    });
  }
  return problems;
}
