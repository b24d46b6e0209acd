// The machine-readable contract, generated from the same zod schemas that validate requests.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CancelRequest, CaseCreateRequest, CorrectionRequest, IdempotencyKeyHeader, ResolveRequest, ReviewDecisionRequest, TrackInputRequest, TrackRequest,
} from '../domain/case.schemas';
import { AuditEntries, CancelAnswer, CaseCreated, CaseSummaryPage, CaseView, ParentView, ReviewCaseView, ReviewDecided, ReviewTaskList } from './views.schemas';
import { Dashboard, DashboardQuery } from './ops.schemas';
import { DevSignInRequest, SessionView } from './session.routes';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
    caseId: z.string().optional(),
  }),
});

let cached: object | null = null;

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'staffJwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  // Schemas are inlined: registering them as components needs zod extended before the domain loads.
  const errorSchema = ErrorBody;
  const err = (description: string) => ({ description, ...json(errorSchema) });
  const caseIdParam = z.object({ caseId: z.string() });

  registry.registerPath({
    method: 'post', path: '/api/cases', summary: 'Start a case (clerk)', security: [{ staffJwt: [] }],
    request: { body: json(CaseCreateRequest) },
    responses: {
      201: { description: 'accepted', ...json(CaseCreated) },
      400: err('validation failed: every problem by path'), 401: err('no or bad token'), 403: err('wrong role'),
      409: err('duplicate case (DUPLICATE_CASE, with the existing caseId)'), 503: err('Temporal unreachable'),
    },
  });
  registry.registerPath({
    method: 'get', path: '/api/cases', summary: 'List own hospital cases', security: [{ staffJwt: [] }],
    request: { query: z.object({ status: z.string().optional(), bornFrom: z.string().optional(), bornTo: z.string().optional(), waitingOn: z.enum(['parent', 'clerk', 'officer', 'agency']).optional(), overdue: z.enum(['true', 'false']).optional(), pageSize: z.string().optional(), pageToken: z.string().optional() }) },
    responses: { 200: { description: 'a page of CaseSummary', ...json(CaseSummaryPage) } },
  });
  registry.registerPath({ method: 'get', path: '/api/cases/{caseId}', summary: 'CaseView', security: [{ staffJwt: [] }], request: { params: caseIdParam }, responses: { 200: { description: 'CaseView', ...json(CaseView) }, 404: err('not found') } });
  registry.registerPath({ method: 'get', path: '/api/cases/{caseId}/audit', summary: 'Audit entries', security: [{ staffJwt: [] }], request: { params: caseIdParam }, responses: { 200: { description: 'entries', ...json(AuditEntries) } } });
  registry.registerPath({ method: 'post', path: '/api/cases/{caseId}/corrections', summary: 'Correct a case', security: [{ staffJwt: [] }], request: { params: caseIdParam, headers: z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() }), body: json(CorrectionRequest) }, responses: { 200: { description: 'CaseView', ...json(CaseView) }, 409: err('rejected by the case: a field held by a submitted service, a key field, a rule of a new case') } });
  registry.registerPath({ method: 'post', path: '/api/cases/{caseId}/cancel', summary: 'Cancel a case: each agency asked to withdraw, or told of the cancellation; every step with its answer', security: [{ staffJwt: [] }], request: { params: caseIdParam, body: json(CancelRequest) }, responses: { 200: { description: 'cancelled', ...json(CancelAnswer) }, 202: { description: 'accepted, an agency has not answered yet', ...json(CancelAnswer) }, 409: err('the case cannot be cancelled (closed, or already cancelling)') } });
  registry.registerPath({ method: 'post', path: '/api/cases/{caseId}/services/{service}/resolve', summary: 'Retry, resubmit or close a service that needs attention', security: [{ staffJwt: [] }], request: { params: caseIdParam.extend({ service: z.string() }), body: json(ResolveRequest) }, responses: { 200: { description: 'CaseView', ...json(CaseView) }, 409: err('the service does not need attention') } });
  registry.registerPath({ method: 'get', path: '/api/reviews', summary: 'Review tasks of the officer\'s agency', security: [{ staffJwt: [] }], responses: { 200: { description: 'tasks', ...json(ReviewTaskList) } } });
  const reviewParams = z.object({ caseId: z.string(), service: z.string() });
  registry.registerPath({ method: 'get', path: '/api/reviews/{caseId}/{service}', summary: 'A review with the case facts (numbers masked)', security: [{ staffJwt: [] }], request: { params: reviewParams }, responses: { 200: { description: 'ReviewCaseView', ...json(ReviewCaseView) }, 404: err('not found') } });
  registry.registerPath({ method: 'post', path: '/api/reviews/{caseId}/{service}', summary: 'Decide a review', security: [{ staffJwt: [] }], request: { params: reviewParams, body: json(ReviewDecisionRequest) }, responses: { 200: { description: 'decided', ...json(ReviewDecided) }, 409: err('no pending review, or already decided') } });
  const cookieNote = 'The web pages\' staff session: an HttpOnly, SameSite=Strict cookie; state-changing requests that ride on it must be JSON.';
  registry.registerPath({ method: 'get', path: '/api/session', summary: `Who is signed in. ${cookieNote}`, responses: { 200: { description: 'SessionView', ...json(SessionView) } } });
  registry.registerPath({ method: 'post', path: '/api/session/dev', summary: 'Development sign-in (only with ALLOW_DEV_SECRETS=true): sets the session cookie', request: { body: json(DevSignInRequest) }, responses: { 200: { description: 'SessionView', ...json(SessionView) }, 404: err('no development sign-in here') } });
  registry.registerPath({ method: 'post', path: '/api/session/sign-out', summary: 'Clears the session cookie', responses: { 200: { description: 'SessionView', ...json(SessionView) } } });
  registry.registerPath({ method: 'post', path: '/api/track', summary: 'Parent view (masked)', request: { body: json(TrackRequest) }, responses: { 200: { description: 'ParentView', ...json(ParentView) }, 404: err('wrong code or digits'), 429: err('too many attempts') } });
  registry.registerPath({ method: 'post', path: '/api/track/input', summary: 'Parents supply what is asked', request: { body: json(TrackInputRequest) }, responses: { 200: { description: 'ParentView', ...json(ParentView) }, 400: err('validation failed'), 404: err('wrong code or digits'), 409: err('the case does not ask for a name now'), 429: err('too many attempts') } });
  registry.registerPath({ method: 'post', path: '/api/agency-callbacks/{agency}', summary: 'Signed agency event (X-Signature: sha256=<hex HMAC of the body>)', request: { params: z.object({ agency: z.string() }) }, responses: { 200: { description: 'received' }, 401: err('bad signature') } });

  // Operators (issue 10): readiness, metrics, the dashboard's figures, the Temporal UI's codec.
  registry.registerPath({
    method: 'get', path: '/readyz', summary: 'Ready when Temporal answers and a worker polls the birth-case task queue (DescribeTaskQueue)',
    responses: {
      200: { description: 'ready', ...json(z.object({ status: z.literal('ready'), temporal: z.literal('reachable'), worker: z.literal('polling'), taskQueue: z.string(), pollers: z.number().int(), lastPollAt: z.string().nullable() })) },
      503: { description: 'Temporal unreachable, or no worker polled within 90 s', ...json(z.object({ error: z.object({ code: z.literal('UNAVAILABLE'), message: z.string() }), temporal: z.enum(['reachable', 'unreachable']), worker: z.enum(['absent', 'unknown']) })) },
    },
  });
  registry.registerPath({
    method: 'get', path: '/metrics', summary: 'Prometheus metrics (OpenMetrics text): requests, latency (with requestId/caseId exemplars) and errors by route; case reads by source',
    responses: { 200: { description: 'OpenMetrics text', content: { 'application/openmetrics-text': { schema: z.string() } } } },
  });
  registry.registerPath({
    method: 'get', path: '/api/ops/dashboard', summary: 'Operations dashboard figures (admin), from Temporal visibility', security: [{ staffJwt: [] }],
    request: { query: DashboardQuery },
    responses: { 200: { description: 'the figures of the period (default: the last 30 days)', ...json(Dashboard) }, 400: err('bad period (1–366 days) or hospital id'), 401: err('no or bad token'), 403: err('not an admin') },
  });
  const CodecPayloads = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })) }).describe('Temporal codec-server protocol: payloads in proto JSON, bytes as base64');
  for (const op of ['decode', 'encode'] as const) {
    registry.registerPath({
      method: 'post', path: `/api/ops/codec/${op}`, summary: `Codec server for the Temporal UI and CLI: ${op} payloads (admin: bearer token or the codec_admin cookie)`, security: [{ staffJwt: [] }],
      request: { body: json(CodecPayloads) },
      responses: { 200: { description: `${op}d payloads`, ...json(CodecPayloads) }, 400: err('not codec JSON, or not decryptable with this key'), 401: err('no or bad token'), 403: err('not an admin') },
    });
  }
  registry.registerPath({
    method: 'post', path: '/api/ops/codec/session', summary: 'Sign-in for the codec (form field `token`: an admin token); sets the HttpOnly codec_admin cookie that the Temporal UI sends with credentials',
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: z.object({ token: z.string() }) } } } },
    responses: { 200: { description: 'signed in (HTML)' }, 401: err('bad token'), 403: err('not an admin') },
  });

  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'birth-one-thing API', version: '1.0.0', description: 'HTTP contract v1 of the 出生一件事 orchestrator' },
  });
  return cached;
}
