// Clerk routes: start, list, read, audit, correct and cancel cases of the clerk's own hospital — or, for a
// service-hall clerk (issue 19), of children born outside Jinan that the hall filed (api/case-scope.ts).
import { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateStage } from '@temporalio/client';
import {
  CancelRequest, CaseCreateRequest, caseCreateRequestSchema, CorrectionRequest, IdempotencyKeyHeader, ResolveRequest, ServiceKey, toValidationIssues,
} from '../domain/case.schemas';
import { isCaseClosed } from '../domain/catalog';
import type { CaseStatus } from '../domain/catalog';
import type { Actor } from '../domain/case-state';
import { toShanghaiIso } from '../domain/dates';
import type { Config } from '../infra/config';
import { correctCase, requestCancellation, resolveService } from '../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState, CaseSettings, LinkedRegistration } from '../workflows/birth-case.contract';
import { applyCorrection } from '../workflows/corrections';
import { requireStaff, staffAuth, staffOf } from './auth';
import { adminCaseView, auditView, clerkCaseView } from './case-views';
import { caseIdFor, newTrackingCode } from './case-identity';
import { isFilingStaff, scopeOf, type FilingStaff } from './case-scope';
import { filingRules, unknownRegionsIn } from './case-filing';
import type { CaseRepository } from './case-repository';
import { linkRegistration, splitCaseCreateBody, type RegistrationLookup } from './case-registration';
import { CaseListQuery } from './cases.schemas';
import type { ParentLinks } from './parent-links';
import { readDelivery } from './delivery';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';
import { sendView } from './view-body';

export interface CaseRoutesDeps {
  cases: CaseRepository;
  config: Config;
  /** the clock the age and future-date rules read; tests may fix it */
  now: () => Date;
  /** the parents' online registrations a new case may start from (issue 18; api/registration-repository.ts) */
  registrations?: RegistrationLookup;
  /** which cases belong to which parents' phones (issue 18): written when a case is started */
  parentLinks?: Pick<ParentLinks, 'link'>;
}

/** How long the cancel route waits for compensation to finish before it answers 202. */
const CANCEL_ANSWER_WAIT_MS = 10_000;

export function caseRoutes(deps: CaseRoutesDeps): Router {
  const router = Router();
  const clerkOnly = requireStaff(staffAuth(deps.config), 'clerk');
  // A hall clerk files, reads and acts on its hall's cases as a hospital clerk on its hospital's.
  const filers = requireStaff(staffAuth(deps.config), 'clerk', 'hallClerk');
  const staffReaders = requireStaff(staffAuth(deps.config), 'clerk', 'hallClerk', 'admin');
  router.post('/', filers, startCase(deps));
  router.get('/', staffReaders, listCases(deps));
  router.get('/:caseId', staffReaders, readCase(deps));
  router.get('/:caseId/audit', staffReaders, readAudit(deps));
  // The other children of a multiple birth at this hospital (issue 22), matched server-side.
  router.get('/:caseId/delivery', clerkOnly, readDelivery(deps.cases));
  router.post('/:caseId/corrections', filers, correct(deps));
  // A service that needs attention (an agency answer nobody planned for): retry, resubmit or close it.
  router.post('/:caseId/services/:service/resolve', filers, resolve(deps));
  router.post('/:caseId/cancel', filers, cancel(deps));
  return router;
}

const staffActor = (s: FilingStaff): Actor => ({ role: s.role, id: s.sub });

/** The hospital or hall clerk a filing guard let through. */
function filerOf(req: Request): FilingStaff {
  const staff = staffOf(req);
  if (!isFilingStaff(staff)) throw new ApiError('FORBIDDEN', '无权执行此操作');
  return staff;
}

/** What a new case is started with from this process's settings. */
function caseSettings(config: Config): CaseSettings {
  return {
    correctionDueSeconds: config.CORRECTION_DUE_SECONDS,
    agencyPollSeconds: config.AGENCY_POLL_SECONDS,
    reminderLeadDays: config.REMINDER_LEAD_DAYS,
    maxChildAgeDays: config.MAX_CHILD_AGE_DAYS,
    agencyUnreachableSeconds: config.AGENCY_UNREACHABLE_SECONDS,
    reviewDueSeconds: config.REVIEW_DUE_SECONDS,
    maxHistoryEvents: config.MAX_HISTORY_EVENTS,
    ...(config.ESCALATION_SECOND_LEVEL_SECONDS ? { secondEscalationSeconds: config.ESCALATION_SECOND_LEVEL_SECONDS } : {}),
    ...(config.AGENCY_POLL_MAX_SECONDS ? { agencyPollMaxSeconds: config.AGENCY_POLL_MAX_SECONDS } : {}),
  };
}

/** The registration a body names, checked (404-free: a wrong one is a 400 on its field); none named, none. */
async function registrationOf(deps: CaseRoutesDeps, registrationId: string | undefined, application: CaseCreateRequest): Promise<LinkedRegistration | undefined> {
  if (registrationId === undefined) return undefined;
  if (!deps.registrations) throw new ApiError('UNAVAILABLE', '生育登记暂时无法查询，请稍后重试或不关联登记直接申报');
  return linkRegistration(deps.registrations, registrationId, application, deps.config.CASE_ID_SECRET);
}

/** The phones whose parents see the case once signed in: the mother's and the consent signer's. */
const linkedPhones = (a: CaseCreateRequest): string[] => [a.mother.phone, ...(a.consent.signedBy === 'father' && a.father ? [a.father.phone] : [])];

const startCase = (deps: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const { config, now } = deps;
  const staff = filerOf(req);
  const schema = caseCreateRequestSchema({ now: toShanghaiIso(now().getTime()), maxAgeDays: config.MAX_CHILD_AGE_DAYS, knownRegions: true });
  const { application, extras } = splitCaseCreateBody(schema, req.body);
  filingRules(staff, application);
  const registration = await registrationOf(deps, extras.registrationId, application);
  const { caseId, trackingCode } = await fileCase(deps, { scope: scopeOf(staff) as string, actor: staffActor(staff), application, registration }, req);
  const status: CaseStatus = 'accepted';
  res.status(201).location(`/api/cases/${caseId}`).json({ caseId, trackingCode, status });
};

/** A checked application to start as a case, in a hospital's or a hall's scope (api/case-scope.ts). */
export interface CaseFiling {
  scope: string;
  actor: Actor;
  application: CaseCreateRequest;
  registration?: LinkedRegistration;
}

/**
 * Starts the case (a clerk's, a hall clerk's, or — issue 19 — a signed-in parent's inbound filing) and links
 * it to the parents' phones. A second filing for the same newborn is 409 DUPLICATE_CASE.
 */
export async function fileCase(deps: Pick<CaseRoutesDeps, 'cases' | 'config' | 'parentLinks'>, filing: CaseFiling, req: Request): Promise<{ caseId: string; trackingCode: string }> {
  const { cases, config } = deps;
  const { scope, application, registration } = filing;
  const caseId = caseIdFor(application, config.CASE_ID_SECRET);
  const { trackingCode, trackingNonce, trackingSecretHash } = newTrackingCode(caseId, config.CASE_ID_SECRET);
  const input: BirthCaseInput = {
    caseId, hospitalId: scope, acceptedBy: filing.actor, application, trackingSecretHash, trackingNonce, settings: caseSettings(config),
    ...(registration ? { registration } : {}),
  };
  await cases.start(input).catch(async (err: unknown) => {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw await duplicateOf(deps, caseId, filing, req);
    throw err;
  });
  // Only once this request started the case: a second filing for the same newborn links no phone of its own.
  // The case stands without the link (the tracking code still opens it): a failure is logged, not answered.
  await deps.parentLinks?.link(linkedPhones(application), 'case', caseId).catch((err: unknown) => {
    req.log?.error({ caseId, err: (err as Error).message }, 'parent links not written');
  });
  req.log?.info({ caseId }, 'case accepted');
  return { caseId, trackingCode };
}

/**
 * The answer to a second start for the same newborn: the existing case named only to its own hospital.
 * Another hospital learns that the newborn has a case, not which (the id would let it ask after the case).
 * A repeat from the same hospital with the same parents' phones is a filing whose answer was lost (the
 * API died between the start and the link): the phones are linked now, so the parents still find the case.
 * Any other repeat links nothing (whoever files the newborn again must not gain the case).
 */
async function duplicateOf(deps: Pick<CaseRoutesDeps, 'cases' | 'parentLinks'>, caseId: string, filing: CaseFiling, req: Request): Promise<ApiError> {
  const existing = await deps.cases.read(caseId).catch(() => null);
  const own = existing !== null && existing.hospitalId === filing.scope;
  if (own && samePhones(linkedPhones(existing.application), linkedPhones(filing.application))) {
    await deps.parentLinks?.link(linkedPhones(filing.application), 'case', caseId).catch((err: unknown) => {
      req.log?.error({ caseId, err: (err as Error).message }, 'parent links not written');
    });
  }
  return new ApiError('DUPLICATE_CASE', '该新生儿已有办件，请勿重复申报', own ? { caseId } : {});
}

const samePhones = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((p) => b.includes(p));

const listCases = ({ cases }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const filter = parseBody(CaseListQuery, req.query);
  const staff = staffOf(req);
  const page = await cases.list(filter, isFilingStaff(staff) ? scopeOf(staff) : null);
  await cases.recordRead(req, page.cases.map((c) => c.caseId), 'list');
  res.json(page);
};

/** The case as this reader may see it: the clerk in full, the admin masked. The read is recorded first. */
async function sendCase(req: Request, res: Response, cases: CaseRepository, state: BirthCaseState): Promise<void> {
  const staff = staffOf(req);
  await cases.recordRead(req, state.caseId, 'case');
  sendView(req, res, staff.role === 'admin' ? adminCaseView(state) : clerkCaseView(state));
}

const readCase = ({ cases }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  await sendCase(req, res, cases, await cases.load(String(req.params.caseId), staffOf(req)));
};

const readAudit = ({ cases }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const state = await cases.load(String(req.params.caseId), staffOf(req));
  await cases.recordRead(req, state.caseId, 'audit');
  res.json(auditView(state.events));
};

/** A retried request (same Idempotency-Key) is the same update: the case applies it once. */
function correctionUpdateId(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const parsed = IdempotencyKeyHeader.safeParse(key);
  if (!parsed.success) {
    throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key 格式有误', { issues: [{ path: 'Idempotency-Key', code: 'INVALID_FORMAT', message: '8–100 个字母、数字或 ._:-' }] });
  }
  return `correction:${parsed.data}`;
}

const correct = ({ cases, parentLinks }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const body = parseBody(CorrectionRequest, req.body);
  const caseId = String(req.params.caseId);
  const staff = filerOf(req);
  const state = await cases.load(caseId, staff, { fresh: true });
  // The corrected case must still be a valid case, by the same rules as a new one.
  const merged = CaseCreateRequest.safeParse(applyCorrection(state.application, body.changes));
  if (!merged.success) {
    throw new ApiError('VALIDATION_FAILED', '更正后的信息有误', { issues: toValidationIssues(merged.error) });
  }
  // A region code a correction sets must be in the GB/T 2260 table (an old case's own codes are not re-judged).
  const unknown = unknownRegionsIn(body.changes);
  if (unknown.length > 0) throw new ApiError('VALIDATION_FAILED', '更正后的信息有误', { issues: unknown });
  const updateId = correctionUpdateId(req.header('idempotency-key'));
  await cases.write(caseId, (handle) => handle.executeUpdate(correctCase, {
    ...(updateId ? { updateId } : {}),
    args: [{ changes: body.changes, note: body.note, actor: staffActor(staff) }],
  }));
  // A corrected phone finds the case from the parents' signed-in page too (the old one no longer matches it).
  const phones = (['mother.phone', 'father.phone'] as const).flatMap((path) => {
    const phone = body.changes[path];
    return typeof phone === 'string' ? [phone] : [];
  });
  await parentLinks?.link(phones, 'case', caseId).catch((err: unknown) => {
    req.log?.error({ caseId, err: (err as Error).message }, 'parent links not written');
  });
  await sendCase(req, res, cases, await cases.load(caseId, staff));
};

const resolve = ({ cases }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const body = parseBody(ResolveRequest, req.body);
  const caseId = String(req.params.caseId);
  const service = ServiceKey.safeParse(req.params.service);
  if (!service.success) throw notFound();
  const staff = filerOf(req);
  await cases.load(caseId, staff, { fresh: true });
  await cases.write(caseId, (handle) => handle.executeUpdate(resolveService, {
    args: [{ service: service.data, action: body.action, note: body.note, actor: staffActor(staff) }],
  }));
  await sendCase(req, res, cases, await cases.load(caseId, staff));
};

/** The answer, or null if it has not come within `ms`. */
async function within<T>(answer: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((done) => { timer = setTimeout(() => done(null), ms); });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

const cancel = ({ cases }: CaseRoutesDeps): RequestHandler => async (req, res) => {
  const body = parseBody(CancelRequest, req.body);
  const caseId = String(req.params.caseId);
  const staff = filerOf(req);
  const state = await cases.load(caseId, staff, { fresh: true });
  if (isCaseClosed(state.status)) {
    throw new ApiError('CONFLICT', '办件已结束，无法撤销');
  }
  // The case refuses (409 with its reason) or accepts; then each agency is asked to withdraw or told of
  // the cancellation. Done within CANCEL_ANSWER_WAIT_MS: 200 with every step and answer; else 202
  // (an agency is slow; the audit will show each answer as it comes).
  const update = await cases.write(caseId, (handle) => handle.startUpdate(requestCancellation, {
    args: [{ reason: body.reason, actor: staffActor(staff) }],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  }));
  const outcome = await within(update.result(), CANCEL_ANSWER_WAIT_MS).finally(() => cases.invalidate(caseId));
  if (!outcome) {
    res.status(202).json({ caseId, status: 'cancelling', steps: [] });
    return;
  }
  res.json({ caseId, status: outcome.status, steps: outcome.steps });
};
