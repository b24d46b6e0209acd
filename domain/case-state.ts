// A case is an append-only log of events (the audit trail, domain/case-log.ts); its status is derived by
// a pure reducer, so the status shown can never drift from the history. Plain JSON only: no Map, Set, Date.
import { EARLIER_BUNDLE, isCaseClosed, isTerminal, perService, SERVICE_KEYS } from './catalog';
import type { CaseServices, CaseStatus, Channel, ServiceKey, ServiceStatus } from './catalog';
import type { CaseAction, CaseEvent, CorrectionItem, EscalationKind, EventOf, ReviewInfo, ServiceResultData } from './case-log';
import type { Benefits } from './policy';

export type { CaseStatus, ServiceStatus };
export { isCaseClosed, isTerminal };
export { SYSTEM } from './case-log';
export type { Actor, ActorRole, CaseAction, CaseEvent, CorrectionItem, EventInput, ReviewInfo } from './case-log';

/** Why a service needs a person: the unclassified failure, as the agency adapter reported it (no personal data). */
export interface AttentionInfo { cause: string; failureType: string | null; since: string }
/** The case is behind a due time: a review past its service level, a correction deadline near, an agency unreachable. */
export interface EscalationInfo { kind: EscalationKind; level: number; since: string; dueAt: string | null; message: string }

export interface ServiceState {
  status: ServiceStatus;
  attention?: AttentionInfo;
  /** the agency has not answered for longer than the configured time; retries go on */
  waitingOnAgency?: { agency: string; since: string };
  escalation?: EscalationInfo;
  result?: ServiceResultData;
  review?: ReviewInfo;
  reason?: string;
  correction?: { items: CorrectionItem[]; dueAt: string | null };
  attempts: number;
  /** where the service is handled (since patch cross-region; absent on cases before it: local) */
  channel?: Channel;
  /** the exchange carries it to another place's agency: the forward there and when that place should answer */
  forward?: { forwardId: string; channel: Channel; destinationRegionCode: string; dueAt: string };
  /** the other place asks the parents to post originals, by `dueAt`, to `postTo` */
  originals?: { items: string[]; postTo: string; dueAt: string };
}

export interface ActionRequired {
  /** originals (since patch cross-region): the parents post originals to the other place's agency (`postTo`) */
  kind: 'correction' | 'newborn_name' | 'needs_attention' | 'originals';
  service: ServiceKey | null;
  items: CorrectionItem[];
  dueAt: string | null;
  postTo?: string;
}

export interface DerivedCase {
  status: CaseStatus;
  /** the services of the case's bundle: a service added after the case was accepted is absent (catalog LATER_SERVICES) */
  services: CaseServices<ServiceState>;
  actionsRequired: ActionRequired[];
  benefits: Benefits | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** some service is escalated (review past due, correction deadline near, agency unreachable) */
  overdue: boolean;
}

const STATUS_CHANGING: ReadonlySet<CaseAction> = new Set<CaseAction>([
  'service.skipped', 'service.cancelled', 'service.submitted', 'service.under_review', 'service.needs_correction',
  'service.completed', 'service.refused', 'service.needs_attention', 'service.resolved',
]);

/** What the case-level entries set while the log is read. */
interface CaseFacts { cancelled: boolean; nameMissing: boolean; benefits: Benefits | null }

const CASE_LEVEL = ['case.accepted', 'newborn.named', 'benefits.decided', 'case.cancelled'] as const;
type CaseLevelEvent = EventOf<(typeof CASE_LEVEL)[number]>;
type ServiceEvent = Exclude<CaseEvent, CaseLevelEvent>;
const CASE_LEVEL_ACTIONS: ReadonlySet<CaseAction> = new Set(CASE_LEVEL);
const isCaseLevel = (e: CaseEvent): e is CaseLevelEvent => CASE_LEVEL_ACTIONS.has(e.action);

/** How each service-level entry changes its service. */
function applyToService(svc: ServiceState, e: ServiceEvent): void {
  switch (e.action) {
    case 'service.skipped':
    case 'service.cancelled':
      svc.status = e.action === 'service.skipped' ? 'skipped' : 'cancelled';
      svc.reason = e.reason ?? undefined;
      delete svc.correction;
      delete svc.originals;
      return;
    case 'service.submitted':
      svc.status = 'submitted';
      svc.attempts = e.attempt ?? svc.attempts;
      delete svc.correction;
      delete svc.review;
      delete svc.forward;
      delete svc.originals;
      if (e.data?.result) svc.result = e.data.result;
      if (e.data?.channel) svc.channel = e.data.channel;
      return;
    case 'service.under_review':
      svc.status = 'under_review';
      svc.review = { agency: e.data.review.agency, reason: e.data.review.reason, reviewId: e.data.review.reviewId };
      return;
    case 'service.needs_correction':
      svc.status = 'needs_correction';
      svc.correction = { items: e.data.items, dueAt: e.data.dueAt };
      return;
    case 'service.completed':
      completeService(svc, e);
      return;
    case 'service.forwarded':
      svc.forward = { forwardId: e.data.forwardId, channel: e.data.channel, destinationRegionCode: e.data.destinationRegionCode, dueAt: e.data.dueAt };
      svc.channel = e.data.channel;
      return;
    case 'service.originals_requested':
      svc.originals = { items: e.data.items, postTo: e.data.postTo, dueAt: e.data.dueAt };
      return;
    case 'service.originals_received':
      delete svc.originals;
      return;
    case 'service.refused':
      refuseService(svc, e);
      return;
    default:
      applyToServiceNotice(svc, e);
  }
}

function completeService(svc: ServiceState, e: EventOf<'service.completed'>): void {
  svc.status = 'completed';
  svc.result = e.data.result;
  if (e.data.channel) svc.channel = e.data.channel;
  delete svc.review;
  delete svc.correction;
  delete svc.originals;
}

function refuseService(svc: ServiceState, e: EventOf<'service.refused'>): void {
  svc.status = 'refused';
  svc.reason = e.reason ?? '机构不予受理';
  delete svc.result;
  delete svc.review;
  delete svc.correction;
  delete svc.originals;
}

/** The entries that mark a service without ending its step: attention, an unreachable agency, escalation. */
function applyToServiceNotice(svc: ServiceState, e: ServiceEvent): void {
  if (e.action === 'service.needs_attention') {
    svc.status = 'needs_attention';
    svc.attention = { cause: e.reason ?? '机构答复异常', failureType: e.data.failureType, since: e.at };
  } else if (e.action === 'service.agency_unreachable') {
    svc.waitingOnAgency = { agency: e.data.agency, since: e.at };
  } else if (e.action === 'case.escalated') {
    svc.escalation = { kind: e.data.kind, level: e.data.level, since: e.at, dueAt: e.data.dueAt, message: e.reason ?? '' };
  }
}

/** How the case-level entries change the case. */
function applyToCase(facts: CaseFacts, e: CaseLevelEvent): void {
  if (e.action === 'case.accepted') facts.nameMissing = e.data.newbornNameMissing;
  else if (e.action === 'newborn.named') facts.nameMissing = false;
  else if (e.action === 'benefits.decided') facts.benefits = e.data.benefits;
  else facts.cancelled = true;
}

/** The services of a case, in the bundle's order, each with its state (a service not part of the case is left out). */
export function caseServiceEntries(services: CaseServices<ServiceState>): Array<[ServiceKey, ServiceState]> {
  return SERVICE_KEYS.flatMap((key): Array<[ServiceKey, ServiceState]> => {
    const s = services[key];
    return s ? [[key, s]] : [];
  });
}

/**
 * The services the case was accepted with: the `bundle` its acceptance names; none named (a case accepted
 * before patch family-registration), the bundle before the later services; no acceptance yet, today's.
 */
function bundleOf(events: readonly CaseEvent[]): readonly ServiceKey[] {
  const accepted = events.find((e): e is EventOf<'case.accepted'> => e.action === 'case.accepted');
  if (!accepted) return SERVICE_KEYS;
  return accepted.data.bundle ?? EARLIER_BUNDLE;
}

function actionsRequiredOf(services: CaseServices<ServiceState>, facts: CaseFacts): ActionRequired[] {
  const actions: ActionRequired[] = [];
  if (facts.nameMissing && !facts.cancelled) actions.push({ kind: 'newborn_name', service: null, items: [{ path: 'newborn.name', message: '请家长提供新生儿姓名' }], dueAt: null });
  const entries = caseServiceEntries(services);
  for (const [key, s] of entries) {
    if (s.status === 'needs_correction' && s.correction) actions.push({ kind: 'correction', service: key, items: s.correction.items, dueAt: s.correction.dueAt });
  }
  for (const [key, s] of entries) {
    if (s.originals && !facts.cancelled) {
      actions.push({ kind: 'originals', service: key, items: s.originals.items.map((message) => ({ path: '', message })), dueAt: s.originals.dueAt, postTo: s.originals.postTo });
    }
  }
  for (const [key, s] of entries) {
    if (s.status === 'needs_attention' && s.attention && !facts.cancelled) {
      actions.push({ kind: 'needs_attention', service: key, items: [{ path: '', message: s.attention.cause }], dueAt: null });
    }
  }
  return actions;
}

function statusOf(services: CaseServices<ServiceState>, facts: CaseFacts, actions: readonly ActionRequired[], hasEvents: boolean): CaseStatus {
  const all = caseServiceEntries(services).map(([, s]) => s.status);
  if (facts.cancelled) return 'cancelled';
  if (hasEvents && all.every(isTerminal)) return all.some((s) => s === 'refused' || s === 'cancelled') ? 'partially_completed' : 'completed';
  if (actions.length > 0) return 'action_required';
  if (all.some((s) => s !== 'pending' && s !== 'skipped')) return 'in_progress';
  return 'accepted';
}

export function reduceCase(events: readonly CaseEvent[]): DerivedCase {
  const all = perService((): ServiceState => ({ status: 'pending', attempts: 0 }));
  const bundle = bundleOf(events);
  for (const key of SERVICE_KEYS) if (!bundle.includes(key)) delete all[key];
  const services: CaseServices<ServiceState> = all;
  const facts: CaseFacts = { cancelled: false, nameMissing: false, benefits: null };
  for (const e of events) {
    const svc = e.service ? services[e.service] : undefined;
    // Any change of a service's status ends its agency wait, attention and escalation.
    if (svc && STATUS_CHANGING.has(e.action)) {
      delete svc.waitingOnAgency;
      delete svc.attention;
      delete svc.escalation;
    }
    if (isCaseLevel(e)) applyToCase(facts, e);
    else if (svc) applyToService(svc, e);
  }
  const actionsRequired = actionsRequiredOf(services, facts);
  const status = statusOf(services, facts, actionsRequired, events.length > 0);
  return {
    status,
    services,
    actionsRequired,
    benefits: facts.benefits,
    createdAt: events[0]?.at ?? null,
    updatedAt: events[events.length - 1]?.at ?? null,
    overdue: !facts.cancelled && !isCaseClosed(status) && caseServiceEntries(services).some(([, s]) => s.escalation !== undefined),
  };
}
