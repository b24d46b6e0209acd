import fc from 'fast-check';
import { benefitsInputFor, DEFAULT_POLICY_TABLE, decideBenefits, subsidyPeriod, type BenefitsInput } from '../../domain/policy';
import { application } from '../helpers/fixtures';

const RULE = DEFAULT_POLICY_TABLE.childcareSubsidy[0]!.value;

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
  it('when a 二孩 is registered in a Jinan household, then 600 a month for 36 months, the birth month to the month before the 3rd-birthday month', () => {
    const s = subsidy();
    expect(s).toMatchObject({
      eligible: true, pending: false, failed: [], monthly: 600, base: 600, supplement: 0,
      from: '2026-11', to: '2029-10', months: 36, endsOn: '2029-11-20', hukouBasis: 'registered',
      citation: { clause: '第十二条' },
    });
    expect(s.reason).toContain('共36个月');
    expect(s.reason).toContain('第十二条');
    expect(s.citation.text).toContain('直至孩子3周岁');
  });

  it('when born on 2023-01-01, then paid 2023-01 … 2025-12: 36 payments, never 37', () => {
    expect(subsidy({ birthAt: '2023-01-01T00:10:00+08:00' })).toMatchObject({ from: '2023-01', to: '2025-12', months: 36 });
  });

  it('when the child’s household is outside Jinan (Qingdao 370202), then HUKOU_NOT_JINAN and nothing is paid', () => {
    const s = subsidy({ childHukouRegionCode: '370202' });
    expect(s).toMatchObject({ eligible: false, monthly: 0, from: null, to: null, months: 0 });
    expect(s.failed).toEqual([expect.objectContaining({ code: 'HUKOU_NOT_JINAN', clause: '第十二条' })]);
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
    expect(subsidy({ birthAt: '2022-12-31T16:30:00Z' })).toMatchObject({ eligible: true, from: '2023-01', to: '2025-12', months: 36 });
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
  it('when born on the last day of a month, then from that month to the month before the same month three years on', () => {
    expect(subsidyPeriod('2023-01-31', RULE)).toEqual({ from: '2023-01', to: '2025-12', months: 36, endsOn: '2026-01-31' });
  });

  it('when born on 29 February, then the 3rd birthday is 28 February of a common year and January is the last month', () => {
    expect(subsidyPeriod('2024-02-29', RULE)).toEqual({ from: '2024-02', to: '2027-01', months: 36, endsOn: '2027-02-28' });
  });

  it('when born on 31 December, then the period crosses the years and still counts 36', () => {
    expect(subsidyPeriod('2026-12-31', RULE)).toEqual({ from: '2026-12', to: '2029-11', months: 36, endsOn: '2029-12-31' });
  });

  it('when the table says the birthday month is paid too, then 37 months (the rule lives in the table)', () => {
    expect(subsidyPeriod('2026-11-20', { ...RULE, lastPaidMonth: 'birthdayMonth' })).toMatchObject({ to: '2029-11', months: 37 });
  });
});

describe('childcare subsidy: the supplement’s ground recorded on the case', () => {
  const fromCase = (mother: Record<string, unknown>) =>
    decideBenefits(benefitsInputFor(application({ mother }), { childHukouRegionCode: '370103' })).childcareSubsidy;

  it.each([
    ['destituteSupport', '特困供养'],
    ['unemploymentBenefit', '失业保险金'],
    ['minimumLivingAllowance', '最低生活保障'],
  ] as const)('when the case records the ground %s, then 800 a month and the ground is named', (ground, words) => {
    // as the schema stores it: lowIncome agrees with the ground
    const s = fromCase({ supplementGround: ground, lowIncome: ground === 'minimumLivingAllowance' });
    expect(s).toMatchObject({ monthly: 800, supplement: 200, supplementGrounds: [ground] });
    expect(s.reason).toContain(words);
  });

  it('when the mother draws unemployment benefit, then the decision says the supplement lasts only while it is drawn', () => {
    const s = fromCase({ supplementGround: 'unemploymentBenefit' });
    expect(s.supplementOnlyWhileBenefitDrawn).toBe(true);
    expect(s.reason).toContain('仅在领取失业保险金期间加发');
    expect(fromCase({ supplementGround: 'destituteSupport' }).supplementOnlyWhileBenefitDrawn).toBe(false);
  });

  it('when an application recorded before the ground existed has only lowIncome, then it reads as 低保 or none', () => {
    const { supplementGround: _g, ...old } = application().mother;
    expect(fromCase({ ...old, lowIncome: true, supplementGround: undefined })).toMatchObject({ monthly: 800, supplementGrounds: ['minimumLivingAllowance'] });
    expect(fromCase({ ...old, lowIncome: false, supplementGround: undefined })).toMatchObject({ monthly: 600, supplementGrounds: [] });
  });
});

describe('childcare subsidy: the child’s hukou follows the householdOf parent', () => {
  const qingdao = application({ mother: { hukouRegionCode: '370202' }, father: { hukouRegionCode: '370211' }, householdOf: 'father' });

  it('when both parents have Qingdao hukou and the child is registered with the father, then not eligible at acceptance, with the reason', () => {
    const s = decideBenefits(benefitsInputFor(qingdao)).childcareSubsidy;
    expect(s).toMatchObject({ eligible: false, pending: false, monthly: 0, hukouRegionCode: '370211', hukouBasis: 'householdOfParent' });
    expect(s.failed).toEqual([expect.objectContaining({ code: 'HUKOU_NOT_JINAN', clause: '第十二条' })]);
    expect(s.reason).toContain('随父亲落户');
    expect(s.reason).not.toContain('须孩子在济南市落户后发放');
  });

  it('when the child is registered with the Jinan mother, then eligible and pending on the registration only', () => {
    const app = application({ mother: { hukouRegionCode: '370102' }, father: { hukouRegionCode: '370211' }, householdOf: 'mother' });
    const s = decideBenefits(benefitsInputFor(app)).childcareSubsidy;
    expect(s).toMatchObject({ eligible: true, pending: true, hukouRegionCode: '370102', hukouBasis: 'householdOfParent' });
    expect(s.reason).toContain('随母亲在济南市落户');
  });

  it('when the child’s ID is issued, then the registered region confirms the decision', () => {
    const s = decideBenefits(benefitsInputFor(qingdao, { childHukouRegionCode: '370211' })).childcareSubsidy;
    expect(s).toMatchObject({ eligible: false, pending: false, hukouBasis: 'registered' });
    const jinan = decideBenefits(benefitsInputFor(application(), { childHukouRegionCode: '370103' })).childcareSubsidy;
    expect(jinan).toMatchObject({ eligible: true, pending: false, hukouBasis: 'registered' });
  });
});

describe('childcare subsidy: the registered household wins over the parent’s region (issue 22)', () => {
  it('when the parent named in householdOf is from Qingdao but the child is registered in a Jinan household, then eligible on the registered household', () => {
    const app = application({ mother: { hukouRegionCode: '370202' }, father: { hukouRegionCode: '370211' }, householdOf: 'father' });
    const s = decideBenefits(benefitsInputFor(app, { childHukouRegionCode: '370103' })).childcareSubsidy;
    expect(s).toMatchObject({ eligible: true, pending: false, hukouRegionCode: '370103', hukouBasis: 'registered' });
    expect(s.failed).toEqual([]);
  });

  it('when the parent named in householdOf is from Jinan but the child is registered in a Qingdao household, then not eligible, on the registered household', () => {
    const app = application({ mother: { hukouRegionCode: '370102' }, father: { hukouRegionCode: '370211' }, householdOf: 'mother' });
    const s = decideBenefits(benefitsInputFor(app, { childHukouRegionCode: '370202' })).childcareSubsidy;
    expect(s).toMatchObject({ eligible: false, pending: false, hukouRegionCode: '370202', hukouBasis: 'registered' });
    expect(s.failed).toEqual([expect.objectContaining({ code: 'HUKOU_NOT_JINAN' })]);
  });

  it('for any parents’ regions and registered region, once registered the decision follows the registered region alone', () => {
    const region = fc.constantFrom('370102', '370103', '370112', '370202', '370211', '110105', '440524');
    fc.assert(fc.property(region, region, region, fc.constantFrom('mother' as const, 'father' as const), (m, f, child, householdOf) => {
      const app = application({ mother: { hukouRegionCode: m }, father: { hukouRegionCode: f }, householdOf });
      const s = decideBenefits(benefitsInputFor(app, { childHukouRegionCode: child })).childcareSubsidy;
      expect(s.hukouRegionCode).toBe(child);
      expect(s.hukouBasis).toBe('registered');
      expect(s.eligible).toBe(child.startsWith('3701'));
    }));
  });
});

describe('childcare subsidy: a corrected ground', () => {
  it('when lowIncome is corrected to false on a 低保 case, then no supplement; a corrected ground names the new one', async () => {
    const { applyCorrection } = await import('../../workflows/corrections');
    const app = application({ mother: { lowIncome: true, supplementGround: 'minimumLivingAllowance' } });
    const decide = (a: typeof app) => decideBenefits(benefitsInputFor(a, { childHukouRegionCode: '370103' })).childcareSubsidy;
    expect(decide(applyCorrection(app, { 'mother.lowIncome': false }))).toMatchObject({ monthly: 600, supplementGrounds: [] });
    expect(decide(applyCorrection(app, { 'mother.lowIncome': false, 'mother.supplementGround': 'destituteSupport' }))).toMatchObject({ monthly: 800, supplementGrounds: ['destituteSupport'] });
  });
});
