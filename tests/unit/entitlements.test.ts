// The family's entitlement summary: every item with its clause, and the dates that follow from the birth
// checked at the month-end edges (29 February, 31 January, 31 December, a birth late in the Shanghai day).
import fc from 'fast-check';
import { addDays, addYearsCivil, fromEpochDay, toEpochDay } from '../../domain/dates';
import { DEFAULT_POLICY_TABLE, EntitlementKey, familyEntitlements, FamilyEntitlements, type EntitlementItem, type PolicyTable } from '../../domain/policy';

const summary = (birthAt: string, birthOrder = 2, table: PolicyTable = DEFAULT_POLICY_TABLE) => familyEntitlements({ birthAt, birthOrder }, table);
const item = (s: FamilyEntitlements, key: EntitlementItem['key']): EntitlementItem => {
  const found = s.items.find((i) => i.key === key);
  if (!found) throw new Error(`no ${key}`);
  return found;
};

describe('family entitlement summary: what is in it', () => {
  it('when a 二孩 is born, then every item is there once, applies, and cites its clause in the text and the citation', () => {
    const s = summary('2026-11-20T08:30:00+08:00');
    expect(FamilyEntitlements.parse(s)).toEqual(s);
    expect(s.items.map((i) => i.key)).toEqual(EntitlementKey.options);
    const clauses = Object.fromEntries(s.items.map((i) => [i.key, i.citation.clause]));
    expect(clauses).toEqual({
      maternityLeave: '第十一条', paternityLeave: '第十一条', parentalLeave: '第十一条', childcareTaxDeduction: '第十二条',
      housingFundLoan: '第十四条', publicRental: '第十四条', schoolDistrict: '第十三条', inpatientReimbursement: '第十五条',
      preNurseryHealthCheck: '第八条',
    });
    for (const i of s.items) {
      expect(i.applies).toBe(true);
      expect(i.text).toContain(i.citation.clause);
      expect(i.citation.text.length).toBeGreaterThan(10);
    }
    expect(item(s, 'housingFundLoan').figures).toEqual({ oneContributorYuan: 600_000, twoOrMoreContributorsYuan: 900_000 });
    expect(item(s, 'inpatientReimbursement').text).toContain('5个百分点');
    expect(item(s, 'paternityLeave').text).toContain('不少于15天');
  });

  it('when a 三孩 is born, then the two-contributor housing-fund ceiling is 100万', () => {
    expect(item(summary('2026-11-20T08:30:00+08:00', 3), 'housingFundLoan').figures).toEqual({ oneContributorYuan: 600_000, twoOrMoreContributorsYuan: 1_000_000 });
  });

  it('when a first child is born, then leave, tax deduction, inpatient and pre-nursery apply, and the 2nd/3rd-child items say why not', () => {
    const s = summary('2026-11-20T08:30:00+08:00', 1);
    const applies = Object.fromEntries(s.items.map((i) => [i.key, i.applies]));
    expect(applies).toMatchObject({ maternityLeave: true, childcareTaxDeduction: true, inpatientReimbursement: true, preNurseryHealthCheck: true, housingFundLoan: false, publicRental: false, schoolDistrict: false });
    expect(item(s, 'housingFundLoan').text).toContain('一孩家庭不适用');
  });
});

describe('family entitlement summary: dates at the month-end edges', () => {
  it.each([
    // birthAt, maternity leave to, parental leave to (day before 3rd birthday), tax months, public rental to (day before 18th)
    ['2024-02-29T10:00:00+08:00', '2024-08-04', '2027-02-27', ['2024-02', '2027-01'], '2042-02-27'],
    ['2026-01-31T10:00:00+08:00', '2026-07-07', '2029-01-30', ['2026-01', '2028-12'], '2044-01-30'],
    ['2026-12-31T23:30:00+08:00', '2027-06-06', '2029-12-30', ['2026-12', '2029-11'], '2044-12-30'],
    // 16:30Z on 30 Nov is 1 Dec in Shanghai: the dates follow the Shanghai birth date
    ['2026-11-30T16:30:00Z', '2027-05-07', '2029-11-30', ['2026-12', '2029-11'], '2044-11-30'],
  ])('when born %s, then maternity leave to %s, parental leave to %s, tax deduction %j, public-rental priority to %s', (birthAt, leaveTo, parentalTo, [taxFrom, taxTo], rentalTo) => {
    const s = summary(birthAt);
    const birthDate = s.birthDate;
    expect(item(s, 'maternityLeave').period).toEqual({ unit: 'day', from: birthDate, to: leaveTo });
    expect(item(s, 'parentalLeave').period).toEqual({ unit: 'day', from: birthDate, to: parentalTo });
    expect(item(s, 'childcareTaxDeduction').period).toEqual({ unit: 'month', from: taxFrom, to: taxTo });
    expect(item(s, 'childcareTaxDeduction').figures).toEqual({ monthlyYuan: 2000, months: 36 });
    expect(item(s, 'publicRental').period).toEqual({ unit: 'day', from: birthDate, to: rentalTo });
    expect(item(s, 'maternityLeave').text).toContain(`休至${leaveTo}`);
    expect(item(s, 'parentalLeave').text).toContain(`至${parentalTo}`);
    expect(item(s, 'childcareTaxDeduction').text).toContain(`自${taxFrom}至${taxTo}共36个月`);
  });

  it('for any birth date, maternity leave spans exactly 158 days and the tax deduction exactly 36 months ending before the 3rd-birthday month', () => {
    fc.assert(fc.property(fc.integer({ min: toEpochDay('2023-01-01'), max: toEpochDay('2035-12-31') }), (day) => {
      const birthDate = fromEpochDay(day);
      const s = summary(`${birthDate}T12:00:00+08:00`);
      const leave = item(s, 'maternityLeave').period!;
      expect(toEpochDay(leave.to) - toEpochDay(leave.from) + 1).toBe(158);
      const tax = item(s, 'childcareTaxDeduction');
      expect(tax.figures['months']).toBe(36);
      expect(tax.period!.to < addYearsCivil(birthDate, 3).slice(0, 7)).toBe(true);
      expect(item(s, 'parentalLeave').period!.to).toBe(addDays(addYearsCivil(birthDate, 3), -1));
    }), { numRuns: 300 });
  });
});

describe('family entitlement summary: the numbers live in the table', () => {
  it('when the table’s leave or deduction figures change, then the summary follows without a code change', () => {
    const entry = DEFAULT_POLICY_TABLE.familyEntitlements[0]!;
    const table: PolicyTable = {
      ...DEFAULT_POLICY_TABLE,
      familyEntitlements: [{ ...entry, value: { ...entry.value, maternityLeaveDays: 180, taxDeductionMonthlyYuan: 3000 } }],
    };
    const s = summary('2026-11-20T08:30:00+08:00', 2, table);
    expect(item(s, 'maternityLeave').figures).toEqual({ days: 180 });
    expect(item(s, 'maternityLeave').period?.to).toBe('2027-05-18');
    expect(item(s, 'childcareTaxDeduction').text).toContain('每孩每月3000元');
  });
});

describe('family entitlement summary: sentences', () => {
  it('when read, then every text is one plain passage ending with its clause once, with no placeholder left', () => {
    for (const order of [1, 2, 3, 4]) {
      for (const i of summary('2026-11-20T08:30:00+08:00', order).items) {
        expect(i.text.endsWith(`（${i.citation.clause}）。`)).toBe(true);
        expect(i.text.split(i.citation.clause)).toHaveLength(2);
        expect(i.text).not.toMatch(/undefined|null|NaN|\$\{/);
      }
    }
  });
});
