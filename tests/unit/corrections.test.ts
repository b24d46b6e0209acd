// The correction rules of a running case (issue 9 item 3, issue 7 item 6): a field is held from the
// moment its service is submitted until a correction notice reopens it; key fields never change; the
// merged application passes the rules of a new case, clock rules included; a correction wakes only the
// services whose notice it answers.
import fc from 'fast-check';
import { reduceCase, type CaseAction, type DerivedCase } from '../../domain/case-state';
import { CaseEvent } from '../../domain/case-log';
import type { ServiceKey } from '../../domain/case.schemas';
import { toShanghaiIso } from '../../domain/dates';
import { CASE_KEY_FIELDS, CORRECTABLE_FIELDS, correctionRefusals, SERVICE_INPUT_FIELDS, servicesAnswered } from '../../workflows/corrections';
import { application } from '../helpers/fixtures';

const SERVICES: ServiceKey[] = ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'];
let seq = 0;
const event = (action: CaseAction, service: ServiceKey | null = null, data?: Record<string, unknown>): CaseEvent => CaseEvent.parse({
  seq: ++seq, at: '2026-11-20T10:00:00+08:00', actor: { role: 'system', id: null }, action, service, attempt: 1, outcome: 'ok', reason: null, ...(data ? { data } : {}),
});
/** A case whose services are in the given states. */
function caseWith(statuses: Partial<Record<ServiceKey, 'pending' | 'submitted' | 'under_review' | 'needs_correction' | 'needs_attention' | 'completed'>>): DerivedCase {
  const events: CaseEvent[] = [event('case.accepted', null, { newbornNameMissing: false })];
  for (const [key, status] of Object.entries(statuses) as Array<[ServiceKey, string]>) {
    if (status === 'pending') continue;
    events.push(event('service.submitted', key));
    if (status === 'under_review') events.push(event('service.under_review', key, { review: { agency: 'publicSecurity', reason: 'r', reviewId: 'R1' } }));
    if (status === 'needs_correction') events.push(event('service.needs_correction', key, { items: [{ path: 'x', message: 'y' }], dueAt: null }));
    if (status === 'needs_attention') events.push(event('service.needs_attention', key, { failureType: 'AgencyProtocolError' }));
    if (status === 'completed') events.push(event('service.completed', key, { result: {} }));
  }
  return reduceCase(events);
}
const now = toShanghaiIso(Date.now());
const clock = { now, maxAgeDays: 365 };

describe('correction rules', () => {
  test('when the owning service is in flight, under review, waiting on an operator or done, then its fields are held; when it waits for a correction, they are open', () => {
    const app = application();
    for (const status of ['submitted', 'under_review', 'needs_attention', 'completed'] as const) {
      expect(correctionRefusals({ 'newborn.name': '李改' }, caseWith({ birthCertificate: status }), false, app, clock)).toHaveLength(1);
    }
    expect(correctionRefusals({ 'newborn.name': '李改' }, caseWith({ birthCertificate: 'needs_correction' }), false, app, clock)).toEqual([]);
    expect(correctionRefusals({ 'newborn.name': '李改' }, caseWith({}), false, app, clock)).toEqual([]);
  });

  test('when a correction names the mother\'s ID, the birth time or the birth order, then it is refused whatever the state: they are the case key', () => {
    const app = application();
    for (const path of CASE_KEY_FIELDS) {
      const value = path === 'newborn.birthOrder' ? 1 : path === 'newborn.birthAt' ? app.newborn.birthAt : app.mother.idNumber;
      expect(correctionRefusals({ [path]: value }, caseWith({ birthCertificate: 'needs_correction' }), false, app, clock).join()).toContain('办件标识');
    }
  });

  test('when the merged application breaks a rule of a new case, then the correction is refused with it', () => {
    const app = application();
    expect(correctionRefusals({ 'delivery.address': null }, caseWith({}), false, app, clock).join()).toContain('邮寄地址');
    expect(correctionRefusals({ 'father.name': null }, caseWith({}), false, app, clock).length).toBeGreaterThan(0);
  });

  test('when the child is past the age limit at the time of the correction but was not at acceptance, then the age rule does not refuse it', () => {
    const app = application({}, 300); // accepted at 300 days old
    const later = { now: toShanghaiIso(Date.now() + 100 * 86_400_000), maxAgeDays: 365 + 100 };
    expect(correctionRefusals({ 'mother.phone': '13900139000' }, caseWith({}), false, app, later)).toEqual([]);
    const tooOld = { now: later.now, maxAgeDays: 365 };
    expect(correctionRefusals({ 'mother.phone': '13900139000' }, caseWith({}), false, app, tooOld).join()).toContain('365');
  });

  test('when a multiple birth is corrected before the medical-insurance enrolment is submitted, then it is taken; once submitted or done, it is held', () => {
    const app = application();
    app.newborn.birthOrder = 3;
    const twins = { 'newborn.multipleBirth.children': 2, 'newborn.multipleBirth.position': 2 };
    expect(correctionRefusals(twins, caseWith({ birthCertificate: 'completed', household: 'submitted' }), false, app, clock)).toEqual([]);
    for (const status of ['submitted', 'completed'] as const) {
      const refusals = correctionRefusals(twins, caseWith({ medicalInsurance: status }), false, app, clock);
      expect(refusals).toHaveLength(2);
      expect(refusals.join()).toContain('本孩子是第几个出生');
    }
    // Waiting for the enrolment's correction notice: open again.
    expect(correctionRefusals(twins, caseWith({ medicalInsurance: 'needs_correction' }), false, app, clock)).toEqual([]);
  });

  test('when a corrected multiple birth is impossible, then it is refused at its field with the new-case message', () => {
    const app = application();
    app.newborn.birthOrder = 1;
    const secondTwin = correctionRefusals({ 'newborn.multipleBirth.children': 2, 'newborn.multipleBirth.position': 2 }, caseWith({}), false, app, clock);
    expect(secondTwin.join()).toMatch(/^newborn\.birthOrder：.*至少应为第2孩/);
    const beyond = correctionRefusals({ 'newborn.multipleBirth.children': 2, 'newborn.multipleBirth.position': 3 }, caseWith({}), false, { ...app, newborn: { ...app.newborn, birthOrder: 3 } }, clock);
    expect(beyond.join()).toContain('超出本次分娩的孩子数');
    // Only one half of a multiple birth on a case that had none: the other is required.
    expect(correctionRefusals({ 'newborn.multipleBirth.children': 2 }, caseWith({}), false, app, clock).join()).toContain('newborn.multipleBirth.position');
  });

  test('when a path is not an own correctable field (prototype keys included), then it is refused and nothing is looked up by it', () => {
    const app = application();
    for (const path of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'newborn.__proto__', 'mother']) {
      expect(correctionRefusals({ [path]: 'x' }, caseWith({}), false, app, clock)).toEqual([`字段 ${path} 不可更正`]);
    }
  });

  test('when the case is cancelled or closed, then no correction is taken', () => {
    expect(correctionRefusals({ 'mother.phone': '13900139000' }, caseWith({}), true, application(), clock)).toEqual(['办件已结束或已撤销，不能更正']);
  });
});

describe('which services a correction wakes', () => {
  const paths = Object.keys(CORRECTABLE_FIELDS);
  const statuses = ['pending', 'submitted', 'under_review', 'needs_correction', 'completed'] as const;

  test('for any case and change, only services waiting on a correction and sending a changed field are woken', () => {
    fc.assert(fc.property(
      fc.record(Object.fromEntries(SERVICES.map((k) => [k, fc.constantFrom(...statuses)])) as Record<ServiceKey, fc.Arbitrary<(typeof statuses)[number]>>),
      fc.subarray(paths, { minLength: 1 }),
      (state, changed) => {
        const woken = servicesAnswered(changed, caseWith(state));
        for (const key of SERVICES) {
          const expected = state[key] === 'needs_correction' && changed.some((p) => SERVICE_INPUT_FIELDS[key].includes(p));
          expect(woken.includes(key)).toBe(expected);
        }
      },
    ));
  });

  test('when the address changes while the birth certificate waits for its correction, then nothing is woken', () => {
    expect(servicesAnswered(['delivery.address'], caseWith({ birthCertificate: 'needs_correction' }))).toEqual([]);
    expect(servicesAnswered(['newborn.name'], caseWith({ birthCertificate: 'needs_correction' }))).toEqual(['birthCertificate']);
  });
});

describe('the reducer on the issue-9 events', () => {
  test('when a service needs attention, then the case asks for action; a resolution and resubmission clear it', () => {
    const s = caseWith({ vaccination: 'needs_attention' });
    expect(s.services.vaccination.status).toBe('needs_attention');
    expect(s.status).toBe('action_required');
    expect(s.actionsRequired).toEqual([expect.objectContaining({ kind: 'needs_attention', service: 'vaccination' })]);
  });

  test('when a service is escalated, then the case is overdue until the service moves on', () => {
    const events = [
      event('case.accepted', null, { newbornNameMissing: false }),
      event('service.submitted', 'household'),
      event('service.under_review', 'household', { review: { agency: 'publicSecurity', reason: 'r', reviewId: 'R1' } }),
      event('case.escalated', 'household', { kind: 'review_overdue', level: 1, dueAt: null }),
    ];
    expect(reduceCase(events)).toMatchObject({ overdue: true, services: { household: { escalation: { kind: 'review_overdue', level: 1 } } } });
    expect(reduceCase([...events, event('service.completed', 'household', { result: {} })]).overdue).toBe(false);
  });
});
