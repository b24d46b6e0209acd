import { decideBenefits, type BenefitsInput } from '../../domain/policy';

const maternity = (motherInsurance: BenefitsInput['motherInsurance'], birthAt = '2026-11-20T08:30:00+08:00') =>
  decideBenefits({ birthAt, birthOrder: 1, childHukouRegionCode: null, motherInsurance, motherSupport: {} }).maternity;

describe('maternity medical costs by the mother’s scheme', () => {
  it('when the mother is in resident insurance, then a fixed 3000 yuan for the delivery', () => {
    expect(maternity('resident')).toMatchObject({ eligible: true, scheme: 'resident', rule: 'fixed', amount: 3000, failed: [] });
    expect(maternity('resident').reason).toContain('3000元');
  });

  it('when the mother is in employee maternity insurance, then 100% of in-policy costs', () => {
    expect(maternity('employee')).toMatchObject({ eligible: true, scheme: 'employee', rule: 'percent', percent: 100 });
  });

  it('when the mother is a flexible-employment worker in employee medical insurance, then 50%', () => {
    expect(maternity('flexible')).toMatchObject({ eligible: true, scheme: 'flexible', rule: 'percent', percent: 50 });
  });

  it('when the mother is not insured, then not eligible with MOTHER_NOT_INSURED', () => {
    const m = maternity('none');
    expect(m).toMatchObject({ eligible: false, scheme: 'none', rule: null });
    expect(m.failed.map((f) => f.code)).toEqual(['MOTHER_NOT_INSURED']);
    expect(m).not.toHaveProperty('amount');
  });

  it('when the birth order is 1, then maternity still applies (it is not a 二孩/三孩 benefit)', () => {
    expect(maternity('employee').eligible).toBe(true);
  });
});
