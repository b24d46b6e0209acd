// Issue 19 (异地通办) in the pure parts the workflow decides by: the benefit decisions name the place (the
// waiver does not apply where the child is insured at home; the subsidy refusal names the household's
// place), and the case log's new entries reduce to where each service is handled and the parents' task to
// post originals. Inputs without the new facts decide and reduce exactly as before.
import fc from 'fast-check';
import { reduceCase, type CaseEvent } from '../../domain/case-state';
import { decideBenefits, type BenefitsInput } from '../../domain/policy';
import { waitingOn, waiverOutcome } from '../../workflows/case-publication';

function input(overrides: Partial<BenefitsInput> = {}): BenefitsInput {
  return { birthAt: '2026-11-15T08:30:00+08:00', birthOrder: 2, childHukouRegionCode: null, enrolment: null, motherInsurance: 'resident', motherSupport: {}, ...overrides };
}

describe('benefit decisions that name the place (issue 19)', () => {
  test('when the child is insured at home in Qingdao, then Jinan\'s waiver does not apply, said at once with the place, not pending', () => {
    const w = decideBenefits(input({ insuredOutsideJinan: { regionCode: '370202', label: '山东省青岛市' } })).premiumWaiver;
    expect(w).toMatchObject({ eligible: false, pending: false, amount: 0 });
    expect(w.failed).toEqual([expect.objectContaining({ code: 'ENROLMENT_NOT_IN_JINAN' })]);
    expect(w.reason).toContain('山东省青岛市');
    expect(w.reason).toContain('济南市的补助不适用');
  });

  test('when insured at home and then enrolled there, then the one reason stays (not said twice)', () => {
    const w = decideBenefits(input({ insuredOutsideJinan: { regionCode: '370202', label: '山东省青岛市' }, enrolment: { registeredOn: '2026-11-20', inJinan: false } })).premiumWaiver;
    expect(w.failed.map((f) => f.code)).toEqual(['ENROLMENT_NOT_IN_JINAN']);
  });

  test('when the household is in Qingdao and its label is given, then the subsidy refusal names 山东省青岛市 with the code', () => {
    const s = decideBenefits(input({ householdOfParent: { parent: 'father', hukouRegionCode: '370202' }, regionLabels: { '370202': '山东省青岛市' } })).childcareSubsidy;
    expect(s.eligible).toBe(false);
    expect(s.failed[0]).toMatchObject({ code: 'HUKOU_NOT_JINAN' });
    expect(s.reason).toContain('父亲户籍地（山东省青岛市，370202）不在济南市');
  });

  test('when no place facts are given, then the decisions are the ones before issue 19 (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.constantFrom('370202', '110105', '370102'), fc.boolean(),
      (birthOrder, code, enrolled) => {
        const base = input({ birthOrder, householdOfParent: { parent: 'mother', hukouRegionCode: code }, enrolment: enrolled ? { registeredOn: '2026-11-20', inJinan: true } : null });
        const withEmptyFacts = { ...base, regionLabels: {} };
        expect(decideBenefits(withEmptyFacts)).toEqual(decideBenefits(base));
      },
    ));
  });
});

const at = (seq: number) => `2026-12-0${Math.min(9, seq)}T10:00:00+08:00`;
const entry = (seq: number, e: Omit<CaseEvent, 'seq' | 'at' | 'actor' | 'attempt' | 'outcome' | 'reason'> & Partial<CaseEvent>): CaseEvent =>
  ({ seq, at: at(seq), actor: { role: 'system', id: null }, attempt: null, outcome: 'ok', reason: null, ...e }) as CaseEvent;

describe('the case log of a forwarded service (issue 19)', () => {
  const accepted = entry(1, { action: 'case.accepted', service: null, data: { newbornNameMissing: false } });
  const submitted = entry(2, { action: 'service.submitted', service: 'household', attempt: 1, outcome: 'pending', data: { channel: 'inProvince' } });
  const forwardedEntry = entry(3, { action: 'service.forwarded', service: 'household', outcome: 'pending', data: { forwardId: 'FW-1', channel: 'inProvince', destinationRegionCode: '370202', dueAt: '2026-12-08T10:00:00+08:00' } });
  const originals = entry(4, { action: 'service.originals_requested', service: 'household', outcome: 'pending', data: { items: ['结婚证原件'], postTo: '青岛市户政窗口', dueAt: '2026-12-20T10:00:00+08:00' } });

  test('when the other place asks for originals, then the parents have an originals task with its items, address and deadline', () => {
    const s = reduceCase([accepted, submitted, forwardedEntry, originals]);
    expect(s.services.household).toMatchObject({ status: 'submitted', channel: 'inProvince', forward: { forwardId: 'FW-1', destinationRegionCode: '370202' } });
    expect(s.status).toBe('action_required');
    expect(s.actionsRequired).toEqual([{ kind: 'originals', service: 'household', items: [{ path: '', message: '结婚证原件' }], dueAt: '2026-12-20T10:00:00+08:00', postTo: '青岛市户政窗口' }]);
  });

  test('when the originals are received or the service completes, then the task is gone', () => {
    const received = entry(5, { action: 'service.originals_received', service: 'household', outcome: 'pending' });
    expect(reduceCase([accepted, submitted, forwardedEntry, originals, received]).actionsRequired).toEqual([]);
    const completed = entry(5, { action: 'service.completed', service: 'household', attempt: 1, data: { result: { citizenId: '370202202612010011', regionCode: '370202' }, channel: 'inProvince' } });
    const s = reduceCase([accepted, submitted, forwardedEntry, originals, completed]);
    expect(s.actionsRequired).toEqual([]);
    expect(s.services.household).toMatchObject({ status: 'completed', channel: 'inProvince' });
  });

  test('when a log has none of the new entries, then no service carries a channel, forward or originals (as before)', () => {
    const old = reduceCase([accepted, entry(2, { action: 'service.submitted', service: 'household', attempt: 1, outcome: 'pending' })]);
    for (const s of Object.values(old.services)) {
      expect(s).not.toHaveProperty('channel');
      expect(s).not.toHaveProperty('forward');
      expect(s).not.toHaveProperty('originals');
    }
  });
});

describe('whom a case waits on (issue 19)', () => {
  test('when the parents owe originals, then the case waits on the parents (and on the other place through the exchange)', () => {
    const s = reduceCase([
      entry(1, { action: 'case.accepted', service: null, data: { newbornNameMissing: false } }),
      entry(2, { action: 'service.submitted', service: 'household', attempt: 1, outcome: 'pending', data: { channel: 'inProvince' } }),
      entry(3, { action: 'service.originals_requested', service: 'household', outcome: 'pending', data: { items: ['结婚证原件'], postTo: '青岛市户政窗口', dueAt: '2026-12-20T10:00:00+08:00' } }),
    ]);
    expect(waitingOn(s)).toEqual(['parent', 'agency']);
  });
});

describe('the waiver outcome searched and counted (issue 19)', () => {
  test('when the child is insured at home, then Jinan\'s waiver is not applicable (not counted as lost)', () => {
    const benefits = decideBenefits(input({ insuredOutsideJinan: { regionCode: '370202', label: '山东省青岛市' } }));
    const s = reduceCase([entry(1, { action: 'case.accepted', service: null, data: { newbornNameMissing: false } }), entry(2, { action: 'benefits.decided', service: null, data: { benefits } })]);
    expect(waiverOutcome(s)).toEqual({ outcome: 'not_applicable', lostReason: null });
  });
});
