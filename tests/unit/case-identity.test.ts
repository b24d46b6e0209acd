// The duplicate-case key (api/case-identity.ts): the same newborn — mother's ID, instant of birth, birth
// order — maps to the same case id however the instant is spelt (offset, fractional seconds, Z or
// +08:00), so a second filing is refused as a duplicate; a different instant or order is another case.
import fc from 'fast-check';
import { caseIdFor, CASE_ID_PATTERN } from '../../api/case-identity';
import { CaseCreateRequest } from '../../domain/case.schemas';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { application } from '../helpers/fixtures';

const SECRET = 'case-identity-test-secret-0123456789';

/** The instant `ms` written at UTC offset `offsetMinutes`, with the fractional seconds in `digits` digits (0: none). */
function spell(ms: number, offsetMinutes: number, digits: 0 | 1 | 2 | 3 | 6 | 9, zulu: boolean): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const millis = pad(local.getUTCMilliseconds(), 3);
  const fraction = digits === 0 ? '' : `.${(millis + '000000').slice(0, digits)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = offsetMinutes === 0 && zulu ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${date}T${time}${fraction}${offset}`;
}

/** The fewest fractional digits that still say the instant's milliseconds exactly. */
const minDigits = (ms: number): 0 | 1 | 2 | 3 => {
  const m = ((ms % 1000) + 1000) % 1000;
  return m === 0 ? 0 : m % 100 === 0 ? 1 : m % 10 === 0 ? 2 : 3;
};

/** The case id of `app` as the API computes it: the body parsed by the case schema first. */
const idOf = (app: unknown): string => caseIdFor(CaseCreateRequest.parse(app), SECRET);

describe('the duplicate-case key', () => {
  const base = application({ newborn: { birthAt: '2026-11-20T08:30:00+08:00' } });

  it('when the same birth instant is written as Z, +00:00 and +08:00, with or without fractional seconds, then the case id is the same', () => {
    const spellings = [
      '2026-11-20T08:30:00+08:00', '2026-11-20T08:30:00.000+08:00', '2026-11-20T08:30:00.0+08:00', '2026-11-20T08:30:00.000000+08:00',
      '2026-11-20T00:30:00Z', '2026-11-20T00:30:00.000Z', '2026-11-20T00:30:00+00:00', '2026-11-19T19:30:00-05:00', '2026-11-20T06:15:00+05:45',
    ];
    const ids = new Set(spellings.map((birthAt) => idOf({ ...base, newborn: { ...base.newborn, birthAt } })));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(CASE_ID_PATTERN);
  });

  it('for any instant and any two equivalent spellings (offset, fraction digits, Z or +00:00), then one case id', () => {
    const offset = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15);
    const digits = fc.constantFrom(0, 1, 2, 3, 6, 9);
    fc.assert(fc.property(
      fc.integer({ min: Date.parse('2025-12-01T00:00:00Z'), max: Date.parse('2026-12-01T00:00:00Z') }),
      offset, digits, fc.boolean(), offset, digits, fc.boolean(),
      (ms, o1, d1, z1, o2, d2, z2) => {
        const need = minDigits(ms);
        const a = spell(ms, o1, Math.max(d1, need) as 0 | 1 | 2 | 3 | 6 | 9, z1);
        const b = spell(ms, o2, Math.max(d2, need) as 0 | 1 | 2 | 3 | 6 | 9, z2);
        expect(Date.parse(a)).toBe(ms);
        expect(Date.parse(b)).toBe(ms);
        expect(idOf({ ...base, newborn: { ...base.newborn, birthAt: a } })).toBe(idOf({ ...base, newborn: { ...base.newborn, birthAt: b } }));
      },
    ), { numRuns: 300 });
  });

  it('when the mother’s ID ends in x or X, then one case id (the schema stores the upper case)', () => {
    const withX = Array.from({ length: 500 }, (_, i) => makeCitizenId('370102', '1994-03-15', i * 2)).find((id) => id.endsWith('X'));
    if (!withX) throw new Error('no female sequence with check character X');
    const app = application({ mother: { idNumber: withX }, newborn: { birthAt: '2026-11-20T08:30:00+08:00' } });
    expect(idOf({ ...app, mother: { ...app.mother, idNumber: withX.toLowerCase() } })).toBe(idOf(app));
  });

  it('when the instant differs by a millisecond or a second, or the birth order differs, then another case id', () => {
    const id = idOf(base);
    expect(idOf({ ...base, newborn: { ...base.newborn, birthAt: '2026-11-20T08:30:00.001+08:00' } })).not.toBe(id);
    expect(idOf({ ...base, newborn: { ...base.newborn, birthAt: '2026-11-20T08:30:01+08:00' } })).not.toBe(id);
    // Twins: the same mother and (to the minute) the same birth, another order — two cases.
    expect(idOf({ ...base, newborn: { ...base.newborn, birthOrder: 3 } })).not.toBe(id);
  });

  it('when the secret differs, then the id differs (it is keyed, not a plain hash of personal data)', () => {
    expect(caseIdFor(CaseCreateRequest.parse(base), `${SECRET}-other`)).not.toBe(idOf(base));
  });
});
