// A case is an append-only log of events (the audit trail); its status is derived by a pure reducer,
// so the status shown can never drift from the history. Plain JSON only: no Map, Set, Date.
import { isCaseClosed, isTerminal, perService, SERVICE_KEYS } from './catalog';
import type { CaseStatus, ServiceKey, ServiceStatus } from './catalog';

export type { CaseStatus, ServiceStatus };
export { isCaseClosed, isTerminal };

export type ActorRole = 'clerk' | 'officer' | 'admin' | 'parent' | 'system' | 'agency';
export interface Actor { role: ActorRole; id: string | null }
export const SYSTEM: Actor = { role: 'system', id: null };

export interface CorrectionItem { path: string; message: string }
export interface ReviewInfo { agency: string; reason: string; reviewId: string }

export type CaseAction =
  | 'case.accepted'
  | 'case.action_required'
  | 'case.corrected'
  | 'case.cancel_requested'
  | 'case.cancelled'
  | 'case.finished'
  | 'newborn.named'
  | 'benefits.decided'
  | 'notification.sent'
  | 'review.decided'
  | 'card.posted'
  | 'service.skipped'
  | 'service.submitted'
  | 'service.under_review'
  | 'service.needs_correction'
  | 'service.completed'
  | 'service.refused'
  | 'service.cancelled'
  | 'service.compensation'
  | 'service.needs_attention'
  | 'service.resolved'
  | 'service.agency_unreachable'
  | 'case.escalated';

export interface CaseEvent {
  seq: number;
  at: string;
  actor: Actor;
  action: CaseAction;
  service: ServiceKey | null;
  attempt: number | null;
  outcome: 'ok' | 'pending' | 'failed' | 'rejected';
  reason: string | null;
  /** Machine data the reducer reads (results, correction items); not shown in the audit view. */
  data?: Record<string, unknown>;
}

/** Why a service needs a person: the unclassified failure, as the agency adapter reported it (no personal data). */
export interface AttentionInfo { cause: string; failureType: string | null; since: string }
/** The case is behind a due time: a review past its service level, a correction deadline near, an agency unreachable. */
export interface EscalationInfo { kind: 'review_overdue' | 'correction_due' | 'agency_unreachable'; level: number; since: string; dueAt: string | null; message: string }

export interface ServiceState {
  status: ServiceStatus;
  attention?: AttentionInfo;
  /** the agency has not answered for longer than the configured time; retries go on */
  waitingOnAgency?: { agency: string; since: string };
  escalation?: EscalationInfo;
  result?: Record<string, unknown>;
  review?: ReviewInfo;
  reason?: string;
  correction?: { items: CorrectionItem[]; dueAt: string | null };
  attempts: number;
}

export interface ActionRequired {
  kind: 'correction' | 'newborn_name' | 'needs_attention';
  service: ServiceKey | null;
  items: CorrectionItem[];
  dueAt: string | null;
}

export interface DerivedCase {
  status: CaseStatus;
  services: Record<ServiceKey, ServiceState>;
  actionsRequired: ActionRequired[];
  benefits: Record<string, unknown> | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** some service is escalated (review past due, correction deadline near, agency unreachable) */
  overdue: boolean;
}

const STATUS_CHANGING: ReadonlySet<CaseAction> = new Set<CaseAction>([
  'service.skipped', 'service.cancelled', 'service.submitted', 'service.under_review', 'service.needs_correction',
  'service.completed', 'service.refused', 'service.needs_attention', 'service.resolved',
]);


export function reduceCase(events: readonly CaseEvent[]): DerivedCase {
  const services = perService((): ServiceState => ({ status: 'pending', attempts: 0 }));
  let cancelled = false;
  let nameMissing = false;
  let benefits: Record<string, unknown> | null = null;

  for (const e of events) {
    const svc = e.service ? services[e.service] : undefined;
    // Any change of a service's status ends its agency wait, attention and escalation.
    if (svc && STATUS_CHANGING.has(e.action)) {
      delete svc.waitingOnAgency;
      delete svc.attention;
      delete svc.escalation;
    }
    switch (e.action) {
      case 'case.accepted':
        nameMissing = e.data?.['newbornNameMissing'] === true;
        break;
      case 'newborn.named':
        nameMissing = false;
        break;
      case 'benefits.decided':
        benefits = (e.data?.['benefits'] as Record<string, unknown>) ?? null;
        break;
      case 'case.cancelled':
        cancelled = true;
        break;
      case 'service.skipped':
      case 'service.cancelled':
        if (svc) {
          svc.status = e.action === 'service.skipped' ? 'skipped' : 'cancelled';
          svc.reason = e.reason ?? undefined;
          delete svc.correction;
        }
        break;
      case 'service.submitted':
        if (svc) {
          svc.status = 'submitted';
          svc.attempts = e.attempt ?? svc.attempts;
          delete svc.correction;
          delete svc.review;
          if (e.data?.['result']) svc.result = e.data['result'] as Record<string, unknown>;
        }
        break;
      case 'service.under_review':
        if (svc) {
          svc.status = 'under_review';
          const review = e.data?.['review'] as ReviewInfo | undefined;
          if (review) svc.review = { agency: review.agency, reason: review.reason, reviewId: review.reviewId };
        }
        break;
      case 'service.needs_correction':
        if (svc) {
          svc.status = 'needs_correction';
          svc.correction = {
            items: (e.data?.['items'] as CorrectionItem[]) ?? [],
            dueAt: (e.data?.['dueAt'] as string | null) ?? null,
          };
        }
        break;
      case 'service.completed':
        if (svc) {
          svc.status = 'completed';
          svc.result = (e.data?.['result'] as Record<string, unknown>) ?? svc.result;
          delete svc.review;
          delete svc.correction;
        }
        break;
      case 'service.refused':
        if (svc) {
          svc.status = 'refused';
          svc.reason = e.reason ?? '机构不予受理';
          delete svc.result;
          delete svc.review;
          delete svc.correction;
        }
        break;
      case 'service.needs_attention':
        if (svc) {
          svc.status = 'needs_attention';
          svc.attention = { cause: e.reason ?? '机构答复异常', failureType: (e.data?.['failureType'] as string | null) ?? null, since: e.at };
        }
        break;
      case 'service.agency_unreachable':
        if (svc) svc.waitingOnAgency = { agency: String(e.data?.['agency'] ?? ''), since: e.at };
        break;
      case 'case.escalated':
        if (svc) {
          svc.escalation = {
            kind: (e.data?.['kind'] as EscalationInfo['kind']) ?? 'review_overdue',
            level: Number(e.data?.['level'] ?? 1),
            since: e.at,
            dueAt: (e.data?.['dueAt'] as string | null) ?? null,
            message: e.reason ?? '',
          };
        }
        break;
      default:
        break;
    }
  }

  const actionsRequired: ActionRequired[] = [];
  if (nameMissing && !cancelled) actionsRequired.push({ kind: 'newborn_name', service: null, items: [{ path: 'newborn.name', message: '请家长提供新生儿姓名' }], dueAt: null });
  for (const key of SERVICE_KEYS) {
    const s = services[key];
    if (s.status === 'needs_correction' && s.correction) {
      actionsRequired.push({ kind: 'correction', service: key, items: s.correction.items, dueAt: s.correction.dueAt });
    }
  }

  for (const key of SERVICE_KEYS) {
    const s = services[key];
    if (s.status === 'needs_attention' && s.attention && !cancelled) {
      actionsRequired.push({ kind: 'needs_attention', service: key, items: [{ path: '', message: s.attention.cause }], dueAt: null });
    }
  }

  const all = SERVICE_KEYS.map((k) => services[k].status);
  let status: CaseStatus;
  if (cancelled) status = 'cancelled';
  else if (events.length > 0 && all.every(isTerminal)) {
    status = all.some((s) => s === 'refused' || s === 'cancelled') ? 'partially_completed' : 'completed';
  } else if (actionsRequired.length > 0) status = 'action_required';
  else if (all.some((s) => s !== 'pending' && s !== 'skipped')) status = 'in_progress';
  else status = 'accepted';

  return {
    status,
    services,
    actionsRequired,
    benefits,
    createdAt: events[0]?.at ?? null,
    updatedAt: events[events.length - 1]?.at ?? null,
    overdue: !cancelled && status !== 'completed' && status !== 'partially_completed' && SERVICE_KEYS.some((k) => services[k].escalation !== undefined),
  };
}
