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

describe('maternity: one payment per delivery, not per child', () => {
  const twin = (position: number, motherInsurance: BenefitsInput['motherInsurance'] = 'resident', birthOrder = 2) =>
    decideBenefits({
      birthAt: '2026-11-20T08:30:00+08:00', birthOrder, childHukouRegionCode: null, motherInsurance, motherSupport: {},
      multipleBirth: { children: 2, position },
    });

  it('when twins share one hospital delivery, then the fixed 3000 yuan is shown once, on the first-born’s case', () => {
    const first = twin(1).maternity;
    const second = twin(2).maternity;
    expect(first).toMatchObject({ eligible: true, rule: 'fixed', amount: 3000, delivery: { children: 2, position: 1, countedHere: true } });
    expect(second).toMatchObject({ eligible: true, rule: 'fixed', delivery: { children: 2, position: 2, countedHere: false } });
    expect(second).not.toHaveProperty('amount');
    expect(second.reason).toContain('已在第1个孩子的办件中显示');
    // summed over the delivery's cases, the payment counts once
    expect([first, second].reduce((sum, m) => sum + (m.amount ?? 0), 0)).toBe(3000);
  });

  it('when twins’ mother is in employee maternity insurance, then with fullSummary or familyChildren the percentage is told once, on the first-born’s case; without, as decided before', () => {
    const withRules = (position: number, rules: BenefitsInput['rules']) => decideBenefits({
      birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 2 + position - 1, childHukouRegionCode: null, motherInsurance: 'employee', motherSupport: {},
      multipleBirth: { children: 2, position }, rules,
    }).maternity;
    for (const rules of [{ fullSummary: true }, { familyChildren: true }]) {
      expect(withRules(1, rules)).toMatchObject({ rule: 'percent', percent: 100, delivery: { countedHere: true } });
      const second = withRules(2, rules);
      expect(second).toMatchObject({ eligible: true, rule: 'percent', delivery: { children: 2, position: 2, countedHere: false } });
      expect(second).not.toHaveProperty('percent');
      expect(second.reason).toContain('按一次分娩核定，在第1个出生孩子的办件中办理');
      expect(second.reason).toContain('本办件为双胞胎中第2个孩子，不重复享受');
    }
    // No rule on: the decision of a case decided before issue 22, word for word.
    expect(withRules(2, undefined)).toMatchObject({ rule: 'percent', percent: 100 });
    expect(withRules(2, { restDays: true })).toMatchObject({ rule: 'percent', percent: 100 });
    expect(withRules(2, undefined).reason).toBe('母亲参加职工生育保险，住院分娩医疗费政策范围内报销100%（第十五条）；双胞胎为同一次分娩，按一次分娩计算，已在第1个孩子的办件中显示，本办件（第2个孩子）不重复计算');
  });

  it('when twins are the 2nd and the 3rd child, then both are eligible for the premium subsidy and the childcare subsidy', () => {
    const a = twin(1, 'resident', 2);
    const b = twin(2, 'resident', 3);
    for (const child of [a, b]) {
      expect(child.premiumWaiver.eligible).toBe(true);
      expect(child.childcareSubsidy.eligible).toBe(true);
    }
  });

  it('when a single birth, then the delivery is that child’s own and the decision cites 第十五条', () => {
    const m = maternity('resident');
    expect(m).toMatchObject({ delivery: { children: 1, position: 1, countedHere: true }, citation: { clause: '第十五条' } });
    expect(m.reason).toContain('第十五条');
    expect(maternity('none').failed).toEqual([expect.objectContaining({ code: 'MOTHER_NOT_INSURED', clause: '第十五条' })]);
  });
});

describe('maternity: an uninsured mother with the fullSummary rule', () => {
  it('when the mother is not insured, then the decision tells her of the spouse’s maternity insurance (Social Insurance Law art. 54) instead of a flat refusal', () => {
    const m = decideBenefits({ birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 1, childHukouRegionCode: null, motherInsurance: 'none', motherSupport: {}, rules: { fullSummary: true } }).maternity;
    expect(m).toMatchObject({ eligible: false, scheme: 'none', rule: null, failed: [expect.objectContaining({ code: 'MOTHER_NOT_INSURED', clause: '第十五条' })] });
    expect(m.reason).toContain('《中华人民共和国社会保险法》第五十四条');
    expect(m.reason).toContain('配偶为参加生育保险的职工');
    expect(m.reason).not.toContain('不享受生育医疗费待遇');
  });

  it('when the rule is off, then the sentence is the one before', () => {
    expect(maternity('none').reason).toBe('母亲未参加基本医疗保险或生育保险，不享受生育医疗费待遇（第十五条）');
  });
});
