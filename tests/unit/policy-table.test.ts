import {
  decideBenefits,
  DEFAULT_POLICY_TABLE,
  firstEffectiveDate,
  FIRST_ELIGIBLE_BIRTH_DATE,
  premiumCoverage,
  validatePolicyTable,
  valueAt,
  BenefitsInput,
  type PolicyTable,
} from '../../domain/policy';

const base: BenefitsInput = {
  birthAt: '2027-03-01T08:00:00+08:00',
  birthOrder: 1,
  childHukouRegionCode: '370102',
  enrolment: { registeredOn: '2027-03-10', inJinan: true },
  motherInsurance: 'resident',
  motherSupport: {},
};

describe('policy table', () => {
  it('when the default table is checked, then it has no overlapping or malformed entries', () => {
    expect(validatePolicyTable(DEFAULT_POLICY_TABLE)).toEqual([]);
  });

  it('when looking up the premium by date, then each calendar year has its figure, both ends inclusive', () => {
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2023-01-01')).toBe(380);
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2023-12-31')).toBe(380);
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2024-01-01')).toBe(400);
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2026-12-31')).toBe(400);
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2027-01-01')).toBeUndefined();
    expect(valueAt(DEFAULT_POLICY_TABLE, 'residentPremiumYuan', '2022-12-31')).toBeUndefined();
  });

  it('when looking up the waiver rule, then the first eligible birth date is 2023-01-01 with orders 2 and 3 and a 6-month window', () => {
    expect(FIRST_ELIGIBLE_BIRTH_DATE).toBe('2023-01-01');
    expect(firstEffectiveDate(DEFAULT_POLICY_TABLE, 'premiumWaiver')).toBe('2023-01-01');
    expect(valueAt(DEFAULT_POLICY_TABLE, 'premiumWaiver', '2023-01-01')).toEqual({ birthOrders: [2, 3], windowMonths: 6 });
    expect(valueAt(DEFAULT_POLICY_TABLE, 'premiumWaiver', '2022-12-31')).toBeUndefined();
  });

  it('when a new year’s premium and a new rule version are added as data, then decisions follow without code changes', () => {
    const table: PolicyTable = {
      ...DEFAULT_POLICY_TABLE,
      residentPremiumYuan: [...DEFAULT_POLICY_TABLE.residentPremiumYuan, { effectiveFrom: '2027-01-01', effectiveTo: '2027-12-31', value: 420 }],
      premiumWaiver: [
        { effectiveFrom: '2023-01-01', effectiveTo: '2026-12-31', value: { birthOrders: [2, 3], windowMonths: 6 } },
        { effectiveFrom: '2027-01-01', value: { birthOrders: [1, 2, 3], windowMonths: 12 } },
      ],
    };
    expect(validatePolicyTable(table)).toEqual([]);
    const w = decideBenefits(base, table).premiumWaiver;
    expect(w).toMatchObject({ eligible: true, amount: 420, deadline: '2028-03-01' });
    expect(decideBenefits(base).premiumWaiver.eligible).toBe(false);
  });

  it('when the subsidy’s amounts and period rule are edited in the table, then the decision changes without a code change', () => {
    const input = { ...base, birthOrder: 2, birthAt: '2026-11-20T08:30:00+08:00', motherSupport: { unemploymentBenefit: true } };
    const before = decideBenefits(input).childcareSubsidy;
    expect(before).toMatchObject({ monthly: 800, base: 600, supplement: 200, to: '2029-10', months: 36 });
    const entry = DEFAULT_POLICY_TABLE.childcareSubsidy[0]!;
    const table: PolicyTable = {
      ...DEFAULT_POLICY_TABLE,
      childcareSubsidy: [{ ...entry, value: { ...entry.value, monthlyYuan: 700, supplementYuan: 300, lastPaidMonth: 'birthdayMonth' } }],
      maternity: [{ ...DEFAULT_POLICY_TABLE.maternity[0]!, value: { ...DEFAULT_POLICY_TABLE.maternity[0]!.value, resident: { rule: 'fixed', amountYuan: 3500 } } }],
    };
    expect(validatePolicyTable(table)).toEqual([]);
    const after = decideBenefits(input, table);
    expect(after.childcareSubsidy).toMatchObject({ monthly: 1000, base: 700, supplement: 300, to: '2029-11', months: 37 });
    expect(after.childcareSubsidy.reason).toContain('每月700元');
    expect(after.maternity).toMatchObject({ amount: 3500 });
  });

  it('when a rule version ends, then births after it get NO_RULE_FOR_BIRTH_DATE', () => {
    const table: PolicyTable = {
      ...DEFAULT_POLICY_TABLE,
      childcareSubsidy: [{ ...DEFAULT_POLICY_TABLE.childcareSubsidy[0]!, effectiveTo: '2026-12-31' }],
    };
    const s = decideBenefits({ ...base, birthOrder: 2 }, table).childcareSubsidy;
    expect(s.failed.map((f) => f.code)).toEqual(['NO_RULE_FOR_BIRTH_DATE']);
  });

  it('when entries overlap or run backwards, then the table is reported unsound', () => {
    const table: PolicyTable = {
      ...DEFAULT_POLICY_TABLE,
      residentPremiumYuan: [
        { effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31', value: 400 },
        { effectiveFrom: '2024-06-01', effectiveTo: '2024-05-01', value: 410 },
      ],
    };
    expect(validatePolicyTable(table)).toEqual([
      'residentPremiumYuan[1]: ends before it starts',
      'residentPremiumYuan[1]: overlaps the previous entry',
    ]);
  });
});

describe('decideBenefits output', () => {
  it('when decided, then the result is plain JSON and the same every time', () => {
    const a = decideBenefits({ ...base, birthOrder: 2 });
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(decideBenefits({ ...base, birthOrder: 2 })).toEqual(a);
  });
});

describe('BenefitsInput schema', () => {
  it('when facts arrive as JSON, then the schema accepts them and refuses unknown keys or a malformed region', () => {
    expect(BenefitsInput.safeParse(base).success).toBe(true);
    expect(BenefitsInput.safeParse({ ...base, childHukouRegionCode: '3701' }).success).toBe(false);
    expect(BenefitsInput.safeParse({ ...base, extra: true }).success).toBe(false);
  });
});

describe('premium table coverage (the current and the next year)', () => {
  const premiums = (entries: PolicyTable['residentPremiumYuan']): PolicyTable => ({ ...DEFAULT_POLICY_TABLE, residentPremiumYuan: entries });

  it('when the default table is checked during 2025, then 2025 and 2026 have their figures and nothing is said', () => {
    expect(premiumCoverage('2025-03-01')).toEqual({
      today: '2025-03-01', years: [{ year: 2025, yuan: 400 }, { year: 2026, yuan: 400 }], missing: [], coveredTo: '2026-12-31', message: null,
    });
  });

  it('when the default table is checked in December 2026, then 2027 is missing and the message says so', () => {
    const c = premiumCoverage('2026-12-04');
    expect(c.missing).toEqual([2027]);
    expect(c.years).toEqual([{ year: 2026, yuan: 400 }, { year: 2027, yuan: null }]);
    expect(c.message).toContain('缺少2027年度');
    expect(c.message).toContain('截至2026-12-31');
  });

  it('when both years are missing, then both are named', () => {
    expect(premiumCoverage('2028-01-01').missing).toEqual([2028, 2029]);
    expect(premiumCoverage('2028-01-01').message).toContain('2028、2029年度');
  });

  it('when a year is covered only in part, or by two figures, then it counts as missing', () => {
    const partial = premiums([{ effectiveFrom: '2030-01-01', effectiveTo: '2030-06-30', value: 400 }, { effectiveFrom: '2031-01-01', effectiveTo: '2031-12-31', value: 420 }]);
    expect(premiumCoverage('2030-05-01', partial).missing).toEqual([2030]);
    const split = premiums([{ effectiveFrom: '2030-01-01', effectiveTo: '2030-06-30', value: 400 }, { effectiveFrom: '2030-07-01', value: 420 }]);
    expect(premiumCoverage('2030-05-01', split)).toMatchObject({ missing: [2030], years: [{ year: 2030, yuan: null }, { year: 2031, yuan: 420 }] });
  });

  it('when a year is covered by two entries with one figure, or by an open-ended entry, then it is covered', () => {
    const halves = premiums([{ effectiveFrom: '2030-01-01', effectiveTo: '2030-06-30', value: 400 }, { effectiveFrom: '2030-07-01', value: 400 }]);
    expect(premiumCoverage('2030-05-01', halves)).toMatchObject({ missing: [], coveredTo: '9999-12-31', message: null });
  });
});
