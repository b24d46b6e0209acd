// One run of a birth case: what it holds while it runs (the application as corrected, the messages that
// arrived, the cancellation), shared by the handlers, the tracks and the compensation beside it.
import type { CancellationScope} from '@temporalio/workflow';
import { workflowInfo } from '@temporalio/workflow';
import { EARLIER_BUNDLE, perService, SERVICE_KEYS, type AgencyName, type Channel, type ServiceKey } from '../../domain/catalog';
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { isCaseClosed } from '../../domain/case-state';
import type { DerivedCase, ServiceState } from '../../domain/case-state';
import { placesOf, serviceChannel, type Places } from '../../domain/cross-region';
import { toShanghaiIso } from '../../domain/dates';
import { benefitsInputFor, decideBenefits, type PolicyRules } from '../../domain/policy';
import { isJinanRegion } from '../../domain/identity/citizen-id';
import { regionLabel } from '../../domain/regions';
import type { BirthCaseInput, CancelInput, CancelOutcome, CaseSettings, CorrectionOutcome, ResolveInput } from '../birth-case.contract';
import type { CorrectionClock } from '../corrections';
import type { Journal } from './journal';

const DAY_S = 86_400;
export const MAX_REMEMBERED = 200;

/** Thrown by a waiting track when the case is about to continue as new: it resumes from the event log. */
export class Suspended extends Error {}

/** What a case was started with, fixed for its life and carried across continue-as-new (see the patches in birth-case.workflow.ts). */
export interface CaseFlags {
  /** the policy readings it decides by (none: the readings before issue 22) */
  rules: PolicyRules | undefined;
  /** accepted with the 生育登记 in its bundle (patch family-registration) */
  familyRegistration: boolean;
  /** handles items where they belong, through the exchange (patch cross-region) */
  crossRegion: boolean;
  /** read from the read model, its agency calls under one watch (patch read-model) */
  readModel: boolean;
  /** the one watch's timer kept between calls and never cancelled (patch quiet-watch) */
  quietWatch: boolean;
}

export class CaseRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly settings: CaseSettings;
  application: CaseCreateRequest;
  cancelRequest: CancelInput | null = null;
  cancelOutcome: CancelOutcome | null = null;
  finished = false;
  /** the scope of everything that waits on agencies or people: a cancellation ends it at once */
  work: CancellationScope | null = null;
  /** per service: corrections that answered its notice, operator resolutions (taken and handled), agency callbacks */
  readonly reopened = perService(() => 0);
  readonly resolutions = perService((): ResolveInput[] => []);
  readonly handledResolutions = perService(() => 0);
  readonly agencySignals = perService(() => 0);
  readonly agencyEventIds: string[];
  /** the agency calls in flight under the one watch (patch read-model; see waits.ts watchAgencyCalls) */
  readonly agencyCalls = new Set<AgencyCall>();
  /** how many of its tracks wait on a timer or a person (waits.ts waitFor; not the deadline reminders) */
  paused = 0;
  readonly appliedCorrections: Map<string, CorrectionOutcome>;
  private readonly maxHistoryEvents: number;

  /** the services of the case's bundle: with the 生育登记 (patch family-registration), or the five before it */
  readonly bundle: readonly ServiceKey[];

  readonly policyRules: PolicyRules | undefined;
  readonly familyRegistration: boolean;
  readonly crossRegion: boolean;
  readonly readModel: boolean;
  readonly quietWatch: boolean;

  constructor(readonly input: BirthCaseInput, readonly journal: Journal, flags: CaseFlags) {
    this.policyRules = flags.rules;
    this.familyRegistration = flags.familyRegistration;
    this.crossRegion = flags.crossRegion;
    this.readModel = flags.readModel;
    this.quietWatch = flags.quietWatch;
    this.bundle = flags.familyRegistration ? SERVICE_KEYS : EARLIER_BUNDLE;
    this.settings = input.settings;
    this.application = input.resume?.application ?? input.application;
    journal.bindApplication(() => this.application);
    this.agencyEventIds = [...(input.resume?.agencyEventIds ?? [])];
    this.appliedCorrections = new Map(input.resume?.appliedCorrections ?? []);
    this.maxHistoryEvents = this.settings.maxHistoryEvents ?? 2000;
  }

  get events() { return this.journal.events; }
  readonly record: Journal['record'] = (e) => this.journal.record(e);
  derived(): DerivedCase { return this.journal.derived(); }
  /** A service of the case (one not part of its bundle reads as skipped; no track asks for one). */
  serviceState(key: ServiceKey): ServiceState { return this.derived().services[key] ?? { status: 'skipped', attempts: 0 }; }
  requested(key: ServiceKey): boolean { return this.application.services.includes(key); }
  /** Where each item is handled (patch cross-region); null for a case before it (everything here, as then). */
  places(): Places | null { return this.crossRegion ? placesOf(this.application) : null; }
  /** The channel a service goes through (patch cross-region), or null before it. */
  channelOf(key: ServiceKey): Channel | null {
    const p = this.places();
    return p ? serviceChannel(p, key) : null;
  }
  stopping(): boolean { return this.cancelRequest !== null; }
  shouldContinueAsNew(): boolean {
    return !this.stopping() && (workflowInfo().historyLength > this.maxHistoryEvents || workflowInfo().continueAsNewSuggested);
  }
  /** The idempotency key of a service's attempt: a resubmission is a new application. */
  attemptKey(key: ServiceKey, attempt: number): string {
    return attempt === 1 ? `${this.workflowId}:${key}` : `${this.workflowId}:${key}:r${attempt}`;
  }

  /** Records a benefit decision when it differs from the last one (always, with `force`). */
  decide(why: string, force = false): void {
    const benefits = decideBenefits(benefitsInputFor(this.application, { ...this.benefitFacts(), ...(this.policyRules ? { rules: this.policyRules } : {}) }));
    if (!force && JSON.stringify(benefits) === JSON.stringify(this.derived().benefits)) return;
    this.record({ action: 'benefits.decided', reason: why, data: { benefits } });
  }

  /** What the case has learnt since acceptance that the benefits read: the child's region, the enrolment. */
  private benefitFacts(): NonNullable<Parameters<typeof benefitsInputFor>[1]> {
    const { services } = this.derived();
    const facts: NonNullable<Parameters<typeof benefitsInputFor>[1]> = this.application.grandparentsInLtc ? { grandparentsInLtc: this.application.grandparentsInLtc } : {};
    const regionCode = services.household.status === 'completed' ? services.household.result?.regionCode : undefined;
    if (typeof regionCode === 'string') facts.childHukouRegionCode = regionCode;
    const enrolled = services.medicalInsurance.status === 'completed' ? services.medicalInsurance.result : undefined;
    const places = this.places();
    const insuredAway = places !== null && places.insuranceChannel !== 'local';
    // Once enrolled, the agency's premium figure is the one shown (one premium source).
    if (typeof enrolled?.enrolledOn === 'string') {
      facts.enrolment = { registeredOn: enrolled.enrolledOn, inJinan: !insuredAway, ...(typeof enrolled.premium === 'number' ? { agencyPremiumYuan: enrolled.premium } : {}) };
    }
    if (places) Object.assign(facts, placeFacts(places, insuredAway, typeof regionCode === 'string' ? regionCode : null));
    return facts;
  }

  /** The clock a correction is checked against: now, and the age limit as at acceptance. */
  correctionClock(): CorrectionClock {
    const acceptedAt = this.events[0]?.at ?? toShanghaiIso(Date.now());
    const daysSinceAcceptance = Math.max(0, Math.floor((Date.now() - Date.parse(acceptedAt)) / (DAY_S * 1000)));
    return { now: toShanghaiIso(Date.now()), maxAgeDays: (this.settings.maxChildAgeDays ?? 365) + daysSinceAcceptance };
  }

  /** Cancellation by update, signal or Temporal cancel: recorded, and every wait ends at once. */
  startCancelling(c: CancelInput): void {
    this.cancelRequest = c;
    this.record({ action: 'case.cancel_requested', actor: c.actor, reason: c.reason });
    this.work?.cancel();
  }

  /** Why the case cannot be cancelled now, or null. */
  cannotCancel(): string | null {
    if (this.finished || isCaseClosed(this.derived().status)) return '办件已结束，无法撤销';
    if (this.cancelRequest) return '办件已在撤销中';
    return null;
  }
}

/** Since patch cross-region: the places a benefit decision names (outside Jinan only), and insurance at home. */
function placeFacts(places: Places, insuredAway: boolean, childRegion: string | null): NonNullable<Parameters<typeof benefitsInputFor>[1]> {
  const codes = [places.householdRegion, childRegion].filter((c): c is string => c !== null && !isJinanRegion(c));
  const facts: NonNullable<Parameters<typeof benefitsInputFor>[1]> = {};
  if (codes.length > 0) facts.regionLabels = Object.fromEntries(codes.map((c) => [c, regionLabel(c)]));
  if (insuredAway) facts.insuredOutsideJinan = { regionCode: places.householdRegion, label: regionLabel(places.householdRegion) };
  return facts;
}

/** Keeps the latest MAX_REMEMBERED entries of an id list or map. */
export function remember(target: string[], id: string): void {
  target.push(id);
  if (target.length > MAX_REMEMBERED) target.splice(0, target.length - MAX_REMEMBERED);
}
export function rememberOutcome<V>(target: Map<string, V>, id: string, value: V): void {
  target.set(id, value);
  const oldest = target.keys().next();
  if (target.size > MAX_REMEMBERED && !oldest.done) target.delete(oldest.value);
}

/** An agency call in flight, as the one watch of a case sees it (patch read-model). */
export interface AgencyCall {
  readonly key: ServiceKey;
  readonly agency: AgencyName;
  /** when the call was made (workflow time) */
  readonly sinceMs: number;
  /** escalated as unreachable already (once per call) */
  reported: boolean;
}
