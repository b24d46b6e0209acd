// Every request of the hostile corpus (tests/hostile/corpus.ts) against the real stack: each gets a 4xx
// with the contract's error body, none a 5xx; no case is started; the process stays healthy.
import { request } from 'node:http';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ErrorBody } from '../../api/openapi';
import { agencyCallbackKey, signCallback } from '../../infra/agency-signature';
import { BIRTH_CASE_WORKFLOW_TYPE } from '../../workflows/birth-case.contract';
import { FAMILY_REGISTRATION_WORKFLOW_TYPE } from '../../workflows/family-registration.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { signInParent } from '../helpers/parent-sign-in';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';
import { hostileCorpus, ROUTES } from './corpus';
import type { CorpusContext, HostileRequest } from './corpus';

let stack: Stack;
let tokens: { clerk: string; officer: string; admin: string; hallClerk: string };
let context: CorpusContext;

beforeAll(async () => {
  stack = await startStack({
    parentLimits: { windowMs: 60_000, perCode: 10_000, perAddress: 10_000 },
    parentSignIn: { limits: { codesPerHour: 10_000, failedSignInsPer15Min: 10_000, failedRealNamesPerHour: 10_000, failedRealNamesPerSession: 10_000 } },
    config: { CALLBACK_RATE_LIMIT_PER_MINUTE: 10_000 },
  });
  tokens = {
    clerk: await stack.token({ sub: 'clerk-hostile', role: 'clerk', hospitalId: 'H0001' }),
    officer: await stack.token({ sub: 'officer-hostile', role: 'officer', agency: 'publicSecurity' }),
    admin: await stack.token({ sub: 'admin-hostile', role: 'admin' }),
    hallClerk: await stack.token({ role: 'hallClerk', hallId: 'JN-HALL-01' }),
  };
  const created = await stack.call('POST', '/api/cases', { token: tokens.clerk, body: application({ newborn: { name: undefined } }) });
  expect(created.status).toBe(201);
  const key = new TextEncoder().encode(stack.config.JWT_SECRET);
  const now = Math.floor(Date.now() / 1000);
  const base = () => new SignJWT({ role: 'clerk', hospitalId: 'H0001' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('birth-one-thing');
  context = {
    caseId: created.body.caseId,
    trackingCode: created.body.trackingCode,
    badTokens: {
      expired: await base().setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(key),
      otherSecret: await base().setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode('another-secret-of-enough-length!!')),
      algNone: new UnsecuredJWT({ role: 'admin', sub: 'x', iss: 'birth-one-thing', aud: stack.config.JWT_AUDIENCE }).setIssuedAt(now).setExpirationTime(now + 600).encode(),
      noExp: await base().setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now).sign(key),
      otherAudience: await base().setAudience('other').setIssuedAt(now).setExpirationTime(now + 600).sign(key),
      tooLong: await base().setAudience(stack.config.JWT_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 90 * 86_400).sign(key),
    },
    // the mother, signed in on her phone (issue 18)
    parentCookie: (await signInParent(stack, application().mother.phone)).cookie,
  };
}, 180_000);
afterAll(async () => { await stack?.stop(); });

function send(r: HostileRequest): Promise<{ status: number; text: string }> {
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body) ?? '', 'utf8');
  const headers: Record<string, string> = { ...(body !== undefined && typeof r.body === 'object' && !Buffer.isBuffer(r.body) ? { 'content-type': 'application/json' } : {}), ...r.headers };
  if (r.auth === 'clerk' || r.auth === 'officer' || r.auth === 'admin' || r.auth === 'hallClerk') headers.authorization = `Bearer ${tokens[r.auth]}`;
  else if (r.auth === 'parent') headers.cookie = context.parentCookie ?? '';
  else if (r.auth === 'signed') {
    const agency = decodeURIComponent(r.path.split('/').pop() ?? '');
    headers['x-signature'] = signCallback((body ?? Buffer.alloc(0)).toString('utf8'), agency, agencyCallbackKey(stack.config.AGENCY_CALLBACK_SECRET, agency));
  } else if (typeof r.auth === 'object' && r.auth.header) headers.authorization = r.auth.header;
  return new Promise((resolve, reject) => {
    const req = request(`${stack.apiUrl}${r.path}`, { method: r.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const casesStarted = async (): Promise<number> =>
  (await stack.env.client.workflow.count(`WorkflowType = '${BIRTH_CASE_WORKFLOW_TYPE}'`)).count;

test('when every hostile request of the corpus is sent, then each gets a 4xx with the error body, no case starts and the API stays healthy', async () => {
  const corpus = hostileCorpus(context);
  expect(corpus.length).toBeGreaterThanOrEqual(300);
  // every route of the contract has its share
  for (const r of ROUTES) expect(corpus.filter((h) => h.path.startsWith(r.path.split('{')[0]!)).length).toBeGreaterThan(10);
  const before = await eventually(async () => {
    const n = await casesStarted();
    expect(n).toBe(1);
    return n;
  }, { timeoutMs: 30_000, intervalMs: 250 });

  const wrong: string[] = [];
  for (let i = 0; i < corpus.length; i += 8) {
    const batch = corpus.slice(i, i + 8);
    const answers = await Promise.all(batch.map(send));
    answers.forEach((a, j) => {
      const r = batch[j]!;
      let problem: string | null = null;
      if (a.status < 400 || a.status >= 500) problem = `status ${a.status}`;
      else if (r.expect !== undefined && a.status !== r.expect) problem = `status ${a.status}, expected ${r.expect}`;
      else if (r.method !== 'HEAD') {
        try {
          ErrorBody.parse(JSON.parse(a.text));
        } catch {
          problem = `no error body: ${a.text.slice(0, 120)}`;
        }
      }
      if (problem) wrong.push(`${r.name} → ${problem}`);
    });
  }
  expect(wrong).toEqual([]);

  expect((await stack.call('GET', '/healthz')).status).toBe(200);
  expect((await stack.call('GET', '/readyz')).status).toBe(200);
  expect(await casesStarted()).toBe(before);
  // no family registration either (生育登记: no hostile body, no parent without a real name, registers)
  expect((await stack.env.client.workflow.count(`WorkflowType = '${FAMILY_REGISTRATION_WORKFLOW_TYPE}'`)).count).toBe(0);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const valid = await stack.call('POST', '/api/cases', { token: tokens.clerk, body: application() });
  expect(valid.status).toBe(201);
}, 300_000);
