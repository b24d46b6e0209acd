// Clerk routes: start, list, read, audit, correct and cancel cases of the clerk's own hospital.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowExecutionAlreadyStartedError, WorkflowUpdateStage } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import {
  CancelRequest, CaseCreateRequest, caseCreateRequestSchema, CorrectionRequest, IdempotencyKeyHeader, ResolveRequest, ServiceKey, toValidationIssues,
} from '../domain/case.schemas';
import { toShanghaiIso } from '../domain/dates';
import { isCaseClosed, reduceCase } from '../domain/case-state';
import type { Actor } from '../domain/case-state';
import type { Config } from '../infra/config';
import {
  BIRTH_CASE_TASK_QUEUE,
  BIRTH_CASE_WORKFLOW_TYPE,
  birthCaseWorkflowId,
  caseIdFromWorkflowId,
  CaseSearchAttributes,
  correctCase,
  requestCancellation,
  resolveService,
  WAITING_ON,
} from '../workflows/birth-case.contract';
import type { BirthCaseInput, BirthCaseState } from '../workflows/birth-case.contract';
import { applyCorrection } from '../workflows/corrections';
import { caseSearchAttributes, initialCaseMemo } from '../workflows/case-publication';
import { createCaseReader, invalidateCaseRead } from './case-reader';
import type { ReadOptions } from './case-reader';
import { requireStaff, staffAuth } from './auth';
import type { StaffClaims } from './auth';
import { auditView, clerkCaseView } from './case-views';
import { CASE_ID_PATTERN, caseIdFor, newTrackingCode } from './case-identity';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';
import { sendView } from './view-body';

export interface CaseRoutesDeps {
  client: Client;
  config: Config;
  /** the clock the age and future-date rules read; tests may fix it */
  now: () => Date;
}

/** How long the cancel route waits for compensation to finish before it answers 202. */
const CANCEL_ANSWER_WAIT_MS = 10_000;

const staffActor = (s: StaffClaims): Actor => ({ role: s.role, id: s.sub });

/**
 * Reads a case the caller may see: clerks only their hospital's (others get 404: existence must not leak).
 * The check runs on every call, whether the state comes from the read cache or from Temporal. Before a
 * write, read with `{ fresh: true }`: the write is decided on the case as Temporal has it now.
 */
export async function loadCase(client: Client, caseId: string, staff?: StaffClaims, options?: ReadOptions): Promise<BirthCaseState> {
  if (!CASE_ID_PATTERN.test(caseId)) throw notFound();
  const state = await createCaseReader(client).read(caseId, options);
  if (staff?.role === 'clerk' && state.hospitalId !== staff.hospitalId) throw notFound();
  return state;
}

const ListQuery = z.strictObject({
  status: z.enum(['accepted', 'in_progress', 'action_required', 'completed', 'partially_completed', 'cancelled', 'rejected']).optional(),
  bornFrom: z.iso.date().optional(),
  bornTo: z.iso.date().optional(),
  waitingOn: z.enum(WAITING_ON).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(2000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/).optional(),
});

/** gRPC INVALID_ARGUMENT: the server refused what we passed on (here, only a caller's page token can be wrong). */
const GRPC_INVALID_ARGUMENT = 3;

/**
 * Page tokens are Temporal's, sealed with an HMAC over the query they continue: a made-up or altered
 * token, or one taken to another query (another hospital's), is a 400 before anything reaches Temporal.
 */
function sealPageToken(raw: Uint8Array, query: string, key: string): string {
  const body = Buffer.from(raw).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(`page:${query}:${body}`).digest('base64url')}`;
}
function openPageToken(token: string, query: string, key: string): Buffer {
  const [body = '', mac = ''] = token.split('.');
  const expected = createHmac('sha256', key).update(`page:${query}:${body}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badPageToken();
  return Buffer.from(body, 'base64url');
}
const badPageToken = (): ApiError =>
  new ApiError('VALIDATION_FAILED', '翻页标记无效', { issues: [{ path: 'pageToken', code: 'INVALID_PAGE_TOKEN', message: '翻页标记无效，请从第一页重新查询' }] });

export function caseRoutes({ client, config, now }: CaseRoutesDeps): Router {
  const router = Router();
  const clerkOnly = requireStaff(staffAuth(config), 'clerk');
  const staffReaders = requireStaff(staffAuth(config), 'clerk', 'admin');

  router.post('/', clerkOnly, async (req, res) => {
    const staff = req.staff as Extract<StaffClaims, { role: 'clerk' }>;
    const schema = caseCreateRequestSchema({ now: toShanghaiIso(now().getTime()), maxAgeDays: config.MAX_CHILD_AGE_DAYS });
    const application = parseBody(schema, req.body);
    const caseId = caseIdFor(application, config.CASE_ID_SECRET);
    const { trackingCode, trackingNonce, trackingSecretHash } = newTrackingCode(caseId, config.CASE_ID_SECRET);
    const input: BirthCaseInput = {
      caseId,
      hospitalId: staff.hospitalId,
      acceptedBy: staffActor(staff),
      application,
      trackingSecretHash,
      trackingNonce,
      settings: {
        correctionDueSeconds: config.CORRECTION_DUE_SECONDS,
        agencyPollSeconds: config.AGENCY_POLL_SECONDS,
        reminderLeadDays: config.REMINDER_LEAD_DAYS,
        maxChildAgeDays: config.MAX_CHILD_AGE_DAYS,
        agencyUnreachableSeconds: config.AGENCY_UNREACHABLE_SECONDS,
        reviewDueSeconds: config.REVIEW_DUE_SECONDS,
        maxHistoryEvents: config.MAX_HISTORY_EVENTS,
        ...(config.ESCALATION_SECOND_LEVEL_SECONDS ? { secondEscalationSeconds: config.ESCALATION_SECOND_LEVEL_SECONDS } : {}),
        ...(config.AGENCY_POLL_MAX_SECONDS ? { agencyPollMaxSeconds: config.AGENCY_POLL_MAX_SECONDS } : {}),
      },
    };
    try {
      await client.workflow.start(BIRTH_CASE_WORKFLOW_TYPE, {
        taskQueue: BIRTH_CASE_TASK_QUEUE,
        workflowId: birthCaseWorkflowId(caseId),
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        // Readable and listable before any worker has run the case.
        memo: initialCaseMemo(input),
        typedSearchAttributes: caseSearchAttributes(staff.hospitalId, application, reduceCase([])).filter((a): a is SearchAttributePair => a.value !== null),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new ApiError('DUPLICATE_CASE', '该新生儿已有办件，请勿重复申报', { caseId });
      }
      throw err;
    }
    req.log?.info({ caseId }, 'case accepted');
    res.status(201).location(`/api/cases/${caseId}`).json({ caseId, trackingCode, status: 'accepted' });
  });

  router.get('/', staffReaders, async (req, res) => {
    const q = parseBody(ListQuery, req.query);
    const clauses = [`WorkflowType = '${BIRTH_CASE_WORKFLOW_TYPE}'`];
    // Values are enum- or date-validated above, or come from the signed token: safe to quote.
    if (req.staff?.role === 'clerk') clauses.push(`${CaseSearchAttributes.hospitalId.name} = '${req.staff.hospitalId.replace(/'/g, '')}'`);
    if (q.status) clauses.push(`${CaseSearchAttributes.status.name} = '${q.status}'`);
    if (q.bornFrom) clauses.push(`${CaseSearchAttributes.bornOn.name} >= '${q.bornFrom}T00:00:00+08:00'`);
    if (q.waitingOn) clauses.push(`${CaseSearchAttributes.waitingOn.name} = '${q.waitingOn}'`);
    if (q.overdue) clauses.push(`${CaseSearchAttributes.overdue.name} = ${q.overdue}`);
    if (q.bornTo) clauses.push(`${CaseSearchAttributes.bornOn.name} < '${nextDay(q.bornTo)}T00:00:00+08:00'`);
    const query = clauses.join(' AND ');
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: config.TEMPORAL_NAMESPACE,
      query,
      pageSize: q.pageSize,
      nextPageToken: q.pageToken ? openPageToken(q.pageToken, query, config.CASE_ID_SECRET) : undefined,
    }).catch((err: unknown) => {
      if (q.pageToken && isGrpcServiceError(err) && err.code === GRPC_INVALID_ARGUMENT) throw badPageToken();
      throw err;
    });
    const cases = (page.executions ?? []).flatMap((e) => {
      const caseId = caseIdFromWorkflowId(e.execution?.workflowId ?? '');
      if (!caseId) return [];
      const sa = e.searchAttributes?.indexedFields ?? {};
      const decode = (name: string): unknown => {
        const p = sa[name];
        return p?.data ? JSON.parse(Buffer.from(p.data).toString('utf8')) : null;
      };
      return [{
        caseId,
        status: decode(CaseSearchAttributes.status.name),
        hospitalId: decode(CaseSearchAttributes.hospitalId.name),
        bornAt: shanghaiIsoOrNull(decode(CaseSearchAttributes.bornOn.name)),
        createdAt: e.startTime ? toShanghaiIso(Number(e.startTime.seconds ?? 0) * 1000) : null,
      }];
    });
    const token = page.nextPageToken && page.nextPageToken.length > 0 ? sealPageToken(page.nextPageToken, query, config.CASE_ID_SECRET) : null;
    res.json({ cases, nextPageToken: token });
  });

  router.get('/:caseId', staffReaders, async (req, res) => {
    sendView(req, res, clerkCaseView(await loadCase(client, String(req.params.caseId), req.staff)));
  });

  router.get('/:caseId/audit', staffReaders, async (req, res) => {
    const state = await loadCase(client, String(req.params.caseId), req.staff);
    res.json(auditView(state.events));
  });

  router.post('/:caseId/corrections', clerkOnly, async (req, res) => {
    const body = parseBody(CorrectionRequest, req.body);
    const caseId = String(req.params.caseId);
    const state = await loadCase(client, caseId, req.staff, { fresh: true });
    // The corrected case must still be a valid case, by the same rules as a new one.
    const merged = CaseCreateRequest.safeParse(applyCorrection(state.application, body.changes));
    if (!merged.success) {
      throw new ApiError('VALIDATION_FAILED', '更正后的信息有误', { issues: toValidationIssues(merged.error) });
    }
    // A retried request (same Idempotency-Key) is the same update: the case applies it once.
    const key = req.header('idempotency-key');
    let updateId: string | undefined;
    if (key !== undefined) {
      const parsed = IdempotencyKeyHeader.safeParse(key);
      if (!parsed.success) {
        throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key 格式有误', { issues: [{ path: 'Idempotency-Key', code: 'INVALID_FORMAT', message: '8–100 个字母、数字或 ._:-' }] });
      }
      updateId = `correction:${parsed.data}`;
    }
    await client.workflow.getHandle(birthCaseWorkflowId(caseId)).executeUpdate(correctCase, {
      ...(updateId ? { updateId } : {}),
      args: [{ changes: body.changes, note: body.note, actor: staffActor(req.staff as StaffClaims) }],
    }).finally(() => invalidateCaseRead(client, caseId));
    sendView(req, res, clerkCaseView(await loadCase(client, caseId, req.staff)));
  });

  // A service that needs attention (an agency answer nobody planned for): retry, resubmit or close it.
  router.post('/:caseId/services/:service/resolve', clerkOnly, async (req, res) => {
    const body = parseBody(ResolveRequest, req.body);
    const caseId = String(req.params.caseId);
    const service = ServiceKey.safeParse(req.params.service);
    if (!service.success) throw notFound();
    await loadCase(client, caseId, req.staff, { fresh: true });
    await client.workflow.getHandle(birthCaseWorkflowId(caseId)).executeUpdate(resolveService, {
      args: [{ service: service.data, action: body.action, note: body.note, actor: staffActor(req.staff as StaffClaims) }],
    }).finally(() => invalidateCaseRead(client, caseId));
    sendView(req, res, clerkCaseView(await loadCase(client, caseId, req.staff)));
  });

  router.post('/:caseId/cancel', clerkOnly, async (req, res) => {
    const body = parseBody(CancelRequest, req.body);
    const caseId = String(req.params.caseId);
    const state = await loadCase(client, caseId, req.staff, { fresh: true });
    if (isCaseClosed(state.status)) {
      throw new ApiError('CONFLICT', '办件已结束，无法撤销');
    }
    // The case refuses (409 with its reason) or accepts; then each agency is asked to withdraw or told of
    // the cancellation. Done within CANCEL_ANSWER_WAIT_MS: 200 with every step and answer; else 202
    // (an agency is slow; the audit will show each answer as it comes).
    const update = await client.workflow.getHandle(birthCaseWorkflowId(caseId)).startUpdate(requestCancellation, {
      args: [{ reason: body.reason, actor: staffActor(req.staff as StaffClaims) }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    }).finally(() => invalidateCaseRead(client, caseId));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      update.result(),
      new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), CANCEL_ANSWER_WAIT_MS); }),
    ]).finally(() => { clearTimeout(timer); invalidateCaseRead(client, caseId); });
    if (!outcome) {
      res.status(202).json({ caseId, status: 'cancelling', steps: [] });
      return;
    }
    res.json({ caseId, status: outcome.status, steps: outcome.steps });
  });

  return router;
}

function shanghaiIsoOrNull(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? toShanghaiIso(Date.parse(value)) : null;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
