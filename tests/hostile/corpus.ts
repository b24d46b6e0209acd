// The hostile-input corpus: malformed and hostile requests for every route, as data. A route added to
// ROUTES gets every generic attack (bodies, encodings, tokens, paths, methods) without further code; the
// tables below add what is specific to one route (fields, identifiers, signatures).
import { gzipSync } from 'node:zlib';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';
import { registrationRequest } from '../helpers/registration-fixtures';

export type Auth = 'clerk' | 'officer' | 'admin' | 'hallClerk' | 'none' | 'signed' | 'parent';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** `{caseId}`, `{registrationId}`, `{service}`, `{agency}` are filled from the context */
  path: string;
  auth: Auth;
  /** a valid body for the route (JSON routes), mutated by the field attacks */
  valid?: () => unknown;
  /** the route takes bodies larger than the API's 32 KB (the codec): an oversized body is just invalid */
  largeBodies?: boolean;
  /** the route reads no body (sign-out): any JSON is as good as `{}`; only what is no JSON at all is refused */
  readsNoBody?: boolean;
}

export interface HostileRequest {
  name: string;
  method: string;
  path: string;
  auth: Auth | { header: string };
  headers?: Record<string, string>;
  /** raw bytes or text as sent; an object is sent as JSON */
  body?: unknown;
  /** the exact status when it is fixed by the contract; otherwise any 4xx */
  expect?: number;
}

export interface CorpusContext {
  caseId: string;
  trackingCode: string;
  /** tokens the test signs: expired, another secret, wrong role, none algorithm, … */
  badTokens: Record<string, string>;
  /** `bot_parent=<id>`: a parent signed in by SMS code (auth `parent`) */
  parentCookie?: string;
}

const app = () => application();
const correction = () => ({ changes: { 'mother.phone': '13800138001' }, note: '更正' });
const track = (c: CorpusContext) => ({ trackingCode: c.trackingCode, phoneLast4: '8000' });

export const ROUTES: Route[] = [
  { method: 'POST', path: '/api/cases', auth: 'clerk', valid: app },
  { method: 'GET', path: '/api/cases', auth: 'clerk' },
  { method: 'GET', path: '/api/cases/{caseId}', auth: 'clerk' },
  { method: 'GET', path: '/api/cases/{caseId}/audit', auth: 'clerk' },
  { method: 'GET', path: '/api/cases/{caseId}/delivery', auth: 'clerk' },
  { method: 'POST', path: '/api/cases/{caseId}/corrections', auth: 'clerk', valid: correction },
  { method: 'POST', path: '/api/cases/{caseId}/cancel', auth: 'clerk', valid: () => ({ reason: '家长要求' }) },
  { method: 'GET', path: '/api/reviews', auth: 'officer' },
  { method: 'GET', path: '/api/reviews/{caseId}/household', auth: 'officer' },
  { method: 'POST', path: '/api/reviews/{caseId}/household', auth: 'officer', valid: () => ({ decision: 'approve', reason: '材料齐全' }) },
  { method: 'POST', path: '/api/track', auth: 'none' },
  { method: 'POST', path: '/api/track/input', auth: 'none' },
  { method: 'POST', path: '/api/track/accesses', auth: 'none' },
  { method: 'POST', path: '/api/agency-callbacks/publicSecurity', auth: 'signed' },
  { method: 'GET', path: '/api/ops/dashboard', auth: 'admin' },
  { method: 'GET', path: '/api/ops/accesses', auth: 'admin' },
  { method: 'GET', path: '/api/ops/accesses.csv', auth: 'admin' },
  { method: 'GET', path: '/api/ops/accesses/verify', auth: 'admin' },
  { method: 'POST', path: '/api/ops/codec/decode', auth: 'admin', valid: () => ({ payloads: [] }), largeBodies: true },
  // the staff sign-in (issue 20): the provider's redirects, the sign-out, and the development sign-in that must not exist here
  { method: 'GET', path: '/api/session/login', auth: 'none' },
  { method: 'GET', path: '/api/session/callback', auth: 'none' },
  { method: 'POST', path: '/api/session/logout', auth: 'none', readsNoBody: true },
  { method: 'POST', path: '/api/session/dev', auth: 'none', valid: () => ({ role: 'admin' }) },
  // parents signed in by SMS code (issue 18)
  { method: 'POST', path: '/api/parent/sign-in/code', auth: 'none' },
  { method: 'POST', path: '/api/parent/sign-in', auth: 'none' },
  { method: 'POST', path: '/api/parent/real-name', auth: 'parent' },
  { method: 'POST', path: '/api/parent/sign-out', auth: 'none', readsNoBody: true },
  { method: 'GET', path: '/api/parent/cases', auth: 'parent' },
  // issue 19: a parent files an inbound case (the corpus's parent is not real-name verified: a valid body is 403)
  { method: 'POST', path: '/api/parent/cases', auth: 'parent', valid: () => ({ ...app(), bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' } }) },
  { method: 'GET', path: '/api/parent/cases/{caseId}', auth: 'parent' },
  { method: 'POST', path: '/api/parent/cases/{caseId}/input', auth: 'parent' },
  // the family registration (生育登记, issue 18): the parents' routes and the clerk's lookup
  { method: 'POST', path: '/api/parent/registrations', auth: 'parent', valid: () => registrationRequest() },
  { method: 'GET', path: '/api/parent/registrations', auth: 'parent' },
  { method: 'GET', path: '/api/parent/registrations/{registrationId}', auth: 'parent' },
  { method: 'PUT', path: '/api/parent/registrations/{registrationId}', auth: 'parent', valid: () => registrationRequest() },
  { method: 'POST', path: '/api/parent/registrations/{registrationId}/withdrawal', auth: 'parent', valid: () => ({ reason: '计划有变' }) },
  { method: 'POST', path: '/api/registrations/lookup', auth: 'clerk', valid: () => ({ motherIdNumber: makeCitizenId('370102', '1990-03-15', 2) }) },
];

// a registration id is a case id's shape: the corpus's case id is no registration of the parent's (404)
const fill = (path: string, c: CorpusContext) => path.replace('{caseId}', c.caseId).replace('{registrationId}', c.caseId);
const nest = (depth: number, open: string, close: string, inner = '1') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Bodies no JSON route may accept. */
const BAD_BODIES: Array<{ name: string; body: string | Buffer; headers?: Record<string, string>; expect?: number }> = [
  { name: 'no body', body: '' },
  { name: 'invalid JSON', body: '{"a":' },
  { name: 'trailing garbage', body: '{}x' },
  { name: 'single quotes', body: "{'a':1}" },
  { name: 'JSON array', body: '[]' },
  { name: 'JSON string', body: '"text"' },
  { name: 'JSON number', body: '12' },
  { name: 'JSON null', body: 'null' },
  { name: 'JSON true', body: 'true' },
  { name: 'empty object', body: '{}' },
  { name: 'oversized body', body: JSON.stringify({ pad: 'x'.repeat(40 * 1024) }), expect: 413 },
  { name: 'deep array nesting', body: nest(5000, '[', ']') },
  { name: 'deep object nesting', body: nest(2500, '{"a":', '}') },
  { name: 'prototype key', body: '{"__proto__":{"polluted":true}}' },
  { name: 'constructor.prototype key', body: '{"constructor":{"prototype":{"polluted":true}}}' },
  { name: 'text/plain content type', body: '{}', headers: { 'content-type': 'text/plain' } },
  { name: 'form content type', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { name: 'latin1 charset', body: '{}', headers: { 'content-type': 'application/json; charset=latin1' }, expect: 415 },
  { name: 'utf-16 charset with UTF-8 bytes', body: '{}', headers: { 'content-type': 'application/json; charset=utf-16' } },
  { name: 'unknown content encoding', body: '{}', headers: { 'content-encoding': 'x-compress-9' }, expect: 415 },
  { name: 'gzip that is not gzip', body: 'not gzip at all', headers: { 'content-encoding': 'gzip' } },
  { name: 'gzip bomb over the limit', body: gzipSync(Buffer.from(`{"a":"${'0'.repeat(2_000_000)}"}`)), headers: { 'content-encoding': 'gzip' }, expect: 413 },
  { name: 'invalid UTF-8 bytes', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0xff, 0x22, 0x7d]) },
  { name: 'lone surrogate escape', body: '{"a":"\\ud800"}' },
  { name: 'NUL escape', body: '{"a":"\\u0000"}' },
  { name: 'duplicate keys', body: '{"a":1,"a":2}' },
  { name: 'huge number', body: '{"a":1e999999}' },
];

/** Authorization headers no staff route may accept (with the status the contract fixes). */
const BAD_AUTH: Array<{ name: string; header?: (c: CorpusContext) => string; expect: number }> = [
  { name: 'no token', expect: 401 },
  { name: 'empty bearer', header: () => 'Bearer ', expect: 401 },
  { name: 'not a JWT', header: () => 'Bearer not-a-token', expect: 401 },
  { name: 'three dots', header: () => 'Bearer a.b.c', expect: 401 },
  { name: 'basic auth', header: () => 'Basic YWRtaW46YWRtaW4=', expect: 401 },
  { name: 'oversized token', header: () => `Bearer ${'a'.repeat(9000)}`, expect: 401 },
  { name: 'tab inside', header: () => 'Bearer abc\tdef', expect: 401 },
  ...['expired', 'otherSecret', 'algNone', 'noExp', 'otherAudience', 'tooLong'].map((k) => ({ name: `${k} token`, header: (c: CorpusContext) => `Bearer ${c.badTokens[k]}`, expect: 401 })),
];

/** Places to return to after sign-in that are not a path of this site (open redirects), and bad forms: 400. */
const LOGIN_QUERIES = ['returnTo=%2F%2Fevil.example', 'returnTo=https%3A%2F%2Fevil.example%2F', 'returnTo=%2F%5Cevil.example', 'returnTo=javascript%3Aalert(1)', 'returnTo=%00', `returnTo=%2F${'a'.repeat(300)}`, 'returnTo=%2Fa&returnTo=%2Fb', 'returnTo[x]=1', 'returnTo=%2Fa%0D%0ASet-Cookie%3Ax'];

/** Provider answers that arrive with no sign-in under way (no login cookie): 401, nothing exchanged. */
const CALLBACK_QUERIES = ['', 'code=abc&state=def', 'error=access_denied&state=x', 'code=' + 'a'.repeat(3000), 'state[$ne]=x', 'code=%00&state=%E0%A4%A', 'iss=https%3A%2F%2Fevil.example&code=x&state=y'];

/** Cookies that are no session: malformed escapes, made-up ids, doubled, oversized (finding 9): 401. */
const BAD_COOKIES = ['bot_staff=%', 'bot_staff=%E0%A4%A', 'bot_staff=%ZZ', `bot_staff=${'A'.repeat(43)}`, 'bot_staff="x', 'bot_staff=a; bot_staff=b', `bot_staff=${'x'.repeat(5000)}`];

const BAD_CASE_IDS = ['abc', '0'.repeat(17), 'ILOU0000000000000', 'x'.repeat(300), '..%2F..%2Fetc', '%00', '%E0%A4%A', '__proto__', 'constructor', '中文标识'];

/** Values of the wrong type or form for any field. */
const BAD_VALUES: Array<[string, unknown]> = [
  ['null', null], ['number', 12345], ['array', ['x']], ['object', { x: 1 }], ['boolean', true],
  ['long string', '长'.repeat(600)], ['NUL', 'a\u0000b'], ['RTL override', '\u202eabc'], ['lone surrogate', '\ud800'],
];

/** Issue 19: a service hall's clerk files only inbound cases and reaches no hospital's case. */
function hallClerkAttacks(c: CorpusContext): HostileRequest[] {
  const inbound = (patch: Record<string, unknown>) => ({ ...app(), bornElsewhere: { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345', ...patch } });
  const hall = (name: string, method: HostileRequest['method'], path: string, expect: number, body?: unknown): HostileRequest =>
    ({ name: `hall clerk: ${name}`, method, path, auth: 'hallClerk', ...(body !== undefined ? { body } : {}), expect });
  return [
    hall('files a hospital\'s case (no bornElsewhere)', 'POST', '/api/cases', 400, app()),
    hall('files an inbound case born in Jinan', 'POST', '/api/cases', 400, inbound({ regionCode: '370102' })),
    hall('files an inbound case with a malformed certificate number', 'POST', '/api/cases', 400, inbound({ certificateNumber: '<script>' })),
    hall('files an inbound case from a region not in GB/T 2260', 'POST', '/api/cases', 400, inbound({ regionCode: '129999' })),
    hall('reads a hospital\'s case', 'GET', `/api/cases/${c.caseId}`, 404),
    hall('reads a hospital\'s audit', 'GET', `/api/cases/${c.caseId}/audit`, 404),
    hall('corrects a hospital\'s case', 'POST', `/api/cases/${c.caseId}/corrections`, 404, correction()),
    hall('cancels a hospital\'s case', 'POST', `/api/cases/${c.caseId}/cancel`, 404, { reason: '家长要求' }),
    hall('opens a hospital\'s delivery page', 'GET', `/api/cases/${c.caseId}/delivery`, 403),
    hall('reads the dashboard', 'GET', '/api/ops/dashboard', 403),
    hall('decides a review', 'POST', `/api/reviews/${c.caseId}/household`, 403, { decision: 'approve', reason: '材料齐全' }),
  ];
}

function caseFieldAttacks(): Array<{ name: string; body: unknown }> {
  const out: Array<{ name: string; body: unknown }> = [];
  const fields: Array<[string, string[]]> = [
    ['newborn', ['name', 'sex', 'birthAt', 'birthWeightGrams', 'birthOrder']],
    ['mother', ['name', 'idNumber', 'phone', 'hukouRegionCode', 'insurance']],
    ['delivery', ['method', 'address', 'recipient']],
  ];
  for (const [group, keys] of fields) {
    for (const key of keys) {
      for (const [what, value] of BAD_VALUES.slice(0, 6)) {
        const a = app() as unknown as Record<string, Record<string, unknown>>;
        out.push({ name: `${group}.${key} as ${what}`, body: { ...a, [group]: { ...a[group], [key]: value } } });
      }
    }
  }
  const specific: Array<[string, (a: Record<string, any>) => void]> = [
    ['ID with a wrong check character', (a) => { a.mother.idNumber = `${a.mother.idNumber.slice(0, 17)}${a.mother.idNumber.endsWith('0') ? '1' : '0'}`; }],
    ['ID of 17 digits', (a) => { a.mother.idNumber = a.mother.idNumber.slice(0, 17); }],
    ['ID with letters', (a) => { a.mother.idNumber = 'ABCDEFGHIJKLMNOPQR'; }],
    ['ID with an impossible date', (a) => { a.mother.idNumber = '370102199402300021'; }],
    ['father ID for the mother (sex digit)', (a) => { a.mother.idNumber = a.father.idNumber; }],
    ['birth in the future', (a) => { a.newborn.birthAt = '2099-01-01T08:00:00+08:00'; }],
    ['birth 2 years ago', (a) => { a.newborn.birthAt = new Date(Date.now() - 730 * 86_400_000).toISOString(); }],
    ['birth date 13th month', (a) => { a.newborn.birthAt = '2026-13-01T08:00:00+08:00'; }],
    ['birth without offset', (a) => { a.newborn.birthAt = '2026-11-01T08:00:00'; }],
    ['birth as words', (a) => { a.newborn.birthAt = 'yesterday'; }],
    ['phone of 12 digits', (a) => { a.mother.phone = '138001380001'; }],
    ['phone with +86', (a) => { a.mother.phone = '+8613800138000'; }],
    ['region 999999', (a) => { a.mother.hukouRegionCode = '999999'; }],
    ['region of letters', (a) => { a.mother.hukouRegionCode = 'ABCDEF'; }],
    ['name in Latin letters', (a) => { a.mother.name = 'Wang Fang'; }],
    ['name with a lookalike dot', (a) => { a.mother.name = '买买提.艾力'; }],
    ['unknown field', (a) => { a.role = 'admin'; }],
    ['unknown nested field', (a) => { a.mother.nickname = 'x'; }],
    ['prototype field', (a) => { Object.defineProperty(a, '__proto__', { value: { admin: true }, enumerable: true }); }],
    ['services empty', (a) => { a.services = []; }],
    ['services unknown', (a) => { a.services = ['passport']; }],
    ['services as object', (a) => { a.services = { 0: 'household' }; }],
    ['household without birth certificate', (a) => { a.services = ['household']; }],
    ['father missing but householdOf father', (a) => { a.father = null; }],
    ['ems without address', (a) => { delete a.delivery.address; }],
    ['weight negative', (a) => { a.newborn.birthWeightGrams = -1; }],
    ['weight fractional', (a) => { a.newborn.birthWeightGrams = 3250.5; }],
    ['birth order 0', (a) => { a.newborn.birthOrder = 0; }],
    // issue 18: the online registration a case starts from (beside the application)
    ['registration id of 15 characters', (a) => { a.registrationId = '7ZQ0K8M2XW4T9B1'; }],
    ['registration id with I, L, O, U', (a) => { a.registrationId = 'ILOUILOUILOUILOU'; }],
    ['registration id as a number', (a) => { a.registrationId = 1234567890123456; }],
    ['registration id as an object', (a) => { a.registrationId = { $ne: null }; }],
    ['registration id null', (a) => { a.registrationId = null; }],
    ['registration id not this mother\'s', (a) => { a.registrationId = '7ZQ0K8M2XW4T9B1C'; }],
    ['consent in the future', (a) => { a.consent.signedAt = '2099-01-01T00:00:00+08:00'; }],
    ['address of 201 characters', (a) => { a.delivery.address = '济'.repeat(201); }],
    // issue 19 (异地通办): the new optional fields
    ['region plausible but not in GB/T 2260', (a) => { a.mother.hukouRegionCode = '379901'; }],
    ['insuredAt unknown', (a) => { a.insuredAt = 'beijing'; }],
    ['insuredAt as a boolean', (a) => { a.insuredAt = true; }],
    ['insured in Jinan, household in Qingdao, no residence permit', (a) => { a.father.hukouRegionCode = '370212'; a.insuredAt = 'jinan'; }],
    ['residence permit holder unknown', (a) => { a.residencePermit = { holder: 'grandmother' }; }],
    ['residence permit with an extra field', (a) => { a.residencePermit = { holder: 'mother', number: '370102' }; }],
    ['residence permit as a string', (a) => { a.residencePermit = 'mother'; }],
    ['residence permit held by a missing father', (a) => { a.father = null; a.householdOf = 'mother'; a.married = false; a.residencePermit = { holder: 'father' }; }],
    ['born elsewhere, filed by a hospital', (a) => { a.bornElsewhere = { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' }; }],
    ['born elsewhere in Jinan', (a) => { a.bornElsewhere = { hospitalName: '某医院', regionCode: '370102', certificateNumber: 'Q370212345' }; }],
    ['born elsewhere, certificate number of 9 characters', (a) => { a.bornElsewhere = { hospitalName: '某医院', regionCode: '370212', certificateNumber: 'Q37021234' }; }],
    ['born elsewhere, certificate number with a bidi override', (a) => { a.bornElsewhere = { hospitalName: '某医院', regionCode: '370212', certificateNumber: 'Q3702\u202e12345' }; }],
    ['born elsewhere, hospital name with a control character', (a) => { a.bornElsewhere = { hospitalName: '某\u0000医院', regionCode: '370212', certificateNumber: 'Q370212345' }; }],
    ['born elsewhere, hospital name of 61 characters', (a) => { a.bornElsewhere = { hospitalName: '院'.repeat(61), regionCode: '370212', certificateNumber: 'Q370212345' }; }],
    ['born elsewhere, region code as a number', (a) => { a.bornElsewhere = { hospitalName: '某医院', regionCode: 370212, certificateNumber: 'Q370212345' }; }],
    ['born elsewhere, prototype key', (a) => { a.bornElsewhere = JSON.parse('{"__proto__": {"admin": true}, "hospitalName": "某医院", "regionCode": "370212", "certificateNumber": "Q370212345"}'); }],
    ['born elsewhere, household outside Jinan', (a) => { a.father.hukouRegionCode = '110105'; a.bornElsewhere = { hospitalName: '某医院', regionCode: '370212', certificateNumber: 'Q370212345' }; }],
  ];
  for (const [name, mutate] of specific) {
    const a = app() as unknown as Record<string, any>;
    mutate(a);
    out.push({ name, body: a });
  }
  return out;
}

const CORRECTION_ATTACKS: Array<[string, unknown]> = [
  ['__proto__ path', { changes: { '__proto__.clockTolerance': '100 years' } }],
  ['__proto__ object', JSON.parse('{"changes":{"__proto__":{"clockTolerance":"100 years"}}}')],
  ['constructor path', { changes: { 'constructor.prototype.x': 1 } }],
  ['toString path', { changes: { toString: 'x' } }],
  ['hasOwnProperty path', { changes: { hasOwnProperty: 'x' } }],
  ['nested prototype path', { changes: { 'mother.__proto__.x': 'y' } }],
  ['not correctable', { changes: { hospitalId: 'H0002' } }],
  ['consent not correctable', { changes: { 'consent.signedBy': 'father' } }],
  ['services not correctable', { changes: { services: ['household'] } }],
  ['too many changes', { changes: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x${i}`, 'y'])) }],
  ['changes as array', { changes: ['mother.phone'] }],
  ['changes missing', { note: 'x' }],
  ['value as object', { changes: { 'mother.phone': { $gt: '' } } }],
  ['bad phone value', { changes: { 'mother.phone': '123' } }],
  ['bad ID value', { changes: { 'mother.idNumber': '370102199403150000' } }],
  ['address with NUL', { changes: { 'delivery.address': '济南\u0000' } }],
  ['note with RTL override', { changes: { 'mother.phone': '13800138001' }, note: '\u202e' }],
  ['note too long', { changes: { 'mother.phone': '13800138001' }, note: 'x'.repeat(501) }],
  ['path too long', { changes: { ['a'.repeat(100)]: 'x' } }],
  ['empty path', { changes: { '': 'x' } }],
];

const TRACK_ATTACKS = (c: CorpusContext): Array<[string, unknown]> => [
  ['code too short', { trackingCode: 'ABC', phoneLast4: '8000' }],
  ['code too long', { trackingCode: 'A'.repeat(300), phoneLast4: '8000' }],
  ['code as number', { trackingCode: 1234567890, phoneLast4: '8000' }],
  ['digits as number', { trackingCode: c.trackingCode, phoneLast4: 8000 }],
  ['digits of 5', { trackingCode: c.trackingCode, phoneLast4: '80000' }],
  ['digits full-width', { trackingCode: c.trackingCode, phoneLast4: '８０００' }],
  ['wrong digits', { trackingCode: c.trackingCode, phoneLast4: '0000' }],
  ['wrong secret', { trackingCode: `${c.caseId}-AAAAAAAAAAAA`, phoneLast4: '8000' }],
  ['case id only', { trackingCode: c.caseId, phoneLast4: '8000' }],
  ['extra field', { ...track(c), admin: true }],
  ['prototype field', JSON.parse(`{"trackingCode":"${c.trackingCode}","phoneLast4":"8000","__proto__":{"x":1}}`)],
  ['code with NUL', { trackingCode: `${c.trackingCode}\u0000`, phoneLast4: '8000' }],
  ['code with RTL override', { trackingCode: `\u202e${c.trackingCode}`, phoneLast4: '8000' }],
];

const TRACK_INPUT_ATTACKS = (c: CorpusContext): Array<[string, unknown]> => [
  ['no input', track(c)],
  ['input as string', { ...track(c), input: 'x' }],
  ['name in Latin', { ...track(c), input: { newbornName: 'Anran' } }],
  ['name too long', { ...track(c), input: { newbornName: '李'.repeat(40) } }],
  ['name with NUL', { ...track(c), input: { newbornName: '李\u0000然' } }],
  ['name lone surrogate', { ...track(c), input: { newbornName: '李\ud800' } }],
  ['unknown input', { ...track(c), input: { newbornName: '李安然', motherName: 'x' } }],
  ['wrong digits', { trackingCode: c.trackingCode, phoneLast4: '0000', input: { newbornName: '李安然' } }],
];

/** The parents' sign-in bodies (issue 18): each a 400, 401 or 429, no code sent, no session started. */
const PARENT_SIGN_IN_ATTACKS: Array<[string, string, unknown]> = [
  ['code', 'phone of 10 digits', { phone: '1381234567' }],
  ['code', 'phone with +86', { phone: '+8613812345678' }],
  ['code', 'phone as number', { phone: 13812345678 }],
  ['code', 'phone full-width', { phone: '１３８１２３４５６７８' }],
  ['code', 'phone with NUL', { phone: '1381234567\u0000' }],
  ['code', 'phone as array', { phone: ['13812345678'] }],
  ['code', 'phone as object', { phone: { $gt: '' } }],
  ['code', 'extra field', { phone: '13812345678', code: '123456' }],
  ['code', 'phones many', { phone: '13812345678', phones: ['13912345678'] }],
  ['', 'code of 5 digits', { phone: '13812345678', code: '12345' }],
  ['', 'code of 7 digits', { phone: '13812345678', code: '1234567' }],
  ['', 'code as number', { phone: '13812345678', code: 123456 }],
  ['', 'code with letters', { phone: '13812345678', code: '12345a' }],
  ['', 'code full-width', { phone: '13812345678', code: '１２３４５６' }],
  ['', 'code as regex object', { phone: '13812345678', code: { $regex: '.*' } }],
  ['', 'code as array', { phone: '13812345678', code: ['123456', '654321'] }],
  ['', 'wrong code, never sent', { phone: '13812345678', code: '123456' }],
  ['', 'no phone', { code: '123456' }],
  ['', 'prototype field', JSON.parse('{"phone":"13812345678","code":"123456","__proto__":{"admin":true}}')],
];

const PARENT_ID = makeCitizenId('370102', '1990-03-15', 2);
const REAL_NAME_ATTACKS: Array<[string, unknown]> = [
  ['name in Latin', { name: 'Wang Fang', idNumber: PARENT_ID }],
  ['name with NUL', { name: '王\u0000芳', idNumber: PARENT_ID }],
  ['name with RTL override', { name: '\u202e王芳', idNumber: PARENT_ID }],
  ['name too long', { name: '王'.repeat(60), idNumber: PARENT_ID }],
  ['ID with a wrong check character', { name: '王芳', idNumber: `${PARENT_ID.slice(0, 17)}${PARENT_ID.endsWith('0') ? '1' : '0'}` }],
  ['ID of 17 digits', { name: '王芳', idNumber: PARENT_ID.slice(0, 17) }],
  ['ID as number', { name: '王芳', idNumber: Number(PARENT_ID.slice(0, 17)) }],
  ['ID the register does not know (999)', { name: '王芳', idNumber: makeCitizenId('370102', '1990-03-15', 999) }],
  ['extra field', { name: '王芳', idNumber: PARENT_ID, verified: true }],
  ['name as object', { name: { toString: '王芳' }, idNumber: PARENT_ID }],
];

const PARENT_INPUT_ATTACKS: Array<[string, unknown]> = [
  ['no input', {}],
  ['input as string', { input: 'x' }],
  ['name in Latin', { input: { newbornName: 'Anran' } }],
  ['name too long', { input: { newbornName: '李'.repeat(40) } }],
  ['name with NUL', { input: { newbornName: '李\u0000然' } }],
  ['unknown input', { input: { newbornName: '李安然', motherName: 'x' } }],
  ['tracking fields too', { trackingCode: 'x', phoneLast4: '8000', input: { newbornName: '李安然' } }],
];

/** Parent cookies that are no session: 401 (a state-changing request with one that is no JSON: 403). */
const BAD_PARENT_COOKIES = ['bot_parent=%', 'bot_parent=%E0%A4%A', `bot_parent=${'A'.repeat(43)}`, 'bot_parent="x', 'bot_parent=a; bot_parent=b', `bot_parent=${'x'.repeat(5000)}`, 'bot_staff=x'];

function parentAttacks(c: CorpusContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const [sub, name, body] of PARENT_SIGN_IN_ATTACKS) out.push({ name: `parent sign-in${sub ? ` ${sub}` : ''}: ${name}`, method: 'POST', path: `/api/parent/sign-in${sub ? `/${sub}` : ''}`, auth: 'none', body });
  for (const [name, body] of REAL_NAME_ATTACKS) out.push({ name: `real name: ${name}`, method: 'POST', path: '/api/parent/real-name', auth: 'parent', body, expect: 400 });
  for (const [name, body] of REAL_NAME_ATTACKS.slice(0, 3)) out.push({ name: `real name, not signed in: ${name}`, method: 'POST', path: '/api/parent/real-name', auth: 'none', body, expect: 401 });
  for (const [name, body] of PARENT_INPUT_ATTACKS) out.push({ name: `parent input: ${name}`, method: 'POST', path: `/api/parent/cases/${c.caseId}/input`, auth: 'parent', body, expect: 400 });
  for (const cookie of BAD_PARENT_COOKIES) {
    out.push({ name: `parent cookie ${cookie.slice(0, 30)}`, method: 'GET', path: '/api/parent/cases', auth: 'none', headers: { cookie }, expect: 401 });
    out.push({ name: `parent cookie on a case ${cookie.slice(0, 30)}`, method: 'GET', path: `/api/parent/cases/${c.caseId}`, auth: 'none', headers: { cookie }, expect: 401 });
  }
  for (const [name, headers] of [['form', { 'content-type': 'application/x-www-form-urlencoded' }], ['text', { 'content-type': 'text/plain' }], ['no type', {}]] as const) {
    for (const path of ['/api/parent/sign-out', '/api/parent/real-name', `/api/parent/cases/${c.caseId}/input`]) {
      out.push({ name: `${path}: ${name} body with the parent cookie (another site's form)`, method: 'POST', path, auth: 'parent', headers: { ...headers }, body: 'x=1', expect: 403 });
    }
  }
  for (const id of ['0000000000000000', 'ZZZZZZZZZZZZZZZZ']) out.push({ name: `parent case ${id}: not this parent's`, method: 'GET', path: `/api/parent/cases/${id}`, auth: 'parent', expect: 404 });
  return out;
}

const REVIEW_ATTACKS: Array<[string, unknown]> = [
  ['decision unknown', { decision: 'maybe', reason: 'x' }],
  ['reason empty', { decision: 'approve', reason: '' }],
  ['reason too long', { decision: 'approve', reason: 'x'.repeat(501) }],
  ['reason with NUL', { decision: 'approve', reason: 'a\u0000' }],
  ['extra field', { decision: 'approve', reason: 'x', officerId: 'someone-else' }],
  ['no review pending (valid body)', { decision: 'approve', reason: '材料齐全' }],
];

const CALLBACK_BODIES = (c: CorpusContext): Array<[string, unknown]> => {
  const base = { eventId: 'evt-hostile', occurredAt: new Date().toISOString(), caseId: c.caseId, idempotencyKey: 'k', agency: 'publicSecurity', type: 'review.decided', service: 'household', reviewId: 'R1', decision: 'approve', reason: 'ok' };
  return [
    ['event id of 5000 characters', { ...base, eventId: 'e'.repeat(5000) }],
    ['event id with spaces', { ...base, eventId: 'evt with spaces' }],
    ['unknown type', { ...base, type: 'case.deleted' }],
    ['agency differs from the path', { ...base, agency: 'humanResources', type: 'card.posted', service: 'socialSecurityCard', applicationNumber: 'A', cardNumber: 'C', trackingNumber: 'T' }],
    ['unknown case', { ...base, caseId: '0000000000000000' }],
    ['case id not an id', { ...base, caseId: '../../admin' }],
    ['missing fields', { type: 'review.decided' }],
    ['reason of 600 characters', { ...base, reason: 'x'.repeat(600) }],
  ];
};

const BAD_SIGNATURES: Array<[string, string | undefined]> = [
  ['no signature', undefined],
  ['old body-only form', `sha256=${'0'.repeat(64)}`],
  ['malformed', 'garbage'],
  ['stale', `t=1000000000,v1=${'0'.repeat(64)}`],
  ['wrong mac', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`],
  ['far future', `t=99999999999,v1=${'0'.repeat(64)}`],
];

/** The access records' filters (issue 20): each one a 400, none reaching the database. */
const ACCESS_QUERIES = ['page=0', 'page=abc', 'pageSize=1000', 'view=bogus', 'view=case&view=__proto__', 'role=root', 'from=yesterday', 'to=2026-13-01T00:00:00%2B08:00', 'caseId=%27%20OR%201%3D1', `caseId=${'C'.repeat(300)}`, 'sub=%00x', 'limit=5', 'unknown=1', 'sub[$ne]=x'];

const LIST_QUERIES = ['pageSize=0', 'pageSize=-1', 'pageSize=1000', 'pageSize=abc', 'status=bogus', 'status=completed&status=cancelled', 'bornFrom=2026-02-30', 'bornFrom=yesterday', 'bornTo=2026-1-1', 'pageToken=garbage!', 'pageToken=AAAA.BBBB', `pageToken=${'A'.repeat(3000)}`, 'unknown=1', '__proto__[x]=1', 'status[$ne]=x'];

/** Every hostile request, built from the tables above for this stack's case and tokens. */
export function hostileCorpus(c: CorpusContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const r of ROUTES) {
    const path = fill(r.path, c);
    const label = `${r.method} ${r.path}`;
    // Every JSON route: bodies no route may accept.
    if (r.method === 'POST' || r.method === 'PUT') {
      for (const b of BAD_BODIES.filter((x) => !r.readsNoBody || x.expect !== undefined)) {
        out.push({ name: `${label}: ${b.name}`, method: r.method, path, auth: r.auth, headers: { 'content-type': 'application/json', ...b.headers }, body: b.body, expect: r.auth === 'signed' || (r.largeBodies && b.expect === 413) ? undefined : b.expect });
      }
    }
    // Every staff route: tokens no route may accept; the other staff role is forbidden.
    if (r.auth === 'clerk' || r.auth === 'officer' || r.auth === 'admin') {
      for (const a of BAD_AUTH) {
        out.push({ name: `${label}: ${a.name}`, method: r.method, path, auth: { header: a.header?.(c) ?? '' }, body: r.valid?.(), expect: a.expect });
      }
      out.push({ name: `${label}: wrong role`, method: r.method, path, auth: r.auth === 'officer' ? 'clerk' : 'officer', body: r.valid?.(), expect: 403 });
    }
    // Every route with a case id: ids that are not ids.
    if (r.path.includes('{caseId}')) {
      for (const id of BAD_CASE_IDS) {
        out.push({ name: `${label}: case id ${id.slice(0, 20)}`, method: r.method, path: r.path.replace('{caseId}', id), auth: r.auth, body: r.valid?.() });
      }
    }
    if (r.path.includes('{registrationId}')) {
      for (const id of BAD_CASE_IDS) {
        out.push({ name: `${label}: registration id ${id.slice(0, 20)}`, method: r.method, path: r.path.replace('{registrationId}', id), auth: r.auth, body: r.valid?.() });
      }
    }
    // Every route: methods it does not declare.
    const declared = new Set(ROUTES.filter((o) => o.path === r.path).map((o) => o.method));
    for (const m of ['PUT', 'DELETE', 'PATCH', 'TRACE', 'GET', 'POST'].filter((x) => !declared.has(x as Route['method']))) {
      out.push({ name: `${label}: method ${m}`, method: m, path, auth: r.auth, expect: 405 });
    }
  }
  for (const f of caseFieldAttacks()) out.push({ name: `POST /api/cases: ${f.name}`, method: 'POST', path: '/api/cases', auth: 'clerk', body: f.body, expect: 400 });
  out.push(...hallClerkAttacks(c));
  for (const [name, body] of CORRECTION_ATTACKS) out.push({ name: `corrections: ${name}`, method: 'POST', path: `/api/cases/${c.caseId}/corrections`, auth: 'clerk', body, expect: 400 });
  for (const [name, body] of TRACK_ATTACKS(c)) out.push({ name: `track: ${name}`, method: 'POST', path: '/api/track', auth: 'none', body });
  for (const [name, body] of TRACK_INPUT_ATTACKS(c)) out.push({ name: `track input: ${name}`, method: 'POST', path: '/api/track/input', auth: 'none', body });
  for (const [name, body] of REVIEW_ATTACKS) out.push({ name: `review: ${name}`, method: 'POST', path: `/api/reviews/${c.caseId}/household`, auth: 'officer', body });
  for (const service of ['constructor', '__proto__', 'passport', 'toString']) out.push({ name: `review: service ${service}`, method: 'POST', path: `/api/reviews/${c.caseId}/${service}`, auth: 'officer', body: { decision: 'approve', reason: 'x' }, expect: 404 });
  for (const [name, body] of CALLBACK_BODIES(c)) out.push({ name: `callback (signed): ${name}`, method: 'POST', path: '/api/agency-callbacks/publicSecurity', auth: 'signed', body });
  for (const [name, header] of BAD_SIGNATURES) out.push({ name: `callback: ${name}`, method: 'POST', path: '/api/agency-callbacks/publicSecurity', auth: 'none', headers: header ? { 'x-signature': header } : {}, body: CALLBACK_BODIES(c)[0]![1] as object, expect: 401 });
  for (const agency of ['nobody', 'constructor', '__proto__', 'PUBLICSECURITY']) out.push({ name: `callback: agency ${agency}`, method: 'POST', path: `/api/agency-callbacks/${agency}`, auth: 'signed', body: {}, expect: 404 });
  for (const q of ['days=0', 'days=367', 'days=abc', 'hospitalId=%27%20OR%201%3D1', 'hospitalId=' + 'H'.repeat(300), 'unknown=1']) {
    out.push({ name: `dashboard: ${q.slice(0, 40)}`, method: 'GET', path: `/api/ops/dashboard?${q}`, auth: 'admin', expect: 400 });
  }
  for (const q of ACCESS_QUERIES) {
    for (const p of ['/api/ops/accesses', '/api/ops/accesses.csv']) out.push({ name: `accesses: ${p.slice(-4)} ${q.slice(0, 40)}`, method: 'GET', path: `${p}?${q}`, auth: 'admin', expect: 400 });
  }
  for (const q of LOGIN_QUERIES) out.push({ name: `login: ${q.slice(0, 40)}`, method: 'GET', path: `/api/session/login?${q}`, auth: 'none', expect: 400 });
  for (const q of CALLBACK_QUERIES) out.push({ name: `sign-in callback: ${q.slice(0, 40)}`, method: 'GET', path: `/api/session/callback?${q}`, auth: 'none', expect: 401 });
  for (const [name, headers] of [['form', { 'content-type': 'application/x-www-form-urlencoded' }], ['text', { 'content-type': 'text/plain' }], ['no type', {}]] as const) {
    out.push({ name: `logout: ${name} body (another site's form)`, method: 'POST', path: '/api/session/logout', auth: 'none', headers: { ...headers }, body: 'x=1', expect: 403 });
  }
  out.push({ name: 'development sign-in as admin (finding 1)', method: 'POST', path: '/api/session/dev', auth: 'none', body: { role: 'admin' }, expect: 404 });
  for (const cookie of BAD_COOKIES) {
    out.push({ name: `cookie ${cookie.slice(0, 30)}`, method: 'GET', path: '/api/cases', auth: 'none', headers: { cookie }, expect: 401 });
    out.push({ name: `codec cookie ${cookie.slice(0, 30)}`, method: 'POST', path: '/api/ops/codec/decode', auth: 'none', headers: { cookie: cookie.replace(/bot_staff/g, 'codec_admin'), 'content-type': 'application/json' }, body: { payloads: [] }, expect: 401 });
  }
  out.push(...parentAttacks(c));
  out.push(...registrationAttacks(c));
  for (const q of LIST_QUERIES) out.push({ name: `list: ${q.slice(0, 40)}`, method: 'GET', path: `/api/cases?${q}`, auth: 'clerk', expect: 400 });
  for (const p of ['/api/cases/%', '/api/track/%zz', '/api/agency-callbacks/%E0%A4%A', '/api/reviews/%/household']) {
    out.push({ name: `bad escape ${p}`, method: p.startsWith('/api/cases') ? 'GET' : 'POST', path: p, auth: p.startsWith('/api/agency') ? 'none' : 'clerk', body: p.startsWith('/api/cases') ? undefined : {} });
  }
  return out;
}

/** Registration bodies (生育登记, issue 18): each a 400 by path, nothing registered. */
const REGISTRATION_ATTACKS = (): Array<[string, unknown]> => {
  const r = registrationRequest();
  return [
    ['mother with a man\'s ID', { ...r, mother: { ...r.mother, idNumber: makeCitizenId('370102', '1990-03-15', 3) } }],
    ['mother ID wrong check character', { ...r, mother: { ...r.mother, idNumber: `${r.mother.idNumber.slice(0, 17)}${r.mother.idNumber.endsWith('0') ? '1' : '0'}` } }],
    ['mother name in Latin', { ...r, mother: { ...r.mother, name: 'Wang Fang' } }],
    ['mother name with RTL override', { ...r, mother: { ...r.mother, name: '\u202e王芳' } }],
    ['phone with +86', { ...r, mother: { ...r.mother, phone: '+8613812345678' } }],
    ['region code 000000', { ...r, mother: { ...r.mother, hukouRegionCode: '000000' } }],
    ['married without a father', { ...r, father: null }],
    ['married on 30 February', { ...r, marriage: { married: true, marriedOn: '2020-02-30' } }],
    ['married in the future', { ...r, marriage: { married: true, marriedOn: '2999-01-01' } }],
    ['married as a child', { ...r, marriage: { married: true, marriedOn: '1999-01-01' } }],
    ['unmarried with a marriage date', { ...r, marriage: { married: false, marriedOn: '2020-05-20' } }],
    ['marriage as true', { ...r, marriage: true }],
    ['children -1', { ...r, childrenBefore: -1 }],
    ['children 20', { ...r, childrenBefore: 20 }],
    ['children 1.5', { ...r, childrenBefore: 1.5 }],
    ['children as string', { ...r, childrenBefore: '1' }],
    ['expected month in the past', { ...r, expectedMonth: '2020-01' }],
    ['expected month 13', { ...r, expectedMonth: '2027-13' }],
    ['expected month two years ahead', { ...r, expectedMonth: `${Number(r.expectedMonth.slice(0, 4)) + 2}${r.expectedMonth.slice(4)}` }],
    ['hospital not H and 4 digits', { ...r, hospitalId: "H0001' OR 1=1" }],
    ['household of a father not given', { ...r, father: null, marriage: { married: false }, householdOf: 'father' }],
    ['same ID for both parents', { ...r, father: { ...r.father!, idNumber: r.mother.idNumber } }],
    ['extra field', { ...r, registrationNumber: 'SY2026370100000001' }],
    ['childrenOnRecord given', { ...r, childrenOnRecord: 0 }],
    ['prototype field', JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(r).slice(1)}`)],
  ];
};

const LOOKUP_ATTACKS: Array<[string, unknown]> = [
  ['a man\'s ID', { motherIdNumber: makeCitizenId('370102', '1990-03-15', 3) }],
  ['ID of 17 digits', { motherIdNumber: '37010219900315002' }],
  ['ID as number', { motherIdNumber: 370102199003150020 }],
  ['ID as regex object', { motherIdNumber: { $regex: '.*' } }],
  ['extra field', { motherIdNumber: makeCitizenId('370102', '1990-03-15', 2), registrationId: 'x' }],
  ['no ID', {}],
];

function registrationAttacks(c: CorpusContext): HostileRequest[] {
  const out: HostileRequest[] = [];
  const path = `/api/parent/registrations/${c.caseId}`;
  for (const [name, body] of REGISTRATION_ATTACKS()) {
    out.push({ name: `registration: ${name}`, method: 'POST', path: '/api/parent/registrations', auth: 'parent', body, expect: 400 });
    out.push({ name: `registration, not signed in: ${name}`, method: 'POST', path: '/api/parent/registrations', auth: 'none', body, expect: 401 });
  }
  for (const [name, body] of LOOKUP_ATTACKS) out.push({ name: `registration lookup: ${name}`, method: 'POST', path: '/api/registrations/lookup', auth: 'clerk', body, expect: 400 });
  // a valid body from a parent with no real name, and another family's registration
  out.push({ name: 'registration: a parent not real-name verified', method: 'POST', path: '/api/parent/registrations', auth: 'parent', body: registrationRequest(), expect: 403 });
  for (const id of ['0000000000000000', 'ZZZZZZZZZZZZZZZZ', c.caseId]) {
    out.push({ name: `registration ${id}: not this parent's`, method: 'GET', path: `/api/parent/registrations/${id}`, auth: 'parent', expect: 404 });
    out.push({ name: `registration ${id}: withdrawal of not this parent's`, method: 'POST', path: `/api/parent/registrations/${id}/withdrawal`, auth: 'parent', body: { reason: '撤回' }, expect: 404 });
  }
  out.push({ name: 'registration: withdrawal reason with NUL', method: 'POST', path: `${path}/withdrawal`, auth: 'parent', body: { reason: 'a\u0000' } });
  out.push({ name: 'registration: a staff token is no parent', method: 'GET', path: '/api/parent/registrations', auth: 'clerk', expect: 401 });
  for (const [name, headers] of [['form', { 'content-type': 'application/x-www-form-urlencoded' }], ['text', { 'content-type': 'text/plain' }]] as const) {
    for (const [method, p] of [['POST', '/api/parent/registrations'], ['PUT', path], ['POST', `${path}/withdrawal`]] as const) {
      out.push({ name: `${method} ${p}: ${name} body with the parent cookie (another site's form)`, method, path: p, auth: 'parent', headers: { ...headers }, body: 'x=1', expect: 403 });
    }
  }
  return out;
}
