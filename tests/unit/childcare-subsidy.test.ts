import { decideBenefits, subsidyPeriod, type BenefitsInput } from '../../domain/policy';

function input(overrides: Partial<BenefitsInput> = {}): BenefitsInput {
  return {
    birthAt: '2026-11-20T08:30:00+08:00',
    birthOrder: 2,
    childHukouRegionCode: '370102',
    enrolment: null,
    motherInsurance: 'resident',
    motherSupport: {},
    ...overrides,
  };
}
const subsidy = (overrides: Partial<BenefitsInput> = {}) => decideBenefits(input(overrides)).childcareSubsidy;

describe('childcare subsidy: who qualifies', () => {
  it('when a 二孩 is registered in a Jinan household, then 600 a month from the birth month to the month of the 3rd birthday', () => {
    expect(subsidy()).toMatchObject({
      eligible: true, pending: false, failed: [], monthly: 600, base: 600, supplement: 0,
      from: '2026-11', to: '2029-11', months: 37, endsOn: '2029-11-20',
    });
  });

  it('when the child’s household is outside Jinan (Qingdao 370202), then HUKOU_NOT_JINAN and nothing is paid', () => {
    const s = subsidy({ childHukouRegionCode: '370202' });
    expect(s).toMatchObject({ eligible: false, monthly: 0, from: null, to: null, months: 0 });
    expect(s.failed.map((f) => f.code)).toEqual(['HUKOU_NOT_JINAN']);
    expect(s.reason).toContain('370202');
  });

  it('when the household is not registered yet, then eligible but pending on a Jinan registration', () => {
    const s = subsidy({ childHukouRegionCode: null });
    expect(s).toMatchObject({ eligible: true, pending: true, monthly: 600 });
    expect(s.reason).toContain('落户');
  });

  it.each([
    [1, false],
    [2, true],
    [3, true],
    [4, false],
  ])('when the birth order is %i, then eligible is %s', (birthOrder, eligible) => {
    expect(subsidy({ birthOrder }).eligible).toBe(eligible);
  });

  it('when born on 2022-12-31 in Shanghai time, then not eligible; at 16:30Z that day (2023-01-01 in Shanghai), eligible', () => {
    expect(subsidy({ birthAt: '2022-12-31T23:30:00+08:00' }).failed.map((f) => f.code)).toEqual(['BORN_BEFORE_ELIGIBLE_DATE']);
    expect(subsidy({ birthAt: '2022-12-31T16:30:00Z' })).toMatchObject({ eligible: true, from: '2023-01', to: '2026-01' });
  });

  it('when a first child of a non-Jinan household is born in 2022, then all three reasons are listed', () => {
    const s = subsidy({ birthAt: '2022-05-01T08:00:00+08:00', birthOrder: 1, childHukouRegionCode: '110105' });
    expect(s.failed.map((f) => f.code)).toEqual(['HUKOU_NOT_JINAN', 'BORN_BEFORE_ELIGIBLE_DATE', 'BIRTH_ORDER_NOT_ELIGIBLE']);
  });
});

describe('childcare subsidy: the 200-yuan supplement', () => {
  it.each([
    [{ lowIncome: true }, '最低生活保障'],
    [{ destitute: true }, '特困供养'],
    [{ unemploymentBenefit: true }, '失业保险金'],
  ])('when the mother has %j, then 800 a month with the reason named', (motherSupport, why) => {
    const s = subsidy({ motherSupport });
    expect(s).toMatchObject({ monthly: 800, base: 600, supplement: 200 });
    expect(s.supplementReasons.join()).toContain(why);
    expect(s.reason).toContain('每月加发200元');
  });

  it('when the mother has several kinds of support, then the supplement is still 200 once', () => {
    expect(subsidy({ motherSupport: { lowIncome: true, unemploymentBenefit: true } })).toMatchObject({ monthly: 800, supplement: 200 });
  });

  it('when the mother has no support, or all flags are false, then no supplement', () => {
    expect(subsidy({ motherSupport: { lowIncome: false, destitute: false, unemploymentBenefit: false } })).toMatchObject({ monthly: 600, supplement: 0 });
  });

  it('when the child is not eligible, then no supplement either', () => {
    expect(subsidy({ birthOrder: 1, motherSupport: { lowIncome: true } })).toMatchObject({ monthly: 0, supplement: 0, supplementReasons: [] });
  });
});

describe('childcare subsidy: first and last month', () => {
  it('when born on the last day of a month, then from that month to the same month three years on', () => {
    expect(subsidyPeriod('2023-01-31', 3)).toEqual({ from: '2023-01', to: '2026-01', endsOn: '2026-01-31' });
  });

  it('when born on 29 February, then the 3rd birthday is 28 February of a common year', () => {
    expect(subsidyPeriod('2024-02-29', 3)).toEqual({ from: '2024-02', to: '2027-02', endsOn: '2027-02-28' });
  });
});
