// The 生育登记 joined the bundle while cases were running (issue 18, patch family-registration): the reducer
// knows a case's bundle from its acceptance. A case accepted before (no bundle named) never has the service
// in its state, its actions or its status; one accepted since has it like the others.
import fc from 'fast-check';
import { auditView, clerkCaseView, parentCaseView } from '../../api/case-views';
import { EARLIER_BUNDLE, SERVICE_KEYS, type ServiceKey } from '../../domain/catalog';
import { reduceCase, SYSTEM, type CaseEvent } from '../../domain/case-state';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';

const at = '2026-12-01T10:00:00+08:00';
const accepted = (bundle?: ServiceKey[]): CaseEvent => ({
  seq: 1, at, actor: SYSTEM, action: 'case.accepted', service: null, attempt: null, outcome: 'ok', reason: null,
  data: { newbornNameMissing: false, ...(bundle ? { bundle } : {}) },
});
const completed = (seq: number, service: ServiceKey): CaseEvent => ({
  seq, at, actor: SYSTEM, action: 'service.completed', service, attempt: 1, outcome: 'ok', reason: null, data: { result: {} },
});

test('when a case was accepted before the 生育登记 (no bundle named), then its state has the five services only and completes with them', () => {
  const events = [accepted(), ...EARLIER_BUNDLE.map((k, i) => completed(i + 2, k))];
  const s = reduceCase(events);
  expect(Object.keys(s.services)).toEqual([...EARLIER_BUNDLE]);
  expect(s.services.familyRegistration).toBeUndefined();
  expect(s.status).toBe('completed');
});

test('when a case was accepted with the 生育登记, then it is part of the case: pending until done, the case open until then', () => {
  const events = [accepted([...SERVICE_KEYS]), ...EARLIER_BUNDLE.map((k, i) => completed(i + 2, k))];
  expect(Object.keys(reduceCase(events).services)).toEqual([...SERVICE_KEYS]);
  expect(reduceCase(events).status).toBe('in_progress');
  expect(reduceCase([...events, completed(7, 'familyRegistration')]).status).toBe('completed');
  // before any acceptance (the memo a case starts with): today's bundle
  expect(Object.keys(reduceCase([]).services)).toEqual([...SERVICE_KEYS]);
});

test('when any log of the earlier services is reduced, then naming the earlier bundle or none derives the same status, actions and services', () => {
  const statusEvent = fc.record({ service: fc.constantFrom(...EARLIER_BUNDLE), status: fc.constantFrom('service.submitted', 'service.completed', 'service.refused', 'service.skipped', 'service.needs_correction') });
  fc.assert(fc.property(fc.array(statusEvent, { maxLength: 12 }), (steps) => {
    const log = (first: CaseEvent): CaseEvent[] => [first, ...steps.map((st, i): CaseEvent => {
      const base = { seq: i + 2, at, actor: SYSTEM, service: st.service, attempt: 1, outcome: 'ok' as const, reason: null };
      if (st.status === 'service.completed') return { ...base, action: 'service.completed', data: { result: {} } };
      if (st.status === 'service.needs_correction') return { ...base, action: 'service.needs_correction', data: { items: [], dueAt: null } };
      return { ...base, action: st.status };
    })];
    const before = reduceCase(log(accepted()));
    const named = reduceCase(log(accepted([...EARLIER_BUNDLE])));
    expect(named).toEqual(before);
    expect(before.services.familyRegistration).toBeUndefined();
  }));
});

test('when a case accepted before is shown, then the clerk\'s and the parents\' views list the five services, never a pending 生育登记', () => {
  const events = [accepted(), completed(2, 'birthCertificate')];
  const state: BirthCaseState = { ...reduceCase(events), caseId: 'C', hospitalId: 'H0001', application: application(), trackingSecretHash: 'x', events };
  expect(Object.keys(clerkCaseView(state).services)).toEqual([...EARLIER_BUNDLE]);
  expect(Object.keys(parentCaseView(state).services)).toEqual([...EARLIER_BUNDLE]);
  expect(auditView(events).entries).toHaveLength(2);
});
