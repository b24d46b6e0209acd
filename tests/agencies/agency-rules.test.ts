// The pure rules inside the mock agencies and the callback signature, checked against known answers.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { agencyCallbackKey, signCallback, verifyCallback } from '../../infra/agency-signature';
import { addMonthsClamped, checkCharacter, isStandardName, parseCitizenId, shanghaiDate, shanghaiIso } from '../../mock-agencies/identity.rules';
import { DEFAULT_PREMIUM_TABLE, lastDayOfWaiverWindow, premiumWaived } from '../../mock-agencies/medical-security.rules';
import { decideBenefits, DEFAULT_POLICY_TABLE } from '../../domain/policy';
import { fromEpochDay, toEpochDay, yearOf } from '../../domain/dates';
import { emsTrackingNumber } from '../../mock-agencies/human-resources.routes';
import { nextDoses } from '../../mock-agencies/vaccination.rules';

describe('citizen IDs (GB 11643)', () => {
  test('when the check character is computed for published examples, then it matches them', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  test('when an ID has a wrong check character, an impossible date or a bad length, then it does not parse', () => {
    expect(parseCitizenId('11010519491231002X')).toEqual({ regionCode: '110105', birthDate: '1949-12-31', sequence: '002', sex: 'F' });
    expect(parseCitizenId('110105194912310021')).toBeNull();
    expect(parseCitizenId('11010519490230002X'.slice(0, 17) + checkCharacter('11010519490230002'))).toBeNull();
    expect(parseCitizenId('1101051949123100')).toBeNull();
  });
});

describe('names', () => {
  test.each([
    ['李安然', true],
    ['买买提·艾力', true],
    ['Li安然', false],
    ['李𠮷', false],
    ['李 然', false],
    ['', false],
  ])('when the name is %j, then standard is %s', (name, standard) => {
    expect(isStandardName(name)).toBe(standard);
  });
});

describe('dates', () => {
  test('when an instant is late evening UTC, then its Shanghai date is the next day', () => {
    expect(shanghaiDate('2022-12-31T16:30:00Z')).toBe('2023-01-01');
    expect(shanghaiIso(new Date('2026-11-20T00:30:00Z'))).toBe('2026-11-20T08:30:00+08:00');
  });

  test.each([
    ['2023-03-15', '2023-09-15'],
    ['2023-08-31', '2024-02-29'],
    ['2024-08-31', '2025-02-28'],
    ['2024-12-31', '2025-06-30'],
    // Art. 203: 2023-10-01 is in the National Day holiday → the adjusted working Saturday 2023-10-07.
    ['2023-04-01', '2023-10-07'],
    // Art. 203: 2023-09-16 is a Saturday → Monday 2023-09-18.
    ['2023-03-16', '2023-09-18'],
  ])('when born on %s, then the waiver window ends on %s (rules.md, arts. 201–203)', (born, last) => {
    expect(lastDayOfWaiverWindow(born)).toBe(last);
  });

  test('when a month has no such day, then adding months clamps to its last day', () => {
    expect(addMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsClamped('2026-11-20', 1)).toBe('2026-12-20');
  });

  test('when the waiver conditions are checked, then every one of them must hold', () => {
    // Born 2023-01-01: six months end on Saturday 2023-07-01, so by art. 203 the last day is Monday 07-03.
    const ok = { birthOrder: 2, birthDate: '2023-01-01', enrolledOn: '2023-07-01' };
    expect(premiumWaived(ok)).toBe(true);
    expect(premiumWaived({ ...ok, enrolledOn: '2023-07-03' })).toBe(true);
    expect(premiumWaived({ ...ok, birthOrder: 1 })).toBe(false);
    expect(premiumWaived({ ...ok, birthOrder: 4 })).toBe(false);
    expect(premiumWaived({ ...ok, birthDate: '2022-12-31' })).toBe(false);
    expect(premiumWaived({ ...ok, enrolledOn: '2023-07-04' })).toBe(false);
  });

  test('when the window ends in the National Day holiday, then the mock waives on the first working day after it and not the day after that', () => {
    const twin = { birthOrder: 2, birthDate: '2023-04-01' };
    expect(premiumWaived({ ...twin, enrolledOn: '2023-10-07' })).toBe(true);
    expect(premiumWaived({ ...twin, enrolledOn: '2023-10-08' })).toBe(false);
  });

  test('when the mock answers premium and waiver, then they are the engine’s with art. 203 (restDays): one table, one window rule', () => {
    for (const e of DEFAULT_POLICY_TABLE.residentPremiumYuan) expect(DEFAULT_PREMIUM_TABLE[yearOf(e.effectiveFrom)]).toBe(e.value);
    expect(Object.keys(DEFAULT_PREMIUM_TABLE)).toHaveLength(DEFAULT_POLICY_TABLE.residentPremiumYuan.length);
    fc.assert(fc.property(
      fc.integer({ min: toEpochDay('2022-06-01'), max: toEpochDay('2030-12-31') }),
      fc.integer({ min: 0, max: 260 }),
      fc.integer({ min: 1, max: 5 }),
      (born, after, birthOrder) => {
        const birthDate = fromEpochDay(born);
        const enrolledOn = fromEpochDay(born + after);
        const engine = decideBenefits({
          birthAt: `${birthDate}T12:00:00+08:00`, birthOrder, childHukouRegionCode: '370102', motherInsurance: 'resident', motherSupport: {},
          enrolment: { registeredOn: enrolledOn, inJinan: true }, rules: { restDays: true },
        }).premiumWaiver;
        expect(premiumWaived({ birthOrder, birthDate, enrolledOn })).toBe(engine.eligible);
        expect(lastDayOfWaiverWindow(birthDate)).toBe(engine.deadline);
      },
    ), { numRuns: 500 });
  });
});

describe('vaccination schedule', () => {
  test('when a birth dose was not given, then it comes first, due at once, before the schedule', () => {
    const doses = nextDoses('2026-01-31', ['HepB-1']);
    expect(doses[0]).toEqual({ vaccine: 'BCG', dueOn: '2026-01-31' });
    expect(doses).toContainEqual({ vaccine: 'HepB-2', dueOn: '2026-02-28' });
  });
});

describe('EMS tracking numbers', () => {
  test('when a serial is numbered, then the S10 check digit is the published one', () => {
    expect(emsTrackingNumber(47312482)).toBe('EM473124829CN');
  });
});

describe('callback signature', () => {
  const key = agencyCallbackKey('master-secret', 'humanResources');
  const body = '{"eventId":"e1","type":"card.posted"}';
  const now = Date.parse('2026-11-20T08:00:00Z');

  test('when a body is signed, then the header is t=<seconds>,v1=<HMAC-SHA256 of "t.agency.body"> with the agency\'s own key', () => {
    const header = signCallback(body, 'humanResources', key, now);
    const t = now / 1000;
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', key).update(`${t}.humanResources.${body}`).digest('hex')}`);
    expect(key).not.toBe(agencyCallbackKey('master-secret', 'publicSecurity'));
  });

  test('when the body, the agency, the key, the time or the header differ, then verification fails', () => {
    const header = signCallback(body, 'humanResources', key, now);
    expect(verifyCallback(body, 'humanResources', header, key, now)).toEqual({ ok: true });
    expect(verifyCallback(body, 'humanResources', header, key, now + 299_000)).toEqual({ ok: true });
    expect(verifyCallback(body, 'humanResources', header.toUpperCase().replace('T=', 't=').replace('V1=', 'v1='), key, now)).toEqual({ ok: true });
    expect(verifyCallback(`${body} `, 'humanResources', header, key, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCallback(body, 'publicSecurity', header, key, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCallback(body, 'humanResources', header, agencyCallbackKey('master-secret', 'publicSecurity'), now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyCallback(body, 'humanResources', header, key, now + 301_000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyCallback(body, 'humanResources', header, key, now - 301_000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyCallback(body, 'humanResources', undefined, key, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCallback(body, 'humanResources', `sha256=${'0'.repeat(64)}`, key, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCallback(body, 'humanResources', `${header}00`, key, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
