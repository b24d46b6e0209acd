// Advice follows the case (issue 22): once the child is enrolled, the waiver line tells its outcome, not
// the deadline to enrol by — on the clerk's case page and the parents' page alike (one function).
import { decideBenefits, type BenefitsInput } from '../../domain/policy';
import { benefitLines, premiumWaiverLine } from '../../web/src/shared/benefits';
import { readableDates } from '../../web/src/shared/format';

/** A second child born 2026-11-20 in Jinan; override what a test is about. */
function decided(overrides: Partial<BenefitsInput> = {}) {
  return decideBenefits({
    birthAt: '2026-11-20T08:30:00+08:00', birthOrder: 2, childHukouRegionCode: '370102', enrolment: null,
    motherInsurance: 'resident', motherSupport: {}, rules: { restDays: true }, ...overrides,
  });
}
const STALE = /前完成参保登记|逾期不能享受减免/;

describe('the premium waiver line follows the enrolment', () => {
  it('when the child is not yet enrolled, then the line says by when to enrol and that it is lost after', () => {
    const line = premiumWaiverLine(decided().premiumWaiver);
    expect(line).toMatchObject({ state: 'pending', headline: '待参保登记后核定' });
    expect(line.details).toContain('请在 2027年5月20日 前完成参保登记，逾期不能享受减免');
  });

  it('when the child is enrolled in time, then the line says the contribution is paid and no longer asks to enrol', () => {
    const line = premiumWaiverLine(decided({ enrolment: { registeredOn: '2026-12-01', inJinan: true, agencyPremiumYuan: 400 } }).premiumWaiver);
    expect(line).toMatchObject({ state: 'yes', headline: '已参保，准予全额补助 400元' });
    expect(line.details.join('\n')).not.toMatch(STALE);
    expect(line.details.join('\n')).toContain('医保经办机构核定金额');
  });

  it('when the child is enrolled after the window, then the line says it was not granted and why, without a deadline to meet', () => {
    const line = premiumWaiverLine(decided({ enrolment: { registeredOn: '2027-06-01', inJinan: true } }).premiumWaiver);
    expect(line).toMatchObject({ state: 'no', headline: '已参保，未能享受减免' });
    expect(line.details.join('\n')).toContain('晚于截止日');
    expect(line.details.join('\n')).not.toMatch(STALE);
  });

  it('when enrolled in a year whose figure is not published, then granted without an amount, said plainly', () => {
    const line = premiumWaiverLine(decided({ birthAt: '2026-12-20T08:00:00+08:00', enrolment: { registeredOn: '2027-01-04', inJinan: true, agencyPremiumYuan: null } }).premiumWaiver);
    expect(line).toMatchObject({ state: 'yes', headline: '已参保，准予全额补助（年度标准尚未公布）' });
    expect(line.details.join('\n')).toContain('2027年度个人缴费标准尚未公布');
    expect(line.details.join('\n')).not.toMatch(/null|undefined|NaN/);
  });

  it('when the page knows the enrolment is done before the decision on it arrives, then no stale deadline either', () => {
    const line = premiumWaiverLine(decided().premiumWaiver, { enrolled: true });
    expect(line).toMatchObject({ state: 'pending', headline: '已参保，减免结果核定中' });
    expect(line.details.join('\n')).not.toMatch(STALE);
  });

  it('when a first child is enrolled, then the line says not granted with the birth-order reason', () => {
    const line = benefitLines(decided({ birthOrder: 1, enrolment: { registeredOn: '2026-12-01', inJinan: true } }), { enrolled: true })[0];
    expect(line).toMatchObject({ state: 'no', headline: '已参保，未能享受减免' });
    expect(line?.details.join('\n')).not.toMatch(STALE);
  });
});

describe('the maternity line of a multiple birth', () => {
  it('when the case is the second twin’s, then the line refers to the first-born’s case instead of repeating the payment', () => {
    const twinB = decided({ birthOrder: 3, motherInsurance: 'resident', multipleBirth: { children: 2, position: 2 }, rules: { restDays: true, fullSummary: true, familyChildren: true } });
    expect(benefitLines(twinB)[2]).toMatchObject({ title: '生育医疗费用待遇', state: 'yes', headline: '按一次分娩计算，见第1个出生孩子的办件' });
    const twinA = decided({ birthOrder: 2, motherInsurance: 'resident', multipleBirth: { children: 2, position: 1 }, rules: { restDays: true, fullSummary: true, familyChildren: true } });
    expect(benefitLines(twinA)[2]).toMatchObject({ headline: '定额 3,000元' });
  });
});

describe('dates in the engine’s sentences, as people read them', () => {
  it('when a line names 2027-05-20 or 2026-11, then the page says 2027年5月20日 and 2026年11月, and leaves other numbers alone', () => {
    expect(readableDates('须于2027-05-20前（含当日）参保；发放期间2026-11至2029-10')).toBe('须于2027年5月20日前（含当日）参保；发放期间2026年11月至2029年10月');
    expect(readableDates('地区码370102，身份证号码37010219940315100X，第十五条')).toBe('地区码370102，身份证号码37010219940315100X，第十五条');
  });

  it('when the benefit lines are built, then no ISO date is left in them', () => {
    const lines = benefitLines(decided({ enrolment: { registeredOn: '2026-12-01', inJinan: true, agencyPremiumYuan: 400 } }));
    for (const l of lines) expect(l.details.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
