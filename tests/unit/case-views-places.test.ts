// Issue 19: each service of a case says where it is handled (channel, label, usual days, place), from what
// the workflow recorded (data.channel), else from placesOf(application) for a case under the cross-region
// bundle; a case from before it handled everything in Jinan. A hall's case names its hall.
import { clerkCaseView, parentCaseView } from '../../api/case-views';
import { CaseView, ParentView } from '../../api/views.schemas';
import { reduceCase } from '../../domain/case-state';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';

const AT = Date.parse('2026-11-22T10:00:00+08:00');
type Events = BirthCaseState['events'];
const accepted: Events[number] = { seq: 1, at: '2026-11-22T10:00:00.000+08:00', actor: { role: 'clerk', id: 'c1' }, action: 'case.accepted', service: null, attempt: null, outcome: 'ok', reason: null, data: { newbornNameMissing: false } };

function stateOf(app: BirthCaseState['application'], events: Events, hospitalId = 'H0001'): BirthCaseState {
  const state = { ...reduceCase(events), caseId: 'C1', hospitalId, application: app, trackingSecretHash: 'x', events };
  return state;
}

/** A Beijing household (registered with the mother), insured at home. */
const beijing = (): BirthCaseState['application'] => {
  const base = application({}, 1, AT);
  return { ...base, householdOf: 'mother', mother: { ...base.mother, hukouRegionCode: '110105' }, insuredAt: 'household' };
};

describe('case views: where each service is handled', () => {
  it('when a case has just started (no entries yet), then the plan from the application shows: household, insurance and card in Beijing, 10 days', () => {
    const view = CaseView.parse(clerkCaseView(stateOf(beijing(), [])));
    expect(view.services.household?.handledAt).toEqual({ channel: 'crossProvince', channelLabel: '跨省通办', serviceLevelDays: 10, regionCode: '110105', placeLabel: '北京市' });
    expect(view.services.medicalInsurance?.handledAt?.channel).toBe('crossProvince');
    expect(view.services.birthCertificate?.handledAt).toEqual({ channel: 'local', channelLabel: '济南本地办理', serviceLevelDays: null, regionCode: null, placeLabel: '山东省济南市' });
    expect(view.insuredAt).toBe('household');
  });

  it('when a case from before the cross-region bundle (a service sent, no channel recorded) is read, then everything reads as handled in Jinan', () => {
    const sentBefore = { seq: 2, at: '2026-11-22T10:01:00.000+08:00', actor: { role: 'system', id: null }, action: 'service.submitted', service: 'birthCertificate', attempt: 1, outcome: 'pending', reason: null } as unknown as Events[number];
    const view = CaseView.parse(clerkCaseView(stateOf(beijing(), [accepted, sentBefore])));
    for (const s of Object.values(view.services)) expect(s?.handledAt.channel).toBe('local');
  });

  it('when a case is read between its acceptance and its first submission, then the plan from the application shows (not "local" for an item going to Beijing)', () => {
    const view = CaseView.parse(clerkCaseView(stateOf(beijing(), [accepted])));
    expect(view.services.household?.handledAt).toMatchObject({ channel: 'crossProvince', placeLabel: '北京市' });
    expect(view.services.birthCertificate?.handledAt.channel).toBe('local');
  });

  it('when the workflow recorded a channel on a service, then the view takes it, and the others follow the plan', () => {
    const submitted = { seq: 2, at: '2026-11-22T10:01:00.000+08:00', actor: { role: 'system', id: null }, action: 'service.submitted', service: 'birthCertificate', attempt: 1, outcome: 'pending', reason: null, data: { channel: 'local' } } as unknown as Events[number];
    const view = ParentView.parse(parentCaseView(stateOf(beijing(), [accepted, submitted])));
    expect(view.services.birthCertificate?.handledAt?.channel).toBe('local');
    expect(view.services.socialSecurityCard?.handledAt).toMatchObject({ channel: 'crossProvince', placeLabel: '北京市' });
  });

  it('when a hall filed an inbound case from Qingdao, then the clerk view names the hall and the birth certificate comes in-province from Qingdao', () => {
    const base = application({}, 1, AT);
    const app = { ...base, bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' } };
    const view = CaseView.parse(clerkCaseView(stateOf(app, [], 'HALL:JN-HALL-01')));
    expect(view.hallId).toBe('JN-HALL-01');
    expect(view.bornElsewhere?.certificateNumber).toBe('Q370212345');
    expect(view.services.birthCertificate?.handledAt).toMatchObject({ channel: 'inProvince', serviceLevelDays: 5, placeLabel: '山东省青岛市' });
    expect(view.services.household?.handledAt?.channel).toBe('local');
  });
});
