// Reads without a worker, the operations dashboard, and the metrics — with the worker as its own process
// (the `npm start` entry), so that SIGSTOP truly stops it while the API, Temporal and the agencies run on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { msToTs } from '@temporalio/common/lib/time';
import pino from 'pino';
import { createReviewDesk } from '../../activities';
import { createApp } from '../../api/app';
import { AGENCY_NAMES } from '../../domain/catalog';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { Dashboard } from '../../api/ops.schemas';
import { AuditEntries, CaseView, ParentView } from '../../api/views.schemas';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
let admin: string;

// /metrics on the API's port only with this bearer token (the metrics' own listener is the server's, not the stack's)
const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef0123';
beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  stack = await startStack({ workerProcess: true });
  clerk = await stack.token({ sub: 'clerk-1', role: 'clerk', hospitalId: 'H0001' });
  admin = await stack.token({ sub: 'admin-1', role: 'admin' });
}, 240_000);
afterAll(async () => {
  if (stack?.workerProcess) process.kill(stack.workerProcess.pid, 'SIGCONT');
  await stack?.stop();
});

const caseUntil = (token: string, caseId: string, predicate: (c: any) => boolean, timeoutMs?: number): Promise<any> => stack.caseUntil(token, caseId, predicate, timeoutMs);

// How fast these answer is the benchmark's (bench/run.ts, part stopped-worker): here, only that they do.
test('when the worker is stopped (SIGSTOP), then the case, the parents\' tracking and the audit still answer 200; resumed, a change made meanwhile shows', async () => {
  const worker = stack.workerProcess!;
  const app = application();
  delete app.newborn.name;
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const { caseId, trackingCode } = created.body;
  await caseUntil(clerk, caseId, (c) => c.status === 'action_required');
  expect((await stack.call('GET', '/readyz')).body).toMatchObject({ status: 'ready', worker: 'polling' });

  process.kill(worker.pid, 'SIGSTOP');
  try {
    const read = await stack.call('GET', `/api/cases/${caseId}`, { token: clerk });
    const track = await stack.call('POST', '/api/track', { body: { trackingCode, phoneLast4: app.mother.phone.slice(-4) } });
    const audit = await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk });
    for (const r of [read, track, audit]) expect(r.status).toBe(200);
    expect(CaseView.parse(read.body)).toMatchObject({ status: 'action_required', mother: { name: app.mother.name } });
    expect(ParentView.parse(track.body)).toMatchObject({ status: 'action_required', actionsRequired: [{ kind: 'newborn_name' }] });
    expect(AuditEntries.parse(audit.body).entries[0]).toMatchObject({ seq: 1, action: 'case.accepted' });

    // The parents give the name while the worker is stopped: the update waits for the worker.
    const named = stack.call('POST', '/api/track/input', { body: { trackingCode, phoneLast4: app.mother.phone.slice(-4), input: { newbornName: '李安然' } } });
    process.kill(worker.pid, 'SIGCONT');
    await caseUntil(clerk, caseId, (c) => c.newborn.name === '李安然' && c.status !== 'action_required', 10_000);
    expect((await named).status).toBe(200);
  } finally {
    process.kill(worker.pid, 'SIGCONT');
  }
  const audit = await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk });
  expect(audit.body.entries.map((e: any) => e.action)).toContain('newborn.named');
});

test('when cases with known outcomes have run, then the dashboard counts them by status, waiting party, waiver and subsidy, and times them', async () => {
  const hospital = 'H0777';
  const staff = await stack.token({ sub: 'clerk-777', role: 'clerk', hospitalId: hospital });
  const start = async (body: ReturnType<typeof application>): Promise<string> => {
    const r = await stack.call('POST', '/api/cases', { token: staff, body });
    expect(r.status).toBe(201);
    return r.body.caseId;
  };
  // A: a second child, everything done → waiver granted, subsidy granted
  const a = await start(application({ newborn: { birthOrder: 2 } }));
  // B: a first child → the waiver never applied; the subsidy is refused
  const b = await start(application({ newborn: { birthOrder: 1 } }));
  // C: a second child whose household parent's record is cancelled → household refused, no enrolment → waiver lost
  const c = await start(application({ newborn: { birthOrder: 2 }, householdOf: 'mother', mother: { idNumber: makeCitizenId('370102', '1994-03-15', 998) } }));
  // D: no name yet → waits on the parents, waiver pending
  const noName = application({ newborn: { birthOrder: 2 } });
  delete noName.newborn.name;
  const d = await start(noName);
  // E: the same, then cancelled → waiver lost (never enrolled)
  const noName2 = application({ newborn: { birthOrder: 2 } });
  delete noName2.newborn.name;
  const e = await start(noName2);

  const views = {
    a: await caseUntil(staff, a, (v) => v.status === 'completed'),
    b: await caseUntil(staff, b, (v) => v.status === 'completed'),
    c: await caseUntil(staff, c, (v) => v.status === 'partially_completed'),
    d: await caseUntil(staff, d, (v) => v.status === 'action_required'),
  };
  expect(views.c.services.household.status).toBe('refused');
  await caseUntil(staff, e, (v) => v.status === 'action_required');
  // the cancel answers with each agency's answer once compensation is done (200), or 202 while an agency is slow
  expect([200, 202]).toContain((await stack.call('POST', `/api/cases/${e}/cancel`, { token: staff, body: { reason: '家长撤回申请' } })).status);
  await caseUntil(staff, e, (v) => v.status === 'cancelled');

  const expected = {
    total: 5,
    byStatus: { accepted: 0, in_progress: 0, action_required: 1, completed: 2, partially_completed: 1, cancelled: 1, rejected: 0 },
    byWaitingOn: { parent: 1, clerk: 0, officer: 0, agency: 0 },
    waiver: { granted: 1, pending: 1, lost: 2, not_applicable: 1, lostByReason: { NOT_ENROLLED: 2 } },
    subsidy: { granted: 1, pending: 3, refused: 1 },
  };
  // Visibility follows the cases within moments: poll until it has caught up.
  const dash = await eventually(async () => {
    const r = await stack.call('GET', `/api/ops/dashboard?hospitalId=${hospital}`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.cases).toEqual({ total: expected.total, byStatus: expected.byStatus, byWaitingOn: expected.byWaitingOn });
    expect(r.body.premiumWaiver).toEqual(expected.waiver);
    expect(r.body.childcareSubsidy).toEqual(expected.subsidy);
    expect(r.body.completion.cases).toHaveLength(3);
    return Dashboard.parse(r.body);
  }, { timeoutMs: 30_000, intervalMs: 250 });

  expect(dash.overdue).toEqual({ reviews: 0, corrections: 0 });
  // Each finished case is timed from acceptance to its close, which is after its last journal entry.
  const finished = { [a]: views.a, [b]: views.b, [c]: views.c };
  expect(dash.completion.cases.map((x) => x.caseId).sort()).toEqual([a, b, c].sort());
  for (const x of dash.completion.cases) {
    const v = finished[x.caseId];
    expect(x.status).toBe(v.status);
    expect(x.seconds).toBeGreaterThanOrEqual((Date.parse(v.updatedAt) - Date.parse(v.createdAt)) / 1000 - 0.01);
    expect(Date.parse(x.closedAt)).toBeGreaterThanOrEqual(Date.parse(v.updatedAt) - 10);
  }
  const seconds = dash.completion.cases.map((x) => x.seconds).sort((p, q) => p - q);
  expect(dash.completion.medianSeconds).toBe(seconds[1]);
  expect(dash.completion.p90Seconds).toBe(seconds[2]);
  // Per agency: every service that reached an answer in the finished cases (C's household was refused; nothing after it ran).
  expect(Object.fromEntries(Object.entries(dash.agencies).map(([k, v]) => [k, v.services]))).toEqual({
    healthCommission: 3, vaccination: 3, publicSecurity: 3, medicalSecurity: 2, humanResources: 2,
  });
  for (const agency of Object.values(dash.agencies)) {
    expect(agency.medianSeconds).toBeGreaterThan(0);
    expect(agency.p90Seconds).toBeGreaterThanOrEqual(agency.medianSeconds!);
  }

  // The clerk's list filters on the same search attributes.
  const waiting = await eventually(async () => {
    const r = await stack.call('GET', '/api/cases?waitingOn=parent', { token: staff });
    expect(r.body.cases.map((x: any) => x.caseId)).toEqual([d]);
    return r;
  });
  expect(waiting.status).toBe(200);
  expect((await stack.call('GET', '/api/cases?waitingOn=nobody', { token: staff })).status).toBe(400);

  // Only admins see it; a bad period is a 400.
  expect((await stack.call('GET', '/api/ops/dashboard', { token: clerk })).status).toBe(403);
  expect((await stack.call('GET', '/api/ops/dashboard?from=2026-01-10&to=2026-01-01', { token: admin })).status).toBe(400);
  expect((await stack.call('GET', '/api/ops/dashboard?hospitalId=x%27%20OR%201=1', { token: admin })).status).toBe(400);
});

test('when cases have run, then /metrics on the worker shows per-agency calls and latency, and on the API requests by route and reads from the read model', async () => {
  const caseId = (await stack.call('POST', '/api/cases', { token: clerk, body: application() })).body.caseId;
  await caseUntil(clerk, caseId, (c) => c.status === 'completed');

  const worker = await eventually(async () => {
    const text = await (await fetch(stack.workerProcess!.metricsUrl)).text();
    expect(text).toMatch(/birth_case_agency_calls_total\{[^}]*agency="humanResources"[^}]*\} [1-9]/);
    return text;
  });
  // every agency a local case calls (the cross-region exchange carries only cases handled elsewhere)
  for (const agency of AGENCY_NAMES.filter((a) => a !== 'exchange')) {
    expect(worker).toMatch(new RegExp(`birth_case_agency_calls_total\\{[^}]*agency="${agency}"[^}]*outcome="ok"[^}]*\\} [1-9]`));
    expect(worker).toMatch(new RegExp(`birth_case_agency_call_latency_count\\{[^}]*agency="${agency}"[^}]*\\} [1-9]`));
  }
  expect(worker).toMatch(/temporal_workflow_completed/); // the SDK's own metrics, same endpoint
  expect(worker).not.toMatch(/="[^"]*[0-9A-HJKMNP-TV-Z]{16}[^"]*"/); // no case id (nor anything personal) in a label

  expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(401); // finding 6: not without the token
  const api = await (await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  expect(api).toMatch(/birth_case_api_requests_total\{method="GET",route="\/api\/cases\/:caseId",status="200"\} [1-9]/);
  expect(api).toMatch(/birth_case_api_case_reads_total\{source="readModel"\} [1-9]/);
  expect(api).toMatch(/birth_case_api_request_duration_seconds_bucket\{[^}]*route="\/api\/cases\/:caseId"[^}]*\} \d+ # \{requestId="[^"]+"\}/);
  expect(api).not.toContain(caseId); // finding 6: no case id anywhere in the metrics (the exemplars carried it)
  expect(api).not.toMatch(/caseId=/);
});

test('when an admin asks the codec endpoint, then a case\'s encrypted payload comes back readable; others get 401/403, and only the Temporal UI\'s origin passes CORS', async () => {
  const caseId = (await stack.call('POST', '/api/cases', { token: clerk, body: application() })).body.caseId;
  // What the Temporal UI gets from the server: the case's input as its history stores it, encrypted.
  const raw = await stack.env.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: `birth-case-${caseId}` }, maximumPageSize: 1 });
  const stored = raw.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  expect(Buffer.from(stored!.metadata!['encoding']!).toString()).toBe('binary/encrypted');
  const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');
  const payloads = [{ metadata: Object.fromEntries(Object.entries(stored!.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(stored!.data!) }];
  const ui = { origin: 'http://127.0.0.1:8233', 'x-namespace': 'default' };

  const decoded = await stack.call('POST', '/api/ops/codec/decode', { token: admin, body: { payloads }, headers: ui });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
  const plain = decoded.body.payloads[0];
  expect(Buffer.from(plain.metadata.encoding, 'base64').toString()).toBe('json/plain');
  expect(JSON.parse(Buffer.from(plain.data, 'base64').toString())).toMatchObject({ caseId, hospitalId: 'H0001' });

  // encode → decode is the identity
  const encoded = await stack.call('POST', '/api/ops/codec/encode', { token: admin, body: { payloads: [plain] } });
  const again = await stack.call('POST', '/api/ops/codec/decode', { token: admin, body: encoded.body });
  expect(again.body.payloads[0].data).toBe(plain.data);

  expect((await stack.call('POST', '/api/ops/codec/decode', { body: { payloads } })).status).toBe(401);
  expect((await stack.call('POST', '/api/ops/codec/decode', { token: clerk, body: { payloads } })).status).toBe(403);
  expect((await stack.call('POST', '/api/ops/codec/decode', { token: admin, body: { payloads: 'x' } })).status).toBe(400);
  const preflight = await fetch(`${stack.apiUrl}/api/ops/codec/decode`, { method: 'OPTIONS', headers: { ...ui, 'access-control-request-method': 'POST' } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  const foreign = await fetch(`${stack.apiUrl}/api/ops/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

  // The sign-in form sets an HttpOnly cookie that stands in for the header (the UI sends cookies, not tokens).
  const signIn = await fetch(`${stack.apiUrl}/api/ops/codec/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(admin)}` });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  const viaCookie = await stack.call('POST', '/api/ops/codec/decode', { body: { payloads }, headers: { cookie: cookie.split(';')[0]! } });
  expect(viaCookie.status).toBe(200);
  const clerkSignIn = await fetch(`${stack.apiUrl}/api/ops/codec/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(clerk)}` });
  expect(clerkSignIn.status).toBe(403);
  expect(clerkSignIn.headers.get('set-cookie')).toBeNull();
});

test('when no worker polls the task queue, then /readyz answers 503 and says so; with one polling, 200', async () => {
  expect((await stack.call('GET', '/readyz')).body).toMatchObject({ status: 'ready', temporal: 'reachable', worker: 'polling', pollers: expect.any(Number) });
  // A namespace where no worker ever polled: the same server, the same API code.
  const namespace = `empty-${Date.now()}`;
  await stack.env.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const app = createApp({ client: stack.env.client, config: { ...stack.config, TEMPORAL_NAMESPACE: namespace }, logger: pino({ level: 'silent' }), reviewDesk: createReviewDesk({ baseUrl: stack.agenciesUrl, token: stack.config.AGENCY_API_TOKEN }) });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    const body = await eventually(async () => {
      const res = await fetch(url);
      const b: any = await res.json();
      expect(res.status).toBe(503);
      expect(b).toMatchObject({ error: { code: 'UNAVAILABLE' }, temporal: 'reachable', worker: 'absent' });
      return b;
    });
    expect(body.error.message).toMatch(/worker/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
