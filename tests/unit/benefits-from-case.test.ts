// The decisions as the workflow makes them from a case (benefitsInputFor + decideBenefits), with the clock
// fixed: cases created on either side of a new year, and applications recorded before the policy fields.
import { benefitsInputFor, decideBenefits } from '../../domain/policy';
import { application } from '../helpers/fixtures';

const at = (iso: string): number => Date.parse(iso);

describe('decisions from a case, with the clock fixed', () => {
  it.each([
    ['2026-12-30T10:00:00+08:00', '2026-12-31', 2026],
    ['2027-01-03T10:00:00+08:00', '2027-01-05', 2027],
  ])('when a case is created at %s and enrolled on %s, then the waived amount is the agency’s figure and never null', (now, enrolledOn, year) => {
    const app = application({}, 2, at(now));
    const decided = decideBenefits(benefitsInputFor(app, { childHukouRegionCode: '370103', enrolment: { registeredOn: enrolledOn, inJinan: true, agencyPremiumYuan: 400 } }));
    expect(decided.premiumWaiver).toMatchObject({ eligible: true, amount: 400, premium: 400, premiumSource: 'agency', enrolmentYear: year });
    expect(decided.premiumWaiver.reason).toContain(`${year}年度个人缴费400元由财政予以全额补助`);
  });

  it('when a case created on 2027-01-03 waits for enrolment, then the estimate says plainly that 2027 is not yet published', () => {
    const app = application({}, 2, at('2027-01-03T10:00:00+08:00'));
    const w = decideBenefits(benefitsInputFor(app, { childHukouRegionCode: '370103' })).premiumWaiver;
    expect(w).toMatchObject({ eligible: true, pending: true, premium: null, amount: null, premiumSource: 'unpublished' });
    expect(w.reason).toContain('2027年度个人缴费标准尚未公布，参保后按公布标准由财政全额补助');
  });

  it('when an application was recorded before the policy fields existed, then it is decided as before (低保 flag, single birth)', () => {
    const app = application({}, 2, at('2026-11-22T10:00:00+08:00'));
    const { supplementGround: _g, ...mother } = app.mother;
    const old = { ...app, mother: { ...mother, lowIncome: true } } as unknown as typeof app;
    const d = decideBenefits(benefitsInputFor(old, { childHukouRegionCode: '370103' }));
    expect(d.childcareSubsidy).toMatchObject({ eligible: true, monthly: 800, supplementGrounds: ['minimumLivingAllowance'] });
    expect(d.maternity).toMatchObject({ amount: 3000, delivery: { children: 1, position: 1, countedHere: true } });
  });

  it('when every decision is made, then each one and each failed condition cites its clause', () => {
    const app = application({ newborn: { birthOrder: 1 }, mother: { insurance: 'none', hukouRegionCode: '370202' }, father: { hukouRegionCode: '370211' } }, 2, at('2026-11-22T10:00:00+08:00'));
    const d = decideBenefits(benefitsInputFor(app, { enrolment: { registeredOn: '2027-12-01', inJinan: false } }));
    for (const decision of [d.premiumWaiver, d.childcareSubsidy, d.maternity]) {
      expect(decision.citation.clause).toMatch(/^第[一二三四五六七八九十]+条$/);
      expect(decision.failed.length).toBeGreaterThan(0);
      for (const f of decision.failed) expect(f.clause).toMatch(/^第[一二三四五六七八九十]+条$/);
    }
  });
});

describe('readings switched on from the workflow (issue 22)', () => {
  it('when the workflow passes rules with the facts, then only those on reach the input and the decision records them', () => {
    const app = application({}, 2, at('2026-11-22T10:00:00+08:00'));
    const input = benefitsInputFor(app, { childHukouRegionCode: '370103', rules: { restDays: true, fullSummary: false } });
    expect(input.rules).toEqual({ restDays: true });
    expect(decideBenefits(input).rules).toEqual({ restDays: true });
    expect(decideBenefits(input).premiumWaiver.deadlineByArt203).toBeDefined();
  });

  it('when no rule is on, then the input and the decision carry none (a running case decides as it did)', () => {
    const app = application({}, 2, at('2026-11-22T10:00:00+08:00'));
    for (const rules of [undefined, {}, { restDays: false }]) {
      const input = benefitsInputFor(app, { childHukouRegionCode: '370103', ...(rules ? { rules } : {}) });
      expect(input).not.toHaveProperty('rules');
      expect(decideBenefits(input)).toEqual(decideBenefits(benefitsInputFor(app, { childHukouRegionCode: '370103' })));
      expect(decideBenefits(input)).not.toHaveProperty('rules');
    }
  });
});
