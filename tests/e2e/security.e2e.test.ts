// A hostile caller against the real stack (issue 7): each test names the hole it closes and fails
// with the hole open.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { request } from 'node:http';
import { SignJWT } from 'jose';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { dataConverter } from '../../infra/temporal';
import { agencyCallbackKey, signCallback } from '../../infra/agency-signature';
import { signStaffToken } from '../../api/auth';
import { birthCaseWorkflowId } from '../../workflows/birth-case.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let clerk: string;
const CALLBACK_LIMIT = 40;

beforeAll(async () => {
  stack = await startStack({
    parentLimits: { windowMs: 60_000, perCode: 3, perAddress: 100 },
    // as behind a proxy on this machine that writes X-Forwarded-For (the default, TRUST_PROXY=false, believes no header)
    config: { CALLBACK_RATE_LIMIT_PER_MINUTE: CALLBACK_LIMIT, TEMPORAL_CALL_TIMEOUT_MS: 3000, TRUST_PROXY: 'loopback' },
  });
  clerk = await stack.token({ sub: 'clerk-sec', role: 'clerk', hospitalId: 'H0001' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

const secret = (): Uint8Array => new TextEncoder().encode(stack.config.JWT_SECRET);
const claims = { role: 'clerk', hospitalId: 'H0001' };
const expiredToken = (): Promise<string> => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('clerk-sec').setIssuer('birth-one-thing')
    .setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(secret());
};

function rawRequest(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${stack.apiUrl}${path}`, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A new case; `open` leaves the newborn's name out, so the case waits for the parents and stays open. */
async function newCase(open = false): Promise<{ caseId: string; trackingCode: string }> {
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: application(open ? { newborn: { name: undefined } } : {}) });
  expect(created.status).toBe(201);
  return created.body;
}

describe('prototype pollution through corrections (item 1)', () => {
  test('when a clerk sends __proto__, constructor or toString paths, then 400 names them; afterwards an expired token is still refused and a valid case starts', async () => {
    const { caseId } = await newCase();
    const bodies = [
      '{"changes":{"__proto__.clockTolerance":"100 years"}}',
      '{"changes":{"__proto__":{"clockTolerance":"100 years"}}}',
      '{"changes":{"constructor.prototype.clockTolerance":"100 years"}}',
      '{"changes":{"constructor":"x"}}',
      '{"changes":{"toString":"x"}}',
      '{"changes":{"mother.__proto__.x":"x"}}',
      '{"changes":{"prototype":"x","hasOwnProperty":"y"}}',
    ];
    for (const body of bodies) {
      const res = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.issues.some((i: { code: string }) => i.code === 'FIELD_NOT_CORRECTABLE')).toBe(true);
    }
    expect(({} as Record<string, unknown>).clockTolerance).toBeUndefined();
    const expired = await stack.call('GET', `/api/cases/${caseId}`, { token: await expiredToken() });
    expect(expired.status).toBe(401);
    await newCase();
    const valid = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '13800138001' } } });
    expect(valid.status).toBe(200);
  });
});

describe('tracking code (item 7)', () => {
  test('when a case starts, then its history keeps no tracking code, and the acceptance SMS carries it once', async () => {
    const { caseId, trackingCode } = await newCase();
    const handle = stack.env.client.workflow.getHandle(birthCaseWorkflowId(caseId));
    const history = await handle.fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const codec = dataConverter(stack.config).payloadCodecs![0]!;
    const input = defaultPayloadConverter.fromPayload<Record<string, unknown>>((await codec.decode(payloads))[0]!);
    const text = JSON.stringify(input);
    expect(text).toContain(caseId);
    expect(text).not.toContain(trackingCode.split('-')[1]);
    expect(input).not.toHaveProperty('trackingCode');
    const outbox = await eventually(async () => {
      const res = await fetch(`${stack.agenciesUrl}/admin/sms/outbox?caseId=${caseId}`, { headers: stack.agenciesAdmin });
      const { messages } = (await res.json()) as { messages: Array<{ template: string; params: Record<string, string> }> };
      const accepted = messages.filter((m) => m.template === 'case_accepted');
      expect(accepted).toHaveLength(1);
      return accepted;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(outbox[0]!.params.trackingCode).toBe(trackingCode);
    expect(outbox[0]!.params).not.toHaveProperty('trackingNonce');
  });
});

describe('mock agencies (item 12)', () => {
  test('when the admin or officer-review routes are called without the agencies\' token, then 401; with it, 200', async () => {
    for (const path of ['/admin/records', '/admin/sms/outbox', '/admin/faults', '/public-security/reviews']) {
      expect({ path, status: (await fetch(`${stack.agenciesUrl}${path}`)).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await fetch(`${stack.agenciesUrl}${path}`, { headers: { authorization: 'Bearer wrong' } })).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await fetch(`${stack.agenciesUrl}${path}`, { headers: stack.agenciesAdmin })).status }).toEqual({ path, status: 200 });
    }
    const decide = await fetch(`${stack.agenciesUrl}/public-security/reviews/PSR00000001/decision`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', reason: 'x', officerId: 'o' }),
    });
    expect(decide.status).toBe(401);
  });
});

describe('broken text (item 4)', () => {
  test.each([['NUL', '\u0000'], ['a lone surrogate', '\ud800'], ['a right-to-left override', '济南\u202e市'], ['a bell', '济南\u0007']])(
    'when the delivery address holds %s, then 400 and no case starts',
    async (_what, address) => {
      const app = application();
      const res = await stack.call('POST', '/api/cases', { token: clerk, body: { ...app, delivery: { ...app.delivery, address } } });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe('delivery.address');
      const again = await stack.call('POST', '/api/cases', { token: clerk, body: app });
      expect(again.status).toBe(201); // the first did not start this newborn's case
    },
  );

  test('when a name uses a CJK compatibility ideograph, then it is stored NFC-normalised', async () => {
    const app = application({ mother: { name: '王\uF900' } });
    const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
    expect(created.status).toBe(201);
    const view = await stack.call('GET', `/api/cases/${created.body.caseId}`, { token: clerk });
    expect(view.body.mother.name).toBe('王\u8C48');
  });
});

describe('bad input answers 4xx, never 500 (item 5)', () => {
  test.each([
    ['GET', '/api/cases/%E0%A4%A'],
    ['GET', '/api/cases/%'],
    ['POST', '/api/agency-callbacks/%zz'],
    ['POST', '/api/reviews/%/household'],
  ])('when %s %s has a malformed escape, then 400 with the error body', async (method, path) => {
    const res = await stack.call(method, path, { token: clerk, body: method === 'POST' ? {} : undefined });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('when a JSON body is declared latin1 or carries an unknown Content-Encoding, then 415', async () => {
    const latin1 = await stack.call('POST', '/api/cases', { token: clerk, body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1.status).toBe(415);
    expect(latin1.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const encoded = await stack.call('POST', '/api/cases', { token: clerk, body: '{}', headers: { 'content-encoding': 'x-unknown' } });
    expect(encoded.status).toBe(415);
  });

  test('when the page token is made up or altered, then 400 on pageToken', async () => {
    for (const pageToken of ['garbage!', 'AAAA', `${'A'.repeat(20)}.${'B'.repeat(43)}`]) {
      const res = await stack.call('GET', `/api/cases?pageToken=${encodeURIComponent(pageToken)}`, { token: clerk });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe('pageToken');
    }
  });
});

describe('agency callbacks (item 3)', () => {
  const event = (caseId: string, eventId: string) => JSON.stringify({
    eventId, occurredAt: new Date().toISOString(), caseId, idempotencyKey: `${birthCaseWorkflowId(caseId)}:household`,
    agency: 'publicSecurity', type: 'review.decided', service: 'household', reviewId: 'PSR00000001', decision: 'approve', reason: 'ok',
  });
  const send = (body: string, signature: string, agency = 'publicSecurity') =>
    stack.call('POST', `/api/agency-callbacks/${agency}`, { body, headers: { 'x-signature': signature } });
  const key = (agency: string) => agencyCallbackKey(stack.config.AGENCY_CALLBACK_SECRET, agency);

  test('when one signed callback is sent five times, then only the first goes on to the case; the repeats are answered as duplicates', async () => {
    const { caseId } = await newCase(true);
    // a card event: a review decision must name a review the case has (issue 20), this one needs none
    const body = JSON.stringify({
      eventId: 'evt-replay-1', occurredAt: new Date().toISOString(), caseId, idempotencyKey: `${birthCaseWorkflowId(caseId)}:socialSecurityCard`,
      agency: 'humanResources', type: 'card.posted', service: 'socialSecurityCard', applicationNumber: 'A1', cardNumber: 'C1', trackingNumber: 'T1',
    });
    for (let i = 0; i < 5; i++) {
      const res = await send(body, signCallback(body, 'humanResources', key('humanResources')), 'humanResources');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(i === 0 ? { received: true } : { received: true, duplicate: true });
    }
    // The four repeats were answered as duplicates by the API: they never reached the case.
  });

  test('when the signature is stale, from another agency\'s key, over another agency, or the old body-only form, then 401', async () => {
    const { caseId } = await newCase();
    const body = event(caseId, 'evt-sig-1');
    expect((await send(body, signCallback(body, 'publicSecurity', key('publicSecurity'), Date.now() - 10 * 60_000))).status).toBe(401);
    expect((await send(body, signCallback(body, 'publicSecurity', key('humanResources')))).status).toBe(401);
    expect((await send(body, signCallback(body, 'humanResources', key('humanResources')))).status).toBe(401);
    const oldForm = `sha256=${createHmac('sha256', stack.config.AGENCY_CALLBACK_SECRET).update(body).digest('hex')}`;
    expect((await send(body, oldForm)).status).toBe(401);
  });

  test('when the event id is unbounded or the agency unknown, then 400 / 404 and nothing reaches the case', async () => {
    const { caseId } = await newCase();
    const long = event(caseId, 'x'.repeat(5000));
    expect((await send(long, signCallback(long, 'publicSecurity', key('publicSecurity')))).status).toBe(400);
    const body = event(caseId, 'evt-unknown');
    expect((await send(body, signCallback(body, 'nobody', agencyCallbackKey(stack.config.AGENCY_CALLBACK_SECRET, 'nobody')), 'nobody')).status).toBe(404);
    expect((await send(body, 't=1,v1=00', 'constructor')).status).toBe(404);
  });
});

describe('tokens (item 10)', () => {
  const sign = (build: (j: SignJWT, now: number) => SignJWT) => {
    const now = Math.floor(Date.now() / 1000);
    return build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('clerk-sec').setIssuer('birth-one-thing'), now).sign(secret());
  };
  test.each([
    ['without exp', (j: SignJWT, now: number) => j.setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now)],
    ['without an audience', (j: SignJWT, now: number) => j.setIssuedAt(now).setExpirationTime(now + 600)],
    ['for another audience', (j: SignJWT, now: number) => j.setAudience('another-api').setIssuedAt(now).setExpirationTime(now + 600)],
    ['with a 30-day lifetime', (j: SignJWT, now: number) => j.setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 30 * 86_400)],
    ['issued longer ago than the maximum age', (j: SignJWT, now: number) => j.setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now - 13 * 3600).setExpirationTime(now + 60)],
    ['without iat', (j: SignJWT, now: number) => j.setAudience(stack.config.JWT_AUDIENCE).setExpirationTime(now + 600)],
  ])('when a token is signed with the right key but %s, then 401', async (_what, build) => {
    const res = await stack.call('GET', '/api/cases', { token: await sign(build) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  test('when a token is asked for beyond the maximum lifetime, then signing refuses', async () => {
    await expect(signStaffToken({ sub: 'x', role: 'admin' }, stack.config.JWT_SECRET, '100d')).rejects.toThrow(RangeError);
    await expect(signStaffToken({ sub: 'x', role: 'admin' }, stack.config.JWT_SECRET, 'forever')).rejects.toThrow(RangeError);
  });
});

describe('headers, methods and rate limits (items 11, 13, 14)', () => {
  test('when any answer is sent, then it is no-store with the standard security headers and a sane request id', async () => {
    const res = await stack.call('GET', '/api/cases', { token: clerk, headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await stack.call('GET', '/healthz', { headers: { 'x-request-id': 'req-42.a' } });
    expect(kept.headers.get('x-request-id')).toBe('req-42.a');
  });

  test('when a method is not declared for a known path, then 405 with Allow and the error body', async () => {
    for (const [method, path] of [['TRACE', '/api/cases'], ['DELETE', '/api/cases/0123456789ABCDEF'], ['PUT', '/api/track'], ['PATCH', '/healthz']] as const) {
      const res = await rawRequest(method, path); // fetch refuses TRACE; node:http sends it
      expect({ method, status: res.status }).toEqual({ method, status: 405 });
      expect(res.headers.allow).toBeTruthy();
      expect(JSON.parse(res.body).error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  test('when someone else fails with a family\'s code from their address, then the family is not locked out', async () => {
    const { trackingCode } = await newCase();
    const from = (ip: string, phoneLast4: string) => stack.call('POST', '/api/track', { body: { trackingCode, phoneLast4 }, headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.9', '0000')).status).toBe(404);
    expect((await from('203.0.113.9', '8000')).status).toBe(429);
    expect((await from('198.51.100.7', '8000')).status).toBe(200);
  });

  test('when a worker is gone, then reading or correcting a case answers 503 within the deadline', async () => {
    const created = await newCase();
    // A case whose workflow no worker polls: start one on a queue nobody serves.
    const caseId = '0000000000000Z9Z';
    await stack.env.client.workflow.start('birthCaseWorkflow', {
      taskQueue: 'nobody-polls', workflowId: birthCaseWorkflowId(caseId),
      args: [{ caseId, hospitalId: 'H0001', acceptedBy: { role: 'clerk', id: 'x' }, application: application(), trackingSecretHash: 'x', settings: { correctionDueSeconds: 60, agencyPollSeconds: 60 } }],
    });
    const started = Date.now();
    const read = await stack.call('GET', `/api/cases/${caseId}`, { token: clerk });
    expect(read.status).toBe(503);
    const corrected = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '13800138001' } } });
    expect(corrected.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(created.caseId).toBeTruthy();
  });

  test('when callbacks flood the route, then 429 after the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < CALLBACK_LIMIT + 5; i++) {
      statuses.push((await stack.call('POST', '/api/agency-callbacks/publicSecurity', { body: '{}', headers: { 'x-signature': 't=1,v1=00' } })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});

describe('issue 20: who may see a case, and who did', () => {
  const admin = (): Promise<string> => stack.token({ sub: 'admin', role: 'admin' });
  const officer = (): Promise<string> => stack.token({ sub: 'officer.publicSecurity', role: 'officer', agency: 'publicSecurity' });
  const underReview = async (): Promise<{ caseId: string; trackingCode: string }> => {
    const created = await stack.call('POST', '/api/cases', { token: clerk, body: application({ married: false, father: null, householdOf: 'mother' }) });
    expect(created.status).toBe(201);
    await stack.caseUntil(clerk, created.body.caseId, (c) => c.services.household.status === 'under_review');
    return created.body;
  };

  test('when a clerk reads a case, its audit and the list, then the admin sees each read (list: one per row) and the parents see organisation, role and time only', async () => {
    const { caseId, trackingCode } = await newCase();
    expect((await stack.call('GET', `/api/cases/${caseId}`, { token: clerk })).status).toBe(200);
    expect((await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk })).status).toBe(200);
    const list = await stack.call('GET', '/api/cases?pageSize=5', { token: clerk });
    expect(list.status).toBe(200);
    const adminToken = await admin();
    const page = await stack.call('GET', `/api/ops/accesses?caseId=${caseId}&pageSize=50`, { token: adminToken });
    expect(page.status).toBe(200);
    const views = page.body.items.map((r: { view: string }) => r.view);
    expect(views).toEqual(expect.arrayContaining(['case', 'audit']));
    expect(page.body.items[0]).toMatchObject({ caseId, role: 'clerk', hospitalId: 'H0001', clientAddress: expect.any(String) });
    const listed = list.body.cases.map((c: { caseId: string }) => c.caseId) as string[];
    const listRows = await stack.call('GET', `/api/ops/accesses?view=list&sub=${encodeURIComponent(page.body.items[0].subject)}&pageSize=200`, { token: adminToken });
    for (const id of listed) expect(listRows.body.items.some((r: { caseId: string }) => r.caseId === id)).toBe(true);

    const parents = await stack.call('POST', '/api/track/accesses', { body: { trackingCode, phoneLast4: '8000' } });
    expect(parents.status).toBe(200);
    expect(parents.body.accesses.map((a: { roleLabel: string }) => a.roleLabel)).toContain('医院登记员');
    expect(JSON.stringify(parents.body)).not.toContain(page.body.items[0].subject);

    const csv = await fetch(`${stack.apiUrl}/api/ops/accesses.csv?caseId=${caseId}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads UTF-8
    const text = bytes.toString('utf8');
    expect(text).toMatch(/^\uFEFFseq,at,subject,role/);
    expect(text).toContain(caseId);
    expect((await stack.call('GET', '/api/ops/accesses/verify', { token: adminToken })).body).toMatchObject({ ok: true });
    expect((await stack.call('GET', '/api/ops/accesses', { token: clerk })).status).toBe(403);
    expect((await stack.call('GET', '/api/ops/accesses.csv', { token: await officer() })).status).toBe(403);
  });

  test('finding 2: when an officer asks for a case their agency has no review for, then 404; for one under review, the facts', async () => {
    const officerToken = await officer();
    const { caseId } = await newCase();
    expect((await stack.call('GET', `/api/reviews/${caseId}/household`, { token: officerToken })).status).toBe(404);
    const reviewed = await underReview();
    const res = await stack.call('GET', `/api/reviews/${reviewed.caseId}/household`, { token: officerToken });
    expect(res.status).toBe(200);
    expect(res.body.pending).toBe(true);
  });

  test('finding 3: when the admin reads a case through the clerks\' routes, then names, ID numbers, phones and the address are masked', async () => {
    const body = application();
    const created = await stack.call('POST', '/api/cases', { token: clerk, body });
    const res = await stack.call('GET', `/api/cases/${created.body.caseId}`, { token: await admin() });
    expect(res.status).toBe(200);
    expect(res.body.masked).toBe(true);
    const text = JSON.stringify(res.body);
    for (const secret of [body.mother.idNumber, body.mother.phone, body.mother.name, body.delivery.address].filter(Boolean)) expect(text).not.toContain(secret as string);
  });

  test('finding 5: when another hospital starts the same newborn, then 409 without the case id; the own hospital gets the id', async () => {
    const body = application();
    const created = await stack.call('POST', '/api/cases', { token: clerk, body });
    expect(created.status).toBe(201);
    const other = await stack.call('POST', '/api/cases', { token: await stack.token({ sub: 'clerk.H0002', role: 'clerk', hospitalId: 'H0002' }), body });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('DUPLICATE_CASE');
    expect(other.body.error).not.toHaveProperty('caseId');
    expect(JSON.stringify(other.body)).not.toContain(created.body.caseId);
    const own = await stack.call('POST', '/api/cases', { token: clerk, body });
    expect(own.body.error).toMatchObject({ code: 'DUPLICATE_CASE', caseId: created.body.caseId });
  });

  test('when a validly signed callback names a review the case does not have, then it is refused and the audit gains nothing', async () => {
    const { caseId } = await newCase(true);
    type Entry = { action: string; actor: { role: string }; reason: string | null };
    // read once the case has been accepted (right after filing, it may not have been yet)
    const before = await eventually(async () => {
      const entries = (await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk })).body.entries as Entry[];
      if (!entries.some((e) => e.action === 'case.accepted')) throw new Error('not accepted yet');
      return entries;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const body = JSON.stringify({
      eventId: 'evt-unknown-review', occurredAt: new Date().toISOString(), caseId, idempotencyKey: `${birthCaseWorkflowId(caseId)}:household`,
      agency: 'publicSecurity', type: 'review.decided', service: 'household', reviewId: 'PSR99999999', decision: 'approve', reason: 'forged',
    });
    const key = agencyCallbackKey(stack.config.AGENCY_CALLBACK_SECRET, 'publicSecurity');
    // from an address of its own: the flood test above has spent this file's callback limit
    const res = await stack.call('POST', '/api/agency-callbacks/publicSecurity', { body, headers: { 'x-signature': signCallback(body, 'publicSecurity', key), 'x-forwarded-for': '192.0.2.55' } });
    expect([404, 409]).toContain(res.status);
    const after = (await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk })).body.entries as Entry[];
    // the case goes on (its own services, its SMS); the callback added nothing
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).filter((e) => e.actor.role !== 'system')).toEqual([]);
    expect(after.some((e) => e.action === 'review.decided' || e.reason === 'forged')).toBe(false);
  });

  test('when someone edits an access record in the database, then the admin\'s chain check names it', async () => {
    const { caseId } = await newCase();
    expect((await stack.call('GET', `/api/cases/${caseId}`, { token: clerk })).status).toBe(200);
    const adminToken = await admin();
    expect((await stack.call('GET', '/api/ops/accesses/verify', { token: adminToken })).body).toMatchObject({ ok: true });
    const file = new BetterSqlite3(join(stack.config.DATA_DIR, 'app.sqlite'));
    try {
      file.prepare('update access_log set subject = ? where seq = (select max(seq) from access_log where case_id = ?)').run('someone-else', caseId);
    } finally {
      file.close();
    }
    const report = await stack.call('GET', '/api/ops/accesses/verify', { token: adminToken });
    expect(report.body).toMatchObject({ ok: false, problem: 'edited' });
  });

  test('finding 4: when someone without the payload key sends correctCase straight to Temporal, then the worker refuses it and the case is unchanged', async () => {
    const { caseId } = await newCase(true);
    // a client with Temporal's default converter: payloads in the clear, as `temporal workflow update execute` sends them
    const bare = new Client({ connection: stack.env.client.connection, namespace: stack.config.TEMPORAL_NAMESPACE });
    const forged = bare.withDeadline(Date.now() + 5_000, () => bare.workflow.getHandle(birthCaseWorkflowId(caseId)).executeUpdate('correctCase', {
      args: [{ changes: { 'delivery.address': '伪造的地址' }, note: 'x', actor: { role: 'clerk', id: 'forged-actor' } }],
    }));
    // rejected by the worker before it is accepted (at once, not at the deadline): nothing in the history, the
    // case goes on; the rejection's message is encrypted like every failure, so this client cannot even read it
    const started = Date.now();
    await expect(forged).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
    expect(Date.now() - started).toBeLessThan(4_000);
    const audit = await stack.call('GET', `/api/cases/${caseId}/audit`, { token: clerk });
    expect(JSON.stringify(audit.body)).not.toContain('forged-actor');
    const read = await stack.call('GET', `/api/cases/${caseId}`, { token: clerk });
    expect(read.body.delivery.address).not.toBe('伪造的地址');
    // the case still takes the API's own writes
    const valid = await stack.call('POST', `/api/cases/${caseId}/corrections`, { token: clerk, body: { changes: { 'mother.phone': '13800138001' } } });
    expect(valid.status).toBe(200);
  }, 60_000);
});
