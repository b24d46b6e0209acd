// The machine-readable contract, generated from the same zod schemas that validate requests. Every route
// documents every answer it can give, each error with the one error body; the 405 guard in app.ts
// answers from the same list of paths and methods.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AgencyNameSchema } from '../activities/agency.types';
import {
  CancelRequest, CaseCreateRequest, CorrectionRequest, IdempotencyKeyHeader, ResolveRequest, ReviewDecisionRequest, ServiceKey, TrackInputRequest, TrackRequest,
} from '../domain/case.schemas';
import { AccessCsvQuery, AccessListQuery, AccessPageView, AccessVerifyView, ParentAccessView } from './access.schemas';
import { CaseListQuery, RegistrationIdField } from './cases.schemas';
import { CaseDelivery } from './delivery';
import { ErrorCode } from './errors';
import { registrationRoutesDoc } from './registrations.openapi';
import { Dashboard, DashboardQuery } from './ops.schemas';
import { DevSignInRequest, LoginQuery, SessionView, SignedOutView } from './session.routes';
import { ParentCaseInputRequest, ParentSessionView, RealNameRequest, SignInCodeRequest, SignInCodeSent, SignInRequest } from './parent-session.schemas';
import { AuditEntries, CancelAnswer, CaseCreated, CaseSummaryPage, CaseView, ParentView, ReviewCaseView, ReviewDecided, ReviewTaskList } from './views.schemas';

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
    caseId: z.string().optional(),
  }),
});

const CASE_ID = '^[0-9A-HJKMNP-TV-Z]{16}$';
const caseId = z.string().regex(new RegExp(CASE_ID)).meta({ description: '16 characters, Crockford base32 (no I, L, O, U)', example: '7ZQ0K8M2XW4T9B1C' });

type Method = RouteConfig['method'];
const ROUTES: Array<{ method: Method; path: string }> = [];

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ required: true, ...json(schema) });
const err = (description: string) => ({ description, ...json(ErrorBody) });
const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
// Answers every route can give, by what the route does.
const common = { 400: err('VALIDATION_FAILED: a bad request (every problem by path in `issues`; also a malformed %-escape in the path)'), 500: err('INTERNAL: never expected; no internals in the message') };
const withBody = { 413: err('PAYLOAD_TOO_LARGE: body over 32 KB'), 415: err('UNSUPPORTED_MEDIA_TYPE: a charset other than UTF-8, or an unknown Content-Encoding') };
const staff = { 401: err('UNAUTHENTICATED: no token, or a bad, expired or foreign one'), 403: err('FORBIDDEN: the token\'s role may not do this') };
const temporal = { 503: err('UNAVAILABLE: Temporal did not answer in time') };
const readModelDown = { 503: err('UNAVAILABLE: the read model (the project\'s database) cannot answer now') };
const notFound = { 404: err('NOT_FOUND: no such case (or not the caller\'s hospital\'s)') };
const security = [{ staffJwt: [] }];
/** The new-case body as documented: the application, and the online registration it may start from (checked apart). */
const CaseCreateBody = z.strictObject({ ...CaseCreateRequest.shape, registrationId: RegistrationIdField.optional() });

type Register = (route: RouteConfig) => void;

let cached: object | null = null;

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'staffJwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const register: Register = (r) => {
    ROUTES.push({ method: r.method, path: r.path });
    registry.registerPath(r);
  };
  caseRoutesDoc(register);
  reviewRoutesDoc(register);
  parentRoutesDoc(register);
  registry.registerComponent('securitySchemes', 'parentCookie', { type: 'apiKey', in: 'cookie', name: 'bot_parent' });
  parentSignInRoutesDoc(register);
  registrationRoutesDoc(register, ErrorBody);
  callbackRoutesDoc(register);
  sessionRoutesDoc(register);
  opsRoutesDoc(register);
  register({ method: 'get', path: '/api/openapi.json', summary: 'This document', responses: { 200: ok('OpenAPI 3.1', z.object({}).passthrough()), ...common } });

  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'birth-one-thing API', version: '1.0.0',
      description: 'HTTP contract v1 of the 出生一件事 orchestrator. Every error has the body `{"error":{"code","message","issues"?,"caseId"?}}`. A method a path does not list is answered 405 METHOD_NOT_ALLOWED with Allow.',
    },
  });
  return cached;
}

function caseRoutesDoc(register: Register): void {
  register({
    method: 'post', path: '/api/cases', summary: 'Start a case (clerk; a service hall\'s clerk `hallClerk` only for a child born outside Jinan, `bornElsewhere` required — issue 19); with `registrationId`, from the parents\' online 生育登记 (issue 18: the birth order derived from it)', security,
    request: { body: body(CaseCreateBody) },
    responses: {
      201: { ...ok('accepted', CaseCreated), headers: { Location: { schema: { type: 'string' }, description: '/api/cases/{caseId}' } } },
      ...common, ...withBody, ...staff,
      400: err('VALIDATION_FAILED: every problem by path in `issues`; also a `registrationId` that is not the mother\'s open registration (`issues[0].code` REGISTRATION_NOT_FOUND); a region code not in GB/T 2260 (REGION_UNKNOWN); RESIDENCE_PERMIT_REQUIRED, INBOUND_HOUSEHOLD_NOT_JINAN, BIRTH_REGION_JINAN; a hall clerk without `bornElsewhere` (INBOUND_REQUIRED), a hospital clerk with it (INBOUND_HALL_ONLY)'),
      409: err('DUPLICATE_CASE: this newborn already has a case (`caseId` names it when the case is of the caller\'s own hospital; another hospital gets no id) · CONFLICT: the registration named is closed (born, withdrawn, expired), or its record gives another birth order than `newborn.birthOrder` (`issues[0]` on `newborn.birthOrder`, code BIRTH_ORDER_MISMATCH, in plain words)'),
      503: err('UNAVAILABLE: Temporal (or the registration named) did not answer in time'),
    },
  });
  register({
    method: 'get', path: '/api/cases', summary: 'List own hospital cases (clerk; a hall clerk its hall\'s cases, `hospitalId` HALL:<hallId>; admin: all)', security,
    request: { query: CaseListQuery },
    responses: { 200: ok('a page of CaseSummary, newest first, from the read model', CaseSummaryPage), ...common, ...staff, ...readModelDown },
  });
  register({ method: 'get', path: '/api/cases/{caseId}', summary: 'CaseView (the clerk — or the hall clerk of the hall that filed it — in full, each service with `handledAt`: where it is handled; the admin with names, ID numbers, phones and the address masked, `masked: true`); the read is recorded in the access log first (503 when it cannot be)', security, request: { params: z.object({ caseId }) }, responses: { 200: ok('CaseView', CaseView), ...common, ...staff, ...notFound, ...temporal } });
  register({ method: 'get', path: '/api/cases/{caseId}/delivery', summary: 'The other children of the same multiple birth whose cases this hospital has (clerk): matched by the mother\'s ID number server-side; the reads are recorded', security, request: { params: z.object({ caseId }) }, responses: { 200: ok('CaseDelivery', CaseDelivery), ...common, ...staff, ...notFound, ...temporal } });
  register({ method: 'get', path: '/api/cases/{caseId}/audit', summary: 'Audit entries', security, request: { params: z.object({ caseId }) }, responses: { 200: ok('entries', AuditEntries), ...common, ...staff, ...notFound, ...temporal } });
  register({
    method: 'post', path: '/api/cases/{caseId}/corrections', summary: 'Correct a case (clerk, hall clerk); a region code set must be in GB/T 2260 (400 REGION_UNKNOWN)', security,
    request: { params: z.object({ caseId }), headers: z.object({ 'idempotency-key': IdempotencyKeyHeader.optional() }), body: body(CorrectionRequest) },
    responses: { 200: ok('CaseView', CaseView), ...common, ...withBody, ...staff, ...notFound, ...temporal, 409: err('CONFLICT: rejected by the case: a field held by a submitted service, a key field, a rule of a new case') },
  });
  register({
    method: 'post', path: '/api/cases/{caseId}/cancel', summary: 'Cancel a case: each agency asked to withdraw, or told of the cancellation; every step with its answer', security,
    request: { params: z.object({ caseId }), body: body(CancelRequest) },
    responses: { 200: ok('cancelled', CancelAnswer), 202: ok('accepted, an agency has not answered yet', CancelAnswer), ...common, ...withBody, ...staff, ...notFound, ...temporal, 409: err('CONFLICT: the case cannot be cancelled (closed, or already cancelling)') },
  });
  register({
    method: 'post', path: '/api/cases/{caseId}/services/{service}/resolve', summary: 'Retry, resubmit or close a service that needs attention', security,
    request: { params: z.object({ caseId, service: ServiceKey }), body: body(ResolveRequest) },
    responses: { 200: ok('CaseView', CaseView), ...common, ...withBody, ...staff, ...notFound, ...temporal, 409: err('CONFLICT: the service does not need attention') },
  });
}

function reviewRoutesDoc(register: Register): void {
  register({ method: 'get', path: '/api/reviews', summary: 'Review tasks of the officer\'s agency, oldest first', security, responses: { 200: ok('tasks', ReviewTaskList), ...common, ...staff, ...temporal } });
  register({
    method: 'get', path: '/api/reviews/{caseId}/{service}', summary: 'A review with the case facts the officer needs (numbers masked)', security,
    request: { params: z.object({ caseId, service: ServiceKey }) },
    responses: { 200: ok('ReviewCaseView', ReviewCaseView), ...common, ...staff, 404: err('NOT_FOUND: no such case, or none the officer\'s agency has (or had) a review for'), ...temporal },
  });
  register({
    method: 'post', path: '/api/reviews/{caseId}/{service}', summary: 'Decide a review (officer)', security,
    request: { params: z.object({ caseId, service: ServiceKey }), body: body(ReviewDecisionRequest) },
    responses: {
      200: ok('decided', ReviewDecided),
      ...common, ...withBody, ...staff, ...notFound, ...temporal, 409: err('CONFLICT: nothing waits for review, or already decided'),
    },
  });
}

function parentRoutesDoc(register: Register): void {
  const parentErrors = { ...common, ...withBody, 404: err('NOT_FOUND: wrong code or digits (the same answer for both)'), 429: err('RATE_LIMITED: too many failed attempts from this address, or for this code from this address'), ...temporal };
  register({ method: 'post', path: '/api/track', summary: 'Parent view (masked)', request: { body: body(TrackRequest) }, responses: { 200: ok('ParentView', ParentView), ...parentErrors } });
  register({
    method: 'post', path: '/api/track/accesses', summary: '谁查看了我的信息: staff reads of the case as organisation, role and time (never who), newest first',
    request: { body: body(TrackRequest) }, responses: { 200: ok('accesses', ParentAccessView), ...parentErrors },
  });
  register({ method: 'post', path: '/api/track/input', summary: 'Parents supply what is asked', request: { body: body(TrackInputRequest) }, responses: { 200: ok('ParentView', ParentView), ...parentErrors, 409: err('CONFLICT: nothing of the kind is asked now') } });
}

// Parents signed in by an SMS code (issue 18): the `bot_parent` cookie (HttpOnly, SameSite=Strict, path /api/parent).
function parentSignInRoutesDoc(register: Register): void {
  const parent = [{ parentCookie: [] }];
  const csrf = { 403: err('FORBIDDEN: a request riding on the `bot_parent` cookie that is not JSON') };
  const store = { 503: err('UNAVAILABLE: the sessions\' database, the SMS gateway or the identity check did not answer in time') };
  const signedIn = { 401: err('UNAUTHENTICATED: no parent signed in (no cookie, or a session ended, expired or unknown)') };
  const cookie = { 'set-cookie': { schema: { type: 'string' as const }, description: '`bot_parent=<opaque id, 43 characters>; Path=/api/parent; HttpOnly; SameSite=Strict; Max-Age=7200`' } };
  register({
    method: 'post', path: '/api/parent/sign-in/code', summary: 'Send a 6-digit sign-in code by SMS (valid 5 minutes, 5 tries; a new code replaces the old one). Per phone: one a minute, 5 an hour, 10 a day; per client address: 20 an hour',
    request: { body: body(SignInCodeRequest) },
    responses: { 202: ok('sent (the number masked)', SignInCodeSent), ...common, ...withBody, 400: err('VALIDATION_FAILED: not a mobile number, or a number that cannot receive government SMS (`issues[0].code` PHONE_SMS_REFUSED)'), ...csrf, 429: err('RATE_LIMITED: too many codes for this phone (Retry-After) or from this address'), ...store },
  });
  register({
    method: 'post', path: '/api/parent/sign-in', summary: 'Sign in with the phone and the code: starts a parent session (the `bot_parent` cookie). A wrong, expired, used or dead code and a phone never sent one all answer the same 401',
    request: { body: body(SignInRequest) },
    responses: { 200: { ...ok('signed in', ParentSessionView), headers: cookie }, ...common, ...withBody, 401: err('UNAUTHENTICATED: 验证码错误或已失效'), ...csrf, 429: err('RATE_LIMITED: too many failed sign-ins from this address'), ...store },
  });
  register({
    method: 'post', path: '/api/parent/real-name', summary: 'Real-name check (实名核验) of the signed-in parent at the public-security bureau; the session keeps the keyed hash of the ID number and the masked name and ID, never the values', security: parent,
    request: { body: body(RealNameRequest) },
    responses: { 200: ok('checked: `realName` set', ParentSessionView), ...common, ...withBody, 400: err('VALIDATION_FAILED: a malformed name or ID number, or 姓名与身份证号码不一致 (`issues[0].code` REAL_NAME_MISMATCH)'), ...signedIn, ...csrf, 429: err('RATE_LIMITED: too many failed checks for this session or from this address'), ...store },
  });
  register({ method: 'post', path: '/api/parent/sign-out', summary: 'Ends the parent session at once (the old cookie is 401 from then on) and clears the cookie', responses: { 204: { description: 'signed out' }, ...common, ...csrf, ...store } });
  register({ method: 'get', path: '/api/parent/session', summary: 'Who is signed in (always 200; signedIn false when no session)', responses: { 200: ok('ParentSessionView', ParentSessionView), ...common } });
  const casesDown = { 503: err('UNAVAILABLE: Temporal, or the sessions\' or the parent links\' database, did not answer in time') };
  const caseId404 = { 404: err('NOT_FOUND: no such case, or not this parent\'s (the same answer)') };
  register({
    method: 'post', path: '/api/parent/cases', summary: 'Issue 19: a real-name verified mother or father, signing the consent, files the case of a child born outside Jinan whose household is in Jinan (`bornElsewhere` required); the case is the service hall desk\'s (PARENT_INBOUND_HALL_ID) and is linked to the parent\'s phone', security: parent,
    request: { body: body(CaseCreateRequest) },
    responses: {
      201: { ...ok('accepted', CaseCreated), headers: { Location: { schema: { type: 'string' }, description: '/api/parent/cases/{caseId}' } } },
      ...common, ...withBody, ...signedIn, ...csrf,
      400: err('VALIDATION_FAILED: every problem by path, as `POST /api/cases`; without `bornElsewhere` INBOUND_REQUIRED; a consent not signed by this parent CONSENT_SIGNER_NOT_YOU'),
      403: err('FORBIDDEN: not real-name verified (请先完成实名认证), not the mother or father named, or the phone signed in with is not that parent\'s; or a request riding on the `bot_parent` cookie that is not JSON'),
      409: err('DUPLICATE_CASE: this newborn already has a case (never its id)'),
      ...casesDown,
    },
  });
  register({ method: 'get', path: '/api/parent/cases', summary: 'The signed-in parent\'s cases (linked to the session\'s phone, which the case names as the mother\'s or the father\'s), newest first, at most 50', security: parent, responses: { 200: ok('cases', z.object({ items: z.array(ParentView) })), ...common, ...signedIn, ...casesDown } });
  register({ method: 'get', path: '/api/parent/cases/{caseId}', summary: 'One of the signed-in parent\'s cases (the tracking view)', security: parent, request: { params: z.object({ caseId }) }, responses: { 200: ok('ParentView', ParentView), ...common, ...signedIn, ...caseId404, ...casesDown } });
  register({
    method: 'post', path: '/api/parent/cases/{caseId}/input', summary: 'The signed-in parent supplies what is asked (the newborn\'s name), as /api/track/input', security: parent,
    request: { params: z.object({ caseId }), body: body(ParentCaseInputRequest) },
    responses: { 200: ok('ParentView', ParentView), ...common, ...withBody, ...signedIn, ...csrf, ...caseId404, 409: err('CONFLICT: nothing of the kind is asked now'), ...casesDown },
  });
}

function callbackRoutesDoc(register: Register): void {
  register({
    method: 'post', path: '/api/agency-callbacks/{agency}',
    summary: 'Signed agency event',
    description: 'X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<agency>.<raw body>"> with the agency\'s own key; refused when more than 300 s from the receiver\'s clock. An event id already seen is acknowledged and dropped.',
    request: { params: z.object({ agency: AgencyNameSchema }), headers: z.object({ 'x-signature': z.string().regex(/^t=\d{1,12},v1=[0-9a-fA-F]{64}$/) }), body: body(z.object({}).passthrough()) },
    responses: {
      200: ok('received (or a duplicate, or the case has closed)', z.object({ received: z.literal(true), duplicate: z.literal(true).optional(), ignored: z.string().optional() })),
      ...common, ...withBody, 401: err('UNAUTHENTICATED: bad, stale or missing signature'), 404: err('NOT_FOUND: unknown agency or case'),
      429: err('RATE_LIMITED: too many callbacks'), ...temporal,
    },
  });
}

function sessionRoutesDoc(register: Register): void {
  const cookieNote = 'The web pages\' staff session: an opaque id in the HttpOnly, SameSite=Strict `bot_staff` cookie, the session kept server-side; state-changing requests that ride on it must be JSON.';
  const redirect = (description: string) => ({ description, headers: z.object({ location: z.string() }) });
  register({ method: 'get', path: '/api/session', summary: `Who is signed in. ${cookieNote}`, responses: { 200: ok('SessionView', SessionView), ...common } });
  register({
    method: 'get', path: '/api/session/login', summary: 'Staff sign-in through the identity provider (OpenID Connect, authorization code + PKCE + state + nonce): remembers the sign-in server-side (short-lived `bot_login` cookie) and sends the browser to the provider',
    request: { query: LoginQuery },
    responses: { 303: redirect('to the provider\'s sign-in page'), ...common, 400: err('VALIDATION_FAILED: `returnTo` is not a path of this site'), 503: err('UNAVAILABLE: the identity provider cannot be reached') },
  });
  register({
    method: 'get', path: '/api/session/callback', summary: 'Where the identity provider sends the browser back: the code is exchanged (PKCE verifier, state, nonce, ID token checked), the staff member mapped from the claims, the session started (`bot_staff` cookie)',
    request: { query: z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() }) },
    responses: {
      303: redirect('to the page the sign-in started from (or /signin?failed=… when the provider refused or the person holds no staff role here)'),
      ...common, 401: err('UNAUTHENTICATED: no sign-in under way, or the code, state, nonce or ID token did not check out'), 503: err('UNAVAILABLE: the identity provider cannot be reached'),
    },
  });
  register({ method: 'post', path: '/api/session/dev', summary: 'Development sign-in (only with ALLOW_DEV_TOKENS=true, refused on any real deployment): starts a session for the role', request: { body: body(DevSignInRequest) }, responses: { 200: ok('SessionView', SessionView), ...common, ...withBody, 404: err('NOT_FOUND: no development sign-in here') } });
  for (const path of ['/api/session/logout', '/api/session/sign-out']) {
    register({
      method: 'post', path, summary: `Ends the server session at once (the cookie stops working) and clears the cookie; \`endSessionUrl\` is the provider's sign-out page${path.endsWith('sign-out') ? ' (the older name of /api/session/logout)' : ''}`,
      responses: { 200: ok('SignedOutView', SignedOutView), ...common, 403: err('FORBIDDEN: a request that is not JSON') },
    });
  }
}

// Operators (issue 10): process up, readiness, metrics, the dashboard's figures, the Temporal UI's codec.
function opsRoutesDoc(register: Register): void {
  register({ method: 'get', path: '/healthz', summary: 'Process up', responses: { 200: ok('up', z.object({ status: z.literal('ok') })), ...common } });
  register({
    method: 'get', path: '/readyz', summary: 'Ready when Temporal answers and a worker polls the birth-case task queue (DescribeTaskQueue)',
    responses: {
      200: ok('ready', z.object({ status: z.literal('ready'), temporal: z.literal('reachable'), worker: z.literal('polling'), taskQueue: z.string(), pollers: z.number().int(), lastPollAt: z.string().nullable() })),
      ...common,
      503: { description: 'Temporal unreachable, or no worker polled within 90 s', ...json(z.object({ error: z.object({ code: z.literal('UNAVAILABLE'), message: z.string() }), temporal: z.enum(['reachable', 'unreachable']), worker: z.enum(['absent', 'unknown']) })) },
    },
  });
  register({
    method: 'get', path: '/metrics', summary: 'Prometheus metrics (OpenMetrics text): requests, latency (requestId exemplars; no case ids) and errors by route; case reads by source. Here only with `Authorization: Bearer <METRICS_TOKEN>`; unauthenticated on the metrics\' own listener (API_METRICS_PORT, loopback)',
    responses: { 200: { description: 'OpenMetrics text', content: { 'application/openmetrics-text': { schema: z.string() } } }, ...common, 401: err('UNAUTHENTICATED: no or wrong METRICS_TOKEN'), 404: err('NOT_FOUND: no METRICS_TOKEN configured (scrape the own listener)') },
  });
  register({
    method: 'get', path: '/api/ops/dashboard', summary: 'Operations dashboard figures (admin), aggregated over the read model', security,
    request: { query: DashboardQuery },
    responses: { 200: ok('the figures of the period (default: the last 30 days)', Dashboard), ...common, 400: err('VALIDATION_FAILED: bad period (1–366 days) or hospital id'), ...staff, ...readModelDown },
  });
  accessRoutesDoc(register);
  codecRoutesDoc(register);
}

function accessRoutesDoc(register: Register): void {
  const dbDown = { 503: err('UNAVAILABLE: the access records\' database does not answer') };
  register({
    method: 'get', path: '/api/ops/accesses', summary: 'Staff reads of personal data (admin): who, which case, which view, when, from where; newest first, a page at a time', security,
    request: { query: AccessListQuery }, responses: { 200: ok('a page of access records', AccessPageView), ...common, ...staff, ...dbDown },
  });
  register({
    method: 'get', path: '/api/ops/accesses.csv', summary: 'The matching access records as CSV (admin; UTF-8 with BOM, oldest first, streamed)', security,
    request: { query: AccessCsvQuery }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...common, ...staff, ...dbDown },
  });
  register({
    method: 'get', path: '/api/ops/accesses/verify', summary: 'Walks the access records\' hash chain (admin): ok, or the first record edited, missing or inserted', security,
    responses: { 200: ok('the chain\'s check', AccessVerifyView), ...common, ...staff, ...dbDown },
  });
}

function codecRoutesDoc(register: Register): void {
  const CodecPayloads = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })) }).describe('Temporal codec-server protocol: payloads in proto JSON, bytes as base64');
  for (const op of ['decode', 'encode'] as const) {
    register({
      method: 'post', path: `/api/ops/codec/${op}`, summary: `Codec server for the Temporal UI and CLI: ${op} payloads (admin: bearer token or the codec_admin cookie)`, security,
      request: { body: json(CodecPayloads) },
      responses: { 200: ok(`${op}d payloads`, CodecPayloads), ...common, ...withBody, 400: err('VALIDATION_FAILED: not codec JSON, or not decryptable with this key'), ...staff },
    });
  }
  register({
    method: 'post', path: '/api/ops/codec/session', summary: 'Sign-in for the codec (form field `token`: an admin token); sets the HttpOnly codec_admin cookie that the Temporal UI sends with credentials',
    request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: z.object({ token: z.string() }) } } } },
    responses: { 200: { description: 'signed in (HTML)' }, ...common, 401: err('UNAUTHENTICATED: bad token'), 403: err('FORBIDDEN: not an admin') },
  });
}

let patterns: Array<{ re: RegExp; methods: string[] }> | null = null;

/** The methods the contract declares for this concrete path (GET implies HEAD), or null for an unknown path. */
export function declaredMethods(path: string): string[] | null {
  if (!patterns) {
    openApiDocument();
    const byPath = new Map<string, string[]>();
    for (const r of ROUTES) {
      const methods = byPath.get(r.path) ?? [];
      methods.push(r.method.toUpperCase());
      if (r.method === 'get') methods.push('HEAD');
      byPath.set(r.path, methods);
    }
    patterns = [...byPath].map(([p, methods]) => ({ re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}/?$`), methods }));
  }
  return patterns.find((p) => p.re.test(path))?.methods ?? null;
}
