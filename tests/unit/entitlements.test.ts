// The family's entitlement summary: every item with its clause, and the dates that follow from the birth
// checked at the month-end edges (29 February, 31 January, 31 December, a birth late in the Shanghai day).
import fc from 'fast-check';
import { addDays, addYearsCivil, fromEpochDay, toEpochDay } from '../../domain/dates';
import { DEFAULT_POLICY_TABLE, EntitlementKey, familyEntitlements, FamilyEntitlements, type EntitlementItem, type PolicyRules, type PolicyTable } from '../../domain/policy';

const summary = (birthAt: string, birthOrder = 2, table: PolicyTable = DEFAULT_POLICY_TABLE) => familyEntitlements({ birthAt, birthOrder }, table);
/** The items of the summary before issue 22, in their order: what a summary without a rule switched on holds. */
const FIRST_ITEMS = [
  'maternityLeave', 'paternityLeave', 'parentalLeave', 'childcareTaxDeduction', 'housingFundLoan', 'publicRental', 'schoolDistrict',
  'inpatientReimbursement', 'preNurseryHealthCheck',
];
const item = (s: FamilyEntitlements, key: EntitlementItem['key']): EntitlementItem => {
  const found = s.items.find((i) => i.key === key);
  if (!found) throw new Error(`no ${key}`);
  return found;
};

describe('family entitlement summary: what is in it', () => {
  it('when a 二孩 is born, then every item is there once, applies, and cites its clause in the text and the citation', () => {
    const s = summary('2026-11-20T08:30:00+08:00');
    expect(FamilyEntitlements.parse(s)).toEqual(s);
    expect(s.items.map((i) => i.key)).toEqual(FIRST_ITEMS);
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

describe('family entitlement summary with the fullSummary rule (issue 22): all the plan gives, and the national rules named as such', () => {
  const full = (child: Partial<Parameters<typeof familyEntitlements>[0]> = {}, rules: PolicyRules = { fullSummary: true }) =>
    familyEntitlements({ birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 2, ...child }, DEFAULT_POLICY_TABLE, rules);

  it('when a 二孩 is born to an uninsured mother, then every item is there once, in order, each with its clause or its national rule', () => {
    const s = full({ motherInsurance: 'none' });
    expect(FamilyEntitlements.parse(s)).toEqual(s);
    expect(new Set(s.items.map((i) => i.key))).toEqual(new Set(EntitlementKey.options));
    expect(s.items.map((i) => i.key)).toEqual([
      'maternityLeave', 'additionalMaternityLeave', 'maternityAllowance', 'paternityLeave', 'parentalLeave', 'childcareTaxDeduction',
      'housingFundLoan', 'publicRental', 'publicRentalSwap', 'rentalSubsidyArea', 'schoolDistrict', 'kindergartenPriority', 'preschoolAid',
      'inpatientReimbursement', 'grandparentsLtc', 'spouseMaternityMedical', 'preNurseryHealthCheck',
    ]);
    const cited = Object.fromEntries(s.items.map((i) => [i.key, i.citation.clause]));
    expect(cited).toMatchObject({
      additionalMaternityLeave: '《女职工劳动保护特别规定》第七条', maternityAllowance: '第十一条', publicRentalSwap: '第十四条', rentalSubsidyArea: '第十四条',
      kindergartenPriority: '第十三条', preschoolAid: '第十三条', grandparentsLtc: '第十五条', spouseMaternityMedical: '《中华人民共和国社会保险法》第五十四条',
    });
    for (const key of ['additionalMaternityLeave', 'spouseMaternityMedical'] as const) {
      expect(item(s, key).citation).toMatchObject({ national: true, source: expect.stringContaining('国家规定') });
      expect(item(s, key).text).toMatch(/（国家规定：《.+》第.+条）。$/);
    }
    for (const i of s.items.filter((x) => !x.citation.national)) {
      expect(i.citation).not.toHaveProperty('national');
      expect(i.text.endsWith(`（${i.citation.clause}）。`)).toBe(true);
    }
    for (const i of s.items) expect(i.text).not.toMatch(/undefined|null|NaN|\$\{/);
  });

  it('when told of leave, then 生育津贴 during maternity leave and 福利待遇不变, with the plan’s fuller words cited', () => {
    const s = full();
    expect(item(s, 'maternityAllowance')).toMatchObject({ applies: true, period: { unit: 'day', from: '2026-11-20', to: '2027-04-26' } });
    expect(item(s, 'maternityAllowance').text).toContain('生育津贴');
    for (const key of ['maternityLeave', 'paternityLeave', 'parentalLeave', 'maternityAllowance'] as const) {
      expect(item(s, key).text).toContain('视为出勤，工资照发，福利待遇不变');
      expect(item(s, key).citation.text).toContain('生育津贴');
    }
  });

  it('when twins are born, then 15 more days of maternity leave for the second baby (national rule), and 15 for a difficult birth', () => {
    const twins = item(full({ multipleBirth: { children: 2, position: 1 } }), 'additionalMaternityLeave');
    expect(twins).toMatchObject({ applies: true, period: { unit: 'day', from: '2026-11-20', to: '2027-05-11' } });
    expect(twins.figures).toEqual({ extraDays: 15, totalDays: 173, perAdditionalBabyDays: 15, difficultBirthDays: 15 });
    expect(twins.text).toContain('产假共173天');
    expect(item(full({ multipleBirth: { children: 3, position: 2 } }), 'additionalMaternityLeave').figures).toMatchObject({ extraDays: 30, totalDays: 188 });
    const single = item(full(), 'additionalMaternityLeave');
    expect(single).toMatchObject({ period: null, figures: { perAdditionalBabyDays: 15, difficultBirthDays: 15 } });
    expect(single.text).toContain('难产的，增加产假15天');
  });

  it('when a 三孩 is born, then priority at a 普惠性幼儿园 applies; for a 二孩 it says why not; preschool aid is told to all', () => {
    expect(item(full({ birthOrder: 3 }), 'kindergartenPriority')).toMatchObject({ applies: true, text: expect.stringContaining('普惠性幼儿园') });
    expect(item(full(), 'kindergartenPriority')).toMatchObject({ applies: false, text: expect.stringContaining('二孩家庭不适用') });
    expect(item(full({ birthOrder: 1 }), 'preschoolAid')).toMatchObject({ applies: true, text: expect.stringContaining('家庭经济困难儿童') });
  });

  it('when the family grows, then the public-rental swap is told, and +15 m² of rental-subsidy area per child for 二孩及以上 families', () => {
    expect(item(full(), 'publicRentalSwap')).toMatchObject({ applies: true, text: expect.stringContaining('调换公租房') });
    expect(item(full(), 'rentalSubsidyArea')).toMatchObject({ applies: true, figures: { extraAreaPerChildM2: 15 }, text: expect.stringContaining('增加15平方米') });
    expect(item(full({ birthOrder: 1 }), 'rentalSubsidyArea')).toMatchObject({ applies: false, text: expect.stringContaining('一孩家庭不适用') });
    // the area is an item of its own: the public-rental priority no longer repeats it
    expect(item(full(), 'publicRental').text).not.toContain('平方米');
  });

  it('when no grandparent is ticked, then the grandparents’ LTC subsidy is still told, applying to a 二孩 and not to a 一孩', () => {
    expect(item(full(), 'grandparentsLtc')).toMatchObject({ applies: true, text: expect.stringContaining('长期护理保险个人缴费部分由财政予以全额补助') });
    expect(item(full({ birthOrder: 1 }), 'grandparentsLtc')).toMatchObject({ applies: false, text: expect.stringContaining('本次出生的孩子不适用') });
    expect(item(full({ birthAt: '2022-12-31T08:00:00+08:00' }), 'grandparentsLtc')).toMatchObject({ applies: false, text: expect.stringContaining('2023-01-01以后出生的二孩、三孩') });
  });

  it('when the mother is uninsured, then the spouse’s maternity insurance is told (Social Insurance Law art. 54); an insured mother is not told it', () => {
    const told = item(full({ motherInsurance: 'none' }), 'spouseMaternityMedical');
    expect(told.text).toContain('配偶为参加生育保险的职工');
    expect(told.text).not.toContain('不享受生育医疗费待遇');
    expect(full({ motherInsurance: 'resident' }).items.map((i) => i.key)).not.toContain('spouseMaternityMedical');
  });

  it('when the pre-nursery check is told, then as what clause 8 says the city will promote, not as done', () => {
    const text = item(full(), 'preNurseryHealthCheck').text;
    expect(text).toContain('推动各区县');
    expect(text).toContain('以所在区县的规定为准');
    expect(text.startsWith('各区县制定')).toBe(false);
  });

  it('when no rule is switched on (or all are off), then the summary is the one before issue 22, word for word', () => {
    const before = summary('2026-11-20T08:30:00+08:00');
    expect(familyEntitlements({ birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 2, motherInsurance: 'none', multipleBirth: { children: 2, position: 2 } }, DEFAULT_POLICY_TABLE, { fullSummary: false, familyChildren: false }))
      .toEqual(before);
    expect(before).not.toHaveProperty('familyChildren');
    expect(item(before, 'preNurseryHealthCheck').text).toBe('各区县制定婴幼儿入托查体免费政策，孩子入托前可向户籍所在区县卫生健康部门咨询（第八条）。');
  });
});

describe('family entitlement summary with the familyChildren rule: twins are one family', () => {
  const twin = (birthOrder: number, position: number, rules: PolicyRules = { familyChildren: true }, children = 2) =>
    familyEntitlements({ birthAt: '2026-11-20T08:30:00+08:00', birthOrder, multipleBirth: { children, position } }, DEFAULT_POLICY_TABLE, rules);

  it('when twins A and B of a first delivery are summarised, then both say the family has two children, with the same items', () => {
    const a = twin(1, 1);
    const b = twin(2, 2);
    expect(a.familyChildren).toBe(2);
    expect(b.familyChildren).toBe(2);
    expect(a.items).toEqual(b.items);
    expect(item(a, 'housingFundLoan')).toMatchObject({ applies: true, figures: { oneContributorYuan: 600_000, twoOrMoreContributorsYuan: 900_000 } });
    expect(item(a, 'publicRental').applies).toBe(true);
    expect(item(a, 'schoolDistrict').applies).toBe(true);
    expect(item(a, 'housingFundLoan').text).toContain('二孩家庭');
  });

  it('when twins A and B of a first delivery are summarised with every rule, then the same family summary too', () => {
    const rules = { familyChildren: true, fullSummary: true };
    expect(twin(1, 1, rules).items).toEqual(twin(2, 2, rules).items);
    // the grandparents' subsidy follows twin B (a 二孩): told as applying on both cases
    expect(item(twin(1, 1, rules), 'grandparentsLtc').applies).toBe(true);
  });

  it('when twins follow one earlier child, then both cases say three children: the 100万 ceiling and the 三孩 kindergarten priority', () => {
    const rules = { familyChildren: true, fullSummary: true };
    const a = twin(2, 1, rules);
    const b = twin(3, 2, rules);
    expect(a.familyChildren).toBe(3);
    expect(a.items).toEqual(b.items);
    expect(item(a, 'housingFundLoan').figures).toEqual({ oneContributorYuan: 600_000, twoOrMoreContributorsYuan: 1_000_000 });
    expect(item(a, 'kindergartenPriority').applies).toBe(true);
  });

  it('when triplets of a first delivery are summarised, then all three say three children', () => {
    expect([twin(1, 1, undefined, 3), twin(2, 2, undefined, 3), twin(3, 3, undefined, 3)].map((s) => s.familyChildren)).toEqual([3, 3, 3]);
  });

  it('when the rule is off, then each twin’s summary follows its own birth order (as before)', () => {
    expect(item(twin(1, 1, {}), 'housingFundLoan').text).toContain('一孩家庭不适用');
    expect(item(twin(2, 2, {}), 'housingFundLoan').applies).toBe(true);
  });
});
