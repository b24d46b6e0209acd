// The family registration's request and clock (domain/family-registration.ts): what the parents may
// declare, every problem at once by path in Chinese, the expected-month window, the legal marriage age,
// when a registration lapses and is reminded, and which fields an amendment names.
import fc from 'fast-check';
import { toValidationIssues } from '../../domain/case.schemas';
import { addMonthsToYearMonth, instantMs, shanghaiDateOfMs, toShanghaiIso } from '../../domain/dates';
import {
  changedFields, DEFAULT_REGISTRATION_SETTINGS, expectedMonthWindow, familyRegistrationRequestSchema, registrationClock,
} from '../../domain/family-registration';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { registrationRequest } from '../helpers/registration-fixtures';

const NOW = '2026-12-04T10:00:00+08:00';
const schema = familyRegistrationRequestSchema({ now: NOW });
const nowMs = instantMs(NOW);
const issuesOf = (body: unknown) => {
  const r = schema.safeParse(body, { reportInput: true });
  return r.success ? [] : toValidationIssues(r.error);
};

test('when a family declares a complete, plausible registration, then it is accepted as declared (trimmed, X upper-cased)', () => {
  const body = registrationRequest({}, nowMs);
  expect(issuesOf(body)).toEqual([]);
  const idWithX = makeCitizenId('370102', '1994-03-15', 36);
  const parsed = schema.parse({ ...body, mother: { ...body.mother, name: ' 王芳 ', idNumber: idWithX.toLowerCase() } });
  expect(parsed.mother).toMatchObject({ name: '王芳', idNumber: idWithX.toUpperCase() });
  // unmarried, no father, the child to the mother's household
  expect(issuesOf({ ...body, father: null, marriage: { married: false }, householdOf: 'mother' })).toEqual([]);
});

test('when the expected month lies this month to ten months ahead, then it is accepted, and outside that window it is refused', () => {
  const { from, to } = expectedMonthWindow(shanghaiDateOfMs(nowMs));
  expect([from, to]).toEqual(['2026-12', '2027-10']);
  fc.assert(fc.property(fc.integer({ min: -30, max: 30 }), (k) => {
    const month = addMonthsToYearMonth('2026-12', k);
    const problems = issuesOf({ ...registrationRequest({}, nowMs), expectedMonth: month }).map((i) => i.code);
    expect(problems.includes('EXPECTED_MONTH_OUT_OF_RANGE')).toBe(k < 0 || k > 10);
  }), { numRuns: 60 });
});

test('when the declared children are any whole number 0–19, then they pass; anything else is refused on childrenBefore', () => {
  fc.assert(fc.property(fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double({ noNaN: true }), fc.string({ maxLength: 3 })), (n) => {
    const ok = typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 19;
    const issues = issuesOf({ ...registrationRequest({}, nowMs), childrenBefore: n });
    expect(issues.length === 0).toBe(ok);
    if (!ok) expect(new Set(issues.map((i) => i.path))).toEqual(new Set(['childrenBefore']));
  }), { numRuns: 200 });
});

test('when the marriage date is before either spouse\'s legal marriage age (women 20, men 22), in the future or not a date, then it is refused in plain words', () => {
  const body = registrationRequest({}, nowMs); // mother born 1994-03-15, father 1992-07-01
  const married = (marriedOn: string) => issuesOf({ ...body, marriage: { married: true, marriedOn } });
  expect(married('2014-07-01')).toEqual([]); // she 20, he 22 that day
  expect(married('2014-03-14')).toEqual([expect.objectContaining({ path: 'marriage.marriedOn', code: 'MARRIED_UNDER_AGE', message: expect.stringContaining('母亲') as unknown })]);
  const youngFather = { ...body, father: { ...body.father!, idNumber: makeCitizenId('370103', '1996-07-01', 101) }, marriage: { married: true, marriedOn: '2018-06-30' } }; // he is 21 that day
  expect(issuesOf(youngFather)).toEqual([expect.objectContaining({ code: 'MARRIED_UNDER_AGE', message: expect.stringContaining('父亲在结婚登记日期时未满法定婚龄（22周岁）') as unknown })]);
  expect(married('2026-12-05')).toEqual([expect.objectContaining({ code: 'MARRIED_IN_FUTURE' })]);
  expect(married('2021-02-29').map((i) => i.code)).toEqual(['INVALID_DATE']);
});

test('when the father is missing but required, the parents share an ID, or fields are unknown, then every problem is named at once by path', () => {
  const body = registrationRequest({}, nowMs);
  const issues = issuesOf({ ...body, father: null, householdOf: 'father', hospitalId: 'X1', nickname: '小王' });
  expect(issues.map((i) => [i.path, i.code]).sort()).toEqual([
    ['father', 'FATHER_REQUIRED'], ['father', 'MARRIED_WITHOUT_FATHER'], ['hospitalId', 'INVALID_FORMAT'], ['nickname', 'UNKNOWN_FIELD'],
  ]);
  expect(issuesOf({ ...body, father: { ...body.father!, idNumber: body.mother.idNumber } }).map((i) => i.code)).toContain('SAME_PERSON');
  expect(issuesOf({ ...body, mother: { ...body.mother, idNumber: makeCitizenId('370102', '1994-03-15', 35) } }).map((i) => i.code)).toEqual(['ID_SEX_MISMATCH']);
});

test('when a registration is expected in a month, then it lapses 92 days after that month\'s last second and is reminded 14 days before', () => {
  const { expiresAtMs, remindAtMs } = registrationClock('2027-02', DEFAULT_REGISTRATION_SETTINGS);
  expect(toShanghaiIso(expiresAtMs)).toBe('2027-05-31T23:59:59.000+08:00');
  expect(toShanghaiIso(remindAtMs)).toBe('2027-05-17T23:59:59.000+08:00');
  fc.assert(fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 60 }), (k, days, lead) => {
    const month = addMonthsToYearMonth('2026-01', k);
    const c = registrationClock(month, { expireAfterDays: days, reminderLeadDays: lead });
    expect(c.expiresAtMs - c.remindAtMs).toBe(lead * 86_400_000);
    expect(c.expiresAtMs).toBe(instantMs(`${addMonthsToYearMonth(month, 1)}-01T00:00:00+08:00`) - 1000 + days * 86_400_000);
  }), { numRuns: 100 });
});

test('when a registration is amended, then the audit\'s fields are exactly the paths whose values changed, never values', () => {
  const before = registrationRequest({}, nowMs);
  expect(changedFields(before, before)).toEqual([]);
  expect(changedFields(before, { ...before, father: null })).toEqual(['father']);
  expect(changedFields(before, { ...before, marriage: { married: false } })).toEqual(['marriage.married', 'marriage.marriedOn']);
  fc.assert(fc.property(fc.subarray(['mother.phone', 'father.name', 'expectedMonth', 'hospitalId', 'childrenBefore'] as const), (paths) => {
    const after = structuredClone(before);
    if (paths.includes('mother.phone')) after.mother.phone = '13700137000';
    if (paths.includes('father.name')) after.father!.name = '李刚';
    if (paths.includes('expectedMonth')) after.expectedMonth = addMonthsToYearMonth(before.expectedMonth, 1);
    if (paths.includes('hospitalId')) after.hospitalId = 'H0009';
    if (paths.includes('childrenBefore')) after.childrenBefore = before.childrenBefore + 1;
    expect(changedFields(before, after)).toEqual([...paths].sort());
  }));
});
