// The clerk's and the parents' views of a case carry the family's entitlement summary, and a case recorded
// before the policy fields existed (no supplementGround, older decisions) is still shown in the same shape.
import { clerkCaseView, parentCaseView } from '../../api/case-views';
import { CaseView, ParentView } from '../../api/views.schemas';
import { reduceCase } from '../../domain/case-state';
import { benefitsInputFor, decideBenefits, type PolicyRules } from '../../domain/policy';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';

function stateOf(app: BirthCaseState['application'], rules?: PolicyRules): BirthCaseState {
  const events: BirthCaseState['events'] = [
    { seq: 1, at: '2026-11-22T10:00:00.000+08:00', actor: { role: 'clerk', id: 'c1' }, action: 'case.accepted', service: null, attempt: null, outcome: 'ok', reason: null, data: { newbornNameMissing: false } },
    { seq: 2, at: '2026-11-22T10:00:00.000+08:00', actor: { role: 'system', id: null }, action: 'benefits.decided', service: null, attempt: null, outcome: 'ok', reason: 'case accepted', data: { benefits: decideBenefits(benefitsInputFor(app, rules ? { rules } : {})) } },
  ];
  return { ...reduceCase(events), caseId: 'C1', hospitalId: 'H0001', application: app, trackingSecretHash: 'x', events };
}

describe('case views: the family entitlement summary', () => {
  const app = application({}, 2, Date.parse('2026-11-22T10:00:00+08:00'));

  it('when a clerk or a parent reads a case, then both views carry the same summary with clauses and dates', () => {
    const clerk = CaseView.parse(clerkCaseView(stateOf(app)));
    const parent = ParentView.parse(parentCaseView(stateOf(app)));
    expect(parent.entitlements).toEqual(clerk.entitlements);
    expect(clerk.entitlements.birthDate).toBe(app.newborn.birthAt.slice(0, 10));
    expect(clerk.entitlements.items.every((i) => /^第.+条$/.test(i.citation.clause) && i.text.includes(i.citation.clause))).toBe(true);
    expect(JSON.stringify(parent.entitlements)).not.toContain(app.mother.name);
  });

  it('when the case was recorded before the supplement ground existed, then the clerk view still shows a ground read from lowIncome', () => {
    const { supplementGround: _g, ...mother } = app.mother;
    const old = { ...app, mother: { ...mother, lowIncome: true } } as unknown as BirthCaseState['application'];
    const view = CaseView.parse(clerkCaseView(stateOf(old)));
    expect(view.mother).toMatchObject({ lowIncome: true, supplementGround: 'minimumLivingAllowance' });
  });
});

describe('case views: twins’ family summary follows the case’s own readings', () => {
  const at = Date.parse('2026-11-22T10:00:00+08:00');
  const base = application({}, 2, at);
  const twin = (position: number) => ({ ...base, newborn: { ...base.newborn, birthOrder: position, multipleBirth: { children: 2, position } } });
  const ISSUE_22 = { restDays: true, fullSummary: true, familyChildren: true };

  it('when first-delivery twins were decided with the issue-22 readings, then both cases tell the family the same summary, as a family of two children', () => {
    const a = CaseView.parse(clerkCaseView(stateOf(twin(1), ISSUE_22))).entitlements;
    const b = CaseView.parse(clerkCaseView(stateOf(twin(2), ISSUE_22))).entitlements;
    expect(a.items).toEqual(b.items);
    expect(a.items.some((i) => i.key === 'maternityAllowance')).toBe(true); // fullSummary's items are there
  });

  it('when the twins were decided before the readings, then each case keeps its summary from the child’s own birth order, as decided then', () => {
    const a = CaseView.parse(clerkCaseView(stateOf(twin(1)))).entitlements;
    const b = CaseView.parse(clerkCaseView(stateOf(twin(2)))).entitlements;
    expect(a.items).not.toEqual(b.items);
    expect(a.items.some((i) => i.key === 'maternityAllowance')).toBe(false);
  });
});
