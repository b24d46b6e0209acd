import fc from 'fast-check';
import { addDays, addMonthsCivil, fromEpochDay, isWorkingDay, toEpochDay } from '../../domain/dates';
import { decideBenefits, DEFAULT_POLICY_TABLE, premiumWaiverApplies, premiumWaiverDeadline, type BenefitsInput } from '../../domain/policy';

/** A second child born in Jinan, mother in resident insurance; override what a test is about. */
function input(overrides: Partial<BenefitsInput> = {}): BenefitsInput {
  return {
    birthAt: '2023-03-15T08:30:00+08:00',
    birthOrder: 2,
    childHukouRegionCode: '370102',
    enrolment: null,
    motherInsurance: 'resident',
    motherSupport: {},
    ...overrides,
  };
}
const waiver = (overrides: Partial<BenefitsInput> = {}) => decideBenefits(input(overrides)).premiumWaiver;
const failedCodes = (overrides: Partial<BenefitsInput>) => waiver(overrides).failed.map((f) => f.code);

describe('premium waiver: the six-month deadline (Civil Code)', () => {
  it.each([
    ['2023-03-15', '2023-09-15'],
    ['2023-08-31', '2024-02-29'],
    ['2024-08-31', '2025-02-28'],
  ])('when born %s, then the last eligible enrolment day is %s', (born, deadline) => {
    expect(waiver({ birthAt: `${born}T10:00:00+08:00` }).deadline).toBe(deadline);
  });

  it('when enrolment is registered on the last day, then the waiver applies', () => {
    const w = waiver({ enrolment: { registeredOn: '2023-09-15', inJinan: true } });
    expect(w).toMatchObject({ eligible: true, pending: false, failed: [] });
  });

  it('when enrolment is registered the day after the last day, then ENROLMENT_AFTER_DEADLINE with the dates in the reason', () => {
    const w = waiver({ enrolment: { registeredOn: '2023-09-16', inJinan: true } });
    expect(w.eligible).toBe(false);
    expect(w.amount).toBe(0);
    expect(w.failed).toEqual([{ code: 'ENROLMENT_AFTER_DEADLINE', message: expect.stringContaining('2023-09-15'), clause: '第十五条' }]);
    expect(w.reason).toContain('2023-09-16');
  });

  it('when enrolment is registered on the birth day itself, then it is within the window', () => {
    expect(waiver({ enrolment: { registeredOn: '2023-03-15', inJinan: true } }).eligible).toBe(true);
  });

  it('when the enrolment date is before the birth, then ENROLMENT_BEFORE_BIRTH', () => {
    expect(failedCodes({ enrolment: { registeredOn: '2023-03-14', inJinan: true } })).toEqual(['ENROLMENT_BEFORE_BIRTH']);
  });
});

describe('premium waiver: birth date from 2023-01-01 (inclusive), in Asia/Shanghai', () => {
  it('when born at 23:30 on 2022-12-31 (+08:00), then not eligible: born before 2023-01-01', () => {
    const w = waiver({ birthAt: '2022-12-31T23:30:00+08:00' });
    expect(w.birthDate).toBe('2022-12-31');
    expect(w.eligible).toBe(false);
    expect(w.failed).toEqual([{ code: 'BORN_BEFORE_ELIGIBLE_DATE', message: expect.stringContaining('2023-01-01'), clause: '第十五条' }]);
  });

  it('when born at 16:30 UTC on 2022-12-31, then the Shanghai birth date is 2023-01-01 and the child is eligible', () => {
    const w = waiver({ birthAt: '2022-12-31T16:30:00Z' });
    expect(w.birthDate).toBe('2023-01-01');
    expect(w.eligible).toBe(true);
  });

  it('when born at 00:00 on 2023-01-01, then eligible (以后 read inclusive)', () => {
    expect(waiver({ birthAt: '2023-01-01T00:00:00+08:00' }).eligible).toBe(true);
  });
});

describe('premium waiver: birth order', () => {
  it.each([
    [1, false],
    [2, true],
    [3, true],
    [4, false],
    [5, false],
  ])('when the child is birth order %i, then eligible is %s', (birthOrder, eligible) => {
    const w = waiver({ birthOrder });
    expect(w.eligible).toBe(eligible);
    if (!eligible) expect(w.failed.map((f) => f.code)).toEqual(['BIRTH_ORDER_NOT_ELIGIBLE']);
  });

  it('when the child is the first, then the reason says 一孩 and that only 二孩、三孩 are covered', () => {
    expect(waiver({ birthOrder: 1 }).reason).toContain('一孩不在居民医保个人缴费财政全额补助范围，政策仅适用于二孩、三孩（第十五条）');
  });

  it('when the child is the fourth, then the reason names 第4孩', () => {
    expect(waiver({ birthOrder: 4 }).failed[0]?.message).toContain('第4孩');
  });
});

describe('premium waiver: enrolment in Jinan', () => {
  it('when enrolment is outside Jinan, then ENROLMENT_NOT_IN_JINAN', () => {
    expect(failedCodes({ enrolment: { registeredOn: '2023-04-01', inJinan: false } })).toEqual(['ENROLMENT_NOT_IN_JINAN']);
  });

  it('when enrolment is not yet registered, then eligible but pending, with the deadline in the reason', () => {
    const w = waiver();
    expect(w).toMatchObject({ eligible: true, pending: true, enrolmentYearEstimated: true, deadline: '2023-09-15' });
    expect(w.reason).toContain('2023-09-15前（含当日）');
  });
});

describe('premium waiver: every failed condition is listed', () => {
  it('when first child, born 2022, enrolled late outside Jinan, then all four reasons are given', () => {
    const w = waiver({
      birthAt: '2022-06-01T08:00:00+08:00',
      birthOrder: 1,
      enrolment: { registeredOn: '2023-06-01', inJinan: false },
    });
    expect(w.failed.map((f) => f.code)).toEqual([
      'BORN_BEFORE_ELIGIBLE_DATE', 'BIRTH_ORDER_NOT_ELIGIBLE', 'ENROLMENT_NOT_IN_JINAN', 'ENROLMENT_AFTER_DEADLINE',
    ]);
    for (const f of w.failed) expect(w.reason).toContain(f.message);
  });
});

describe('premium waiver: amount = the whole individual contribution of the enrolment year', () => {
  it('when enrolled in 2023, then 380 yuan; in 2024, then 400 yuan', () => {
    expect(waiver({ enrolment: { registeredOn: '2023-05-01', inJinan: true } })).toMatchObject({ amount: 380, premium: 380, enrolmentYear: 2023 });
    expect(
      waiver({ birthAt: '2024-03-01T08:00:00+08:00', enrolment: { registeredOn: '2024-03-10', inJinan: true } }),
    ).toMatchObject({ amount: 400, enrolmentYear: 2024 });
  });

  it('when born in December 2023 and enrolled next January, then the 2024 contribution (400) is waived, not 2023’s', () => {
    const w = waiver({ birthAt: '2023-12-20T08:00:00+08:00', enrolment: { registeredOn: '2024-01-05', inJinan: true } });
    expect(w).toMatchObject({ eligible: true, enrolmentYear: 2024, enrolmentYearEstimated: false, premium: 400, amount: 400 });
  });

  it('when enrolment is not known, then the amount is estimated from the birth year', () => {
    expect(waiver({ birthAt: '2023-12-20T08:00:00+08:00' })).toMatchObject({ enrolmentYear: 2023, enrolmentYearEstimated: true, amount: 380 });
  });

  it('when the enrolment year’s figure is not published, then eligible with amount null and the reason says so plainly', () => {
    const w = waiver({ birthAt: '2026-12-20T08:00:00+08:00', enrolment: { registeredOn: '2027-01-05', inJinan: true } });
    expect(w).toMatchObject({ eligible: true, premium: null, amount: null, enrolmentYear: 2027, premiumSource: 'unpublished' });
    expect(w.reason).toContain('2027年度个人缴费标准尚未公布，参保后按公布标准由财政全额补助');
    expect(w.reason).not.toMatch(/null|undefined|尚未配置/);
  });

  it('when a child born at the end of 2027 waits to enrol, then the estimate says the year is not published, in one sentence', () => {
    const w = waiver({ birthAt: '2027-12-30T08:00:00+08:00', enrolment: null });
    expect(w).toMatchObject({ eligible: true, pending: true, premium: null, amount: null, premiumSource: 'unpublished' });
    expect(w.reason).toContain('（2027年度个人缴费标准尚未公布，参保后按公布标准由财政全额补助）');
  });

  it('when the agency has enrolled the child, then its premium figure is the one shown, even for a year the table lacks', () => {
    const w = waiver({ birthAt: '2026-12-20T08:00:00+08:00', enrolment: { registeredOn: '2027-01-05', inJinan: true, agencyPremiumYuan: 420 } });
    expect(w).toMatchObject({ eligible: true, premium: 420, amount: 420, premiumSource: 'agency' });
    expect(w.reason).toContain('2027年度个人缴费420元由财政予以全额补助（医保经办机构核定金额）');
    // the agency's figure wins over the table's 400 for 2026 too
    const overTable = waiver({ enrolment: { registeredOn: '2026-12-01', inJinan: true, agencyPremiumYuan: 410 }, birthAt: '2026-11-20T08:00:00+08:00' });
    expect(overTable).toMatchObject({ premium: 410, premiumSource: 'agency' });
  });

  it('when the agency enrolled the child but answered premium null (its figure not yet published), then the decision says the year is not published and never labels it the agency’s', () => {
    const w = waiver({ birthAt: '2026-12-20T08:00:00+08:00', enrolment: { registeredOn: '2027-01-04', inJinan: true, agencyPremiumYuan: null } });
    expect(w).toMatchObject({ eligible: true, pending: false, premium: null, amount: null, premiumSource: 'unpublished' });
    expect(w.reason).toContain('2027年度个人缴费标准尚未公布，参保后按公布标准由财政全额补助');
    expect(w.reason).not.toContain('医保经办机构核定金额');
  });

  it('before enrolment, then the table’s estimate, marked as such', () => {
    expect(waiver({ birthAt: '2026-11-20T08:00:00+08:00', enrolment: null })).toMatchObject({ premium: 400, amount: 400, premiumSource: 'table' });
  });

  it('when the decision speaks of the contribution, then it uses the law’s words 由财政予以全额补助 and never 减免', () => {
    for (const w of [waiver({ enrolment: null }), waiver({ enrolment: { registeredOn: '2023-05-01', inJinan: true } }), waiver({ birthOrder: 1 })]) {
      expect(w.reason).not.toContain('减免');
      expect(w.citation).toMatchObject({ clause: '第十五条', text: expect.stringContaining('由财政予以全额补助') });
    }
    expect(waiver({ enrolment: null }).reason).toContain('由财政予以全额补助');
  });

  it('when not eligible, then the waived amount is 0 while the year’s premium is still shown', () => {
    expect(waiver({ birthOrder: 1, enrolment: { registeredOn: '2023-05-01', inJinan: true } })).toMatchObject({ amount: 0, premium: 380 });
  });
});

describe('premium waiver: grandparents in long-term-care insurance', () => {
  it('when an eligible child has grandparents in Jinan LTC, then each is recorded as subsidised for the enrolment year', () => {
    const w = waiver({
      enrolment: { registeredOn: '2023-05-01', inJinan: true },
      grandparentsInLtc: [{ relation: '祖父' }, { relation: '外祖母' }],
    });
    expect(w.grandparentsLtc).toEqual([
      { relation: '祖父', subsidised: true, year: 2023, reason: expect.stringContaining('2023年度个人缴费部分由财政予以全额补助') },
      { relation: '外祖母', subsidised: true, year: 2023, reason: expect.any(String) },
    ]);
  });

  it('when the child is not eligible, then the grandparents are recorded as not subsidised, with the reason', () => {
    const w = waiver({ birthOrder: 1, grandparentsInLtc: [{ relation: '祖母' }] });
    expect(w.grandparentsLtc).toEqual([{ relation: '祖母', subsidised: false, year: 2023, reason: expect.stringContaining('孙辈不符合') }]);
  });

  it('when the same relation is given twice, then it is recorded once', () => {
    expect(waiver({ grandparentsInLtc: [{ relation: '祖父' }, { relation: '祖父' }] }).grandparentsLtc).toHaveLength(1);
  });

  it('when no grandparents are given, then the list is empty', () => {
    expect(waiver().grandparentsLtc).toEqual([]);
  });
});

describe('premium waiver properties', () => {
  const birthDate = fc.integer({ min: toEpochDay('2023-01-01'), max: toEpochDay('2030-12-31') }).map(fromEpochDay);

  it('when a 二孩/三孩 is born on any day from 2023, then enrolling on the deadline qualifies and the day after does not', () => {
    fc.assert(
      fc.property(birthDate, fc.constantFrom(2, 3), (born, birthOrder) => {
        const birthAt = `${born}T12:00:00+08:00`;
        const deadline = addMonthsCivil(born, 6);
        const onTime = waiver({ birthAt, birthOrder, enrolment: { registeredOn: deadline, inJinan: true } });
        const late = waiver({ birthAt, birthOrder, enrolment: { registeredOn: addDays(deadline, 1), inJinan: true } });
        expect(onTime.deadline).toBe(deadline);
        expect(onTime.deadline > born).toBe(true);
        expect(onTime.eligible).toBe(true);
        expect(late.failed.map((f) => f.code)).toEqual(['ENROLMENT_AFTER_DEADLINE']);
      }),
      { numRuns: 300 },
    );
  });
});

describe('premium waiver with the restDays rule: Civil Code art. 203 moves a deadline on a rest day', () => {
  const rules = { restDays: true };

  it('when the six months end on 2023-10-01 (National Day), then the deadline is 2023-10-07, an adjusted working Saturday, and the reason says why', () => {
    const w = waiver({ birthAt: '2023-04-01T09:00:00+08:00', rules });
    expect(w.deadline).toBe('2023-10-07');
    expect(w.deadlineByArt203).toEqual({
      counted: '2023-10-01', moved: true, calendarLoaded: true, yearsNotLoaded: [],
      note: '自出生之日起6个月的最后一日2023-10-01为法定节假日（中秋节、国庆节），依《民法典》第二百零三条顺延至2023-10-07',
    });
    expect(w.reason).toContain('须于2023-10-07前（含当日）');
    expect(w.reason).toContain('依《民法典》第二百零三条顺延至2023-10-07');
  });

  it('when the family enrols on the first working day after the holiday, then the waiver applies; the next day it does not', () => {
    const onTime = waiver({ birthAt: '2023-04-01T09:00:00+08:00', rules, enrolment: { registeredOn: '2023-10-07', inJinan: true } });
    expect(onTime).toMatchObject({ eligible: true, pending: false, deadline: '2023-10-07' });
    expect(onTime.reason).toContain('截止日2023-10-07，自出生之日起6个月的最后一日2023-10-01为法定节假日');
    const late = waiver({ birthAt: '2023-04-01T09:00:00+08:00', rules, enrolment: { registeredOn: '2023-10-08', inJinan: true } });
    expect(late.failed).toEqual([{ code: 'ENROLMENT_AFTER_DEADLINE', message: expect.stringContaining('晚于截止日2023-10-07'), clause: '第十五条' }]);
    expect(late.failed[0]?.message).toContain('《民法典》第二百零三条');
  });

  it('when the rule is not switched on, then the deadline is counted as before (running cases decide as they did)', () => {
    const w = waiver({ birthAt: '2023-04-01T09:00:00+08:00', enrolment: { registeredOn: '2023-10-07', inJinan: true } });
    expect(w).toMatchObject({ eligible: false, deadline: '2023-10-01' });
    expect(w).not.toHaveProperty('deadlineByArt203');
    expect(decideBenefits(input())).not.toHaveProperty('rules');
    expect(decideBenefits(input({ rules: { restDays: false } }))).not.toHaveProperty('rules');
  });

  it('when the six months end on a plain Saturday, then the deadline is the Monday, a 休息日 in the reason', () => {
    const w = waiver({ birthAt: '2023-03-16T09:00:00+08:00', rules });
    expect(w).toMatchObject({ deadline: '2023-09-18', deadlineByArt203: { counted: '2023-09-16', moved: true, calendarLoaded: true } });
    expect(w.reason).toContain('最后一日2023-09-16为休息日（星期六），依《民法典》第二百零三条顺延至2023-09-18');
  });

  it('when the six months end on a working day, then nothing moves and the reason says nothing of art. 203', () => {
    const w = waiver({ rules });
    expect(w).toMatchObject({ deadline: '2023-09-15', deadlineByArt203: { counted: '2023-09-15', moved: false, calendarLoaded: true, note: expect.stringContaining('无需顺延') } });
    expect(w.reason).not.toContain('民法典');
  });

  it('when the deadline falls in a year whose holidays are not loaded (2027), then weekends only, and the decision says the calendar is not loaded', () => {
    const saturday = waiver({ birthAt: '2026-12-05T09:00:00+08:00', rules });
    expect(saturday).toMatchObject({ deadline: '2027-06-07', deadlineByArt203: { counted: '2027-06-05', moved: true, calendarLoaded: false, yearsNotLoaded: [2027] } });
    expect(saturday.reason).toContain('2027年度节假日安排尚未载入，仅按周末顺延');
    // 2027-10-01 is a Friday: by weekends only it stays, and the reason says why that may be wrong
    const friday = waiver({ birthAt: '2027-04-01T09:00:00+08:00', rules });
    expect(friday).toMatchObject({ deadline: '2027-10-01', deadlineByArt203: { moved: false, calendarLoaded: false } });
    expect(friday.reason).toContain('2027年度节假日安排尚未载入');
  });

  it('when decided with the rule, then the decision records it so reads follow the case', () => {
    expect(decideBenefits(input({ rules: { restDays: true, fullSummary: false } })).rules).toEqual({ restDays: true });
  });

  it('when the mock asks whether the waiver applies, then the rule is passed on', () => {
    const enrolment = { birthOrder: 2, birthDate: '2023-04-01', enrolledOn: '2023-10-07' };
    expect(premiumWaiverApplies(DEFAULT_POLICY_TABLE, enrolment)).toBe(false);
    expect(premiumWaiverApplies(DEFAULT_POLICY_TABLE, enrolment, rules)).toBe(true);
    expect(premiumWaiverDeadline(DEFAULT_POLICY_TABLE, '2023-04-01', rules)).toBe('2023-10-07');
  });

  it('for any birth from 2023, the deadline is the counted day or the first working day after it; enrolling on it qualifies and the day after does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: toEpochDay('2023-01-01'), max: toEpochDay('2028-12-31') }).map(fromEpochDay), (born) => {
        const birthAt = `${born}T12:00:00+08:00`;
        const counted = addMonthsCivil(born, 6);
        const w = waiver({ birthAt, rules });
        expect(w.deadline >= counted).toBe(true);
        expect(isWorkingDay(w.deadline)).toBe(true);
        for (let d = counted; d < w.deadline; d = addDays(d, 1)) expect(isWorkingDay(d)).toBe(false);
        expect(w.deadlineByArt203?.moved).toBe(w.deadline !== counted);
        expect(waiver({ birthAt, rules, enrolment: { registeredOn: w.deadline, inJinan: true } }).eligible).toBe(true);
        expect(waiver({ birthAt, rules, enrolment: { registeredOn: addDays(w.deadline, 1), inJinan: true } }).failed.map((f) => f.code)).toEqual(['ENROLMENT_AFTER_DEADLINE']);
      }),
      { numRuns: 300 },
    );
  });
});
