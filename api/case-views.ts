// What each reader sees of a case. The clerk of the case's hospital sees it in full; parents see it
// masked (no full names, IDs or phones; result numbers in part; benefits in full).
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { agencyLabel, AgencyNameSchema, CHANNELS } from '../domain/catalog';
import type { CaseServices, Channel, EarlierServiceKey, ServiceKey } from '../domain/catalog';
import { placesOf, serviceChannel, serviceDestination, type Places } from '../domain/cross-region';
import { regionLabel } from '../domain/regions';
import { hallOfScope } from './case-scope';
import { caseServiceEntries } from '../domain/case-state';
import type { CaseEvent, ServiceState } from '../domain/case-state';
import { maskIdNumber, maskName, maskNumber, maskPhone } from '../domain/masking';
import { DEFAULT_POLICY_TABLE, familyEntitlements, supplementGroundOf } from '../domain/policy';

type ServiceView = {
  status: ServiceState['status'];
  result?: Record<string, unknown>;
  review?: { agency: string; reason: string };
  reason?: string;
  attention?: { cause: string; since: string };
  waitingOnAgency?: { agency: string; since: string; message: string };
  escalation?: ServiceState['escalation'];
  handledAt: HandledAt;
};

/** Where a service is handled (issue 19): the channel, its label and usual days, and the place. */
interface HandledAt {
  channel: Channel;
  channelLabel: string;
  /** the channel's usual service level in days; null when handled here in Jinan */
  serviceLevelDays: number | null;
  /** the place's region code (another place's), null when handled here */
  regionCode: string | null;
  /** e.g. 山东省济南市, 山东省青岛市, 北京市 */
  placeLabel: string;
}

const JINAN_PLACE_LABEL = '山东省济南市';

/** What the workflow records of a service's place (patch cross-region), read as optional. */
type Recorded = ServiceState & { channel?: Channel; forward?: { destinationRegionCode?: string } };

/**
 * Where each service is handled. The workflow records the channel on a service's entries (patch
 * cross-region, `data.channel`); a service not yet sent is placed by placesOf(application) — but only for
 * a case under that patch: one that recorded a channel already, or has sent nothing yet (just accepted,
 * so started under the current bundle; a case read between its acceptance and its first submission must
 * not say "local" for an item that will go elsewhere). A case from before the patch handled everything in Jinan.
 */
function handledAtOf(state: BirthCaseState): (key: ServiceKey, s: ServiceState) => HandledAt {
  const services = Object.values(state.services) as (ServiceState | undefined)[];
  const sentNothing = !state.events.some((e) => e.service !== null && e.service !== undefined && e.action !== 'service.skipped');
  const crossRegion = sentNothing || services.some((s) => (s as Recorded | undefined)?.channel !== undefined);
  const places: Places | null = crossRegion ? placesOf(state.application) : null;
  return (key, s) => {
    const recorded = s as Recorded;
    const channel = recorded.channel ?? (places ? serviceChannel(places, key) : 'local');
    const regionCode = channel === 'local' ? null : (recorded.forward?.destinationRegionCode ?? (places ? serviceDestination(places, key) : null));
    return {
      channel,
      channelLabel: CHANNELS[channel].label,
      serviceLevelDays: CHANNELS[channel].serviceLevelDays,
      regionCode,
      placeLabel: regionCode === null ? JINAN_PLACE_LABEL : regionLabel(regionCode),
    };
  };
}

function serviceView(s: ServiceState, handledAt: HandledAt, maskResult?: (r: Record<string, unknown>) => Record<string, unknown>): ServiceView {
  const view: ServiceView = { status: s.status, handledAt };
  // Staff see the cause of a fault; parents see only that the service waits on the staff (status).
  if (s.attention && s.status === 'needs_attention' && !maskResult) view.attention = { cause: s.attention.cause, since: s.attention.since };
  if (s.waitingOnAgency) {
    const known = AgencyNameSchema.safeParse(s.waitingOnAgency.agency);
    const agency = known.success ? agencyLabel(known.data) : '办理机构';
    view.waitingOnAgency = { ...s.waitingOnAgency, message: `正在等待${agency}系统恢复，系统会自动重试，无需重复提交` };
  }
  if (s.escalation) view.escalation = s.escalation;
  // Contract: a result once completed; the card also while it waits (its application number).
  if (s.result && (s.status === 'completed' || s.status === 'submitted')) view.result = maskResult ? maskResult(s.result) : s.result;
  if (s.review && s.status === 'under_review') view.review = { agency: s.review.agency, reason: s.review.reason };
  if (s.reason && (s.status === 'refused' || s.status === 'skipped' || s.status === 'cancelled')) view.reason = s.reason;
  return view;
}

/**
 * Every service of the case, in the bundle's order. A service the case's bundle did not have when it was
 * accepted (the 生育登记 for a case accepted before issue 18) is left out, not shown as pending.
 */
function mapServices(state: BirthCaseState, maskResult?: (r: Record<string, unknown>) => Record<string, unknown>): CaseServices<ServiceView> {
  const views: Partial<Record<ServiceKey, ServiceView>> = {};
  const handledAt = handledAtOf(state);
  for (const [key, s] of caseServiceEntries(state.services)) views[key] = serviceView(s, handledAt(key, s), maskResult);
  // Every service of the case's own bundle, as the state has them (the earlier five always).
  return views as CaseServices<ServiceView>;
}

/**
 * Views are pure functions of the state: with the read cache handing the same state to many requests,
 * each view is built once per state object (and dropped with it).
 */
function memoised<V>(build: (state: BirthCaseState) => V): (state: BirthCaseState) => V {
  const built = new WeakMap<BirthCaseState, V>();
  return (state) => {
    let view = built.get(state);
    if (view === undefined) {
      view = build(state);
      built.set(state, view);
    }
    return view;
  };
}

export const clerkCaseView = memoised(buildClerkCaseView);
export const parentCaseView = memoised(buildParentCaseView);
export const adminCaseView = memoised(buildAdminCaseView);

/**
 * The operations admin's view of a case: the clerk's view with every personal value masked (names, ID
 * numbers, phones, the delivery address, the child's ID in the results). The admin runs the system; the
 * family's data is the hospital's and the agencies' to see.
 */
function buildAdminCaseView(state: BirthCaseState) {
  const clerk = buildClerkCaseView(state);
  const person = <P extends { name: string; idNumber: string; phone: string }>(p: P): P => ({ ...p, name: maskName(p.name), idNumber: maskIdNumber(p.idNumber), phone: maskPhone(p.phone) });
  return {
    ...clerk,
    newborn: { ...clerk.newborn, ...(clerk.newborn.name ? { name: maskName(clerk.newborn.name) } : {}) },
    mother: person(clerk.mother),
    father: clerk.father ? person(clerk.father) : clerk.father,
    delivery: { ...clerk.delivery, ...(clerk.delivery.address ? { address: maskNumber(clerk.delivery.address, 3, 0) } : {}) },
    services: mapServices(state, maskResultNumbers),
    masked: true as const,
  };
}

function buildClerkCaseView(state: BirthCaseState) {
  const { application: a } = state;
  return {
    caseId: state.caseId,
    status: state.status,
    hospitalId: state.hospitalId,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    newborn: a.newborn,
    // Applications recorded before the supplement's ground was asked read as 低保 or none.
    mother: { ...a.mother, supplementGround: supplementGroundOf(a.mother) },
    father: a.father,
    married: a.married,
    householdOf: a.householdOf,
    delivery: a.delivery,
    requestedServices: a.services,
    services: mapServices(state),
    benefits: state.benefits,
    entitlements: entitlementsOf(state),
    actionsRequired: state.actionsRequired,
    overdue: state.overdue ?? false,
    ...crossRegionFields(state),
  };
}

/** Issue 19: the application's new fields when given, and the hall that filed the case. */
function crossRegionFields(state: BirthCaseState) {
  const { insuredAt, residencePermit, bornElsewhere } = state.application;
  const hallId = hallOfScope(state.hospitalId);
  return {
    ...(insuredAt !== undefined ? { insuredAt } : {}),
    ...(residencePermit !== undefined ? { residencePermit } : {}),
    ...(bornElsewhere !== undefined ? { bornElsewhere } : {}),
    ...(hallId !== null ? { hallId } : {}),
  };
}

/** The family's entitlement summary (information with clauses and dates), from the case as it is now. */
function entitlementsOf(state: BirthCaseState) {
  // The readings the case's own decision used (issue 22): twins' cases tell the family the same.
  return familyEntitlements(state.application.newborn, DEFAULT_POLICY_TABLE, state.benefits?.rules);
}

const maskResultNumbers = (r: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => {
      if (typeof v !== 'string') return [k, v];
      if (k === 'citizenId') return [k, maskIdNumber(v)];
      if (k === 'trackingNumber') return [k, v]; // parents need the EMS number to follow the post
      if (/number$/i.test(k)) return [k, maskNumber(v)];
      return [k, v];
    }),
  );

function buildParentCaseView(state: BirthCaseState) {
  const { application: a } = state;
  return {
    caseId: state.caseId,
    status: state.status,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    newborn: { name: a.newborn.name ? maskName(a.newborn.name) : null, sex: a.newborn.sex, birthAt: a.newborn.birthAt },
    mother: { name: maskName(a.mother.name), phone: maskPhone(a.mother.phone) },
    delivery: { method: a.delivery.method, recipient: a.delivery.recipient },
    services: mapServices(state, maskResultNumbers),
    benefits: state.benefits,
    entitlements: entitlementsOf(state),
    // a fault for the staff to resolve asks nothing of the parents
    actionsRequired: state.actionsRequired.filter((a) => a.kind !== 'needs_attention'),
    overdue: state.overdue ?? false,
  };
}

export function auditView(events: readonly CaseEvent[]) {
  return { entries: events.map(({ data: _data, ...entry }) => entry) };
}

/** An officer's view for a review: the facts a household registration needs, numbers masked. */
export function reviewCaseView(
  state: BirthCaseState,
  service: EarlierServiceKey,
  task: { reviewId: string; reason: string; createdAt: string; slaDueAt: string } | null,
) {
  const { application: a } = state;
  const parent = (p: { name: string; idNumber: string; phone: string; hukouRegionCode: string }) => ({
    name: p.name, idNumber: maskIdNumber(p.idNumber), phone: maskPhone(p.phone), hukouRegionCode: p.hukouRegionCode,
  });
  const s = state.services[service];
  return {
    caseId: state.caseId,
    service,
    serviceStatus: s.status,
    pending: s.status === 'under_review' && task !== null,
    review: task ? { reviewId: task.reviewId, reason: task.reason, createdAt: task.createdAt, slaDueAt: task.slaDueAt } : null,
    hospitalId: state.hospitalId,
    createdAt: state.createdAt,
    newborn: { name: a.newborn.name ?? null, sex: a.newborn.sex, birthAt: a.newborn.birthAt, birthOrder: a.newborn.birthOrder },
    mother: parent(a.mother),
    father: a.father ? parent(a.father) : null,
    married: a.married,
    householdOf: a.householdOf,
  };
}
