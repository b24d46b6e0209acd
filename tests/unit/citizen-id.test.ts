import fc from 'fast-check';
import { fromEpochDay, shanghaiDateOfMs, toEpochDay } from '../../domain/dates';
import {
  citizenIdCheckChar,
  isJinanRegion,
  JINAN_DISTRICTS,
  makeCitizenId,
  parseCitizenId,
  PROVINCE_PREFIXES,
} from '../../domain/identity/citizen-id';

// The GB 11643-1999 worked example.
const SAMPLE = '11010519491231002X';

describe('citizen ID check character', () => {
  it('when the standard’s example is checked, then its check character is X', () => {
    expect(citizenIdCheckChar('11010519491231002')).toBe('X');
    expect(parseCitizenId(SAMPLE)).toEqual({
      ok: true, idNumber: SAMPLE, regionCode: '110105', birthDate: '1949-12-31', sequence: '002', sex: 'F',
    });
  });

  it('when the check character is wrong, then ID_CHECKSUM', () => {
    const r = parseCitizenId('110105194912310021');
    expect(r).toMatchObject({ ok: false, code: 'ID_CHECKSUM' });
  });

  it('when the X is lower-case, then it is accepted and normalised to X', () => {
    expect(parseCitizenId('11010519491231002x')).toMatchObject({ ok: true, idNumber: SAMPLE });
  });
});

describe('citizen ID form', () => {
  it.each([
    ['1101051949123100', 'ID_LENGTH'],
    ['11010519491231002X1', 'ID_LENGTH'],
    ['', 'ID_LENGTH'],
    ['1101051949123100XX', 'ID_FORMAT'],
    ['11010519491231 02X', 'ID_FORMAT'],
    ['X10105194912310021', 'ID_FORMAT'],
  ])('when the number is %j, then %s', (id, code) => {
    const r = parseCitizenId(id);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toMatch(/^身份证号码/);
    }
  });

  it('when the region prefix is not a province (e.g. 99, 00, 24), then ID_REGION_INVALID', () => {
    for (const region of ['990101', '000101', '240101']) {
      const r = parseCitizenId(makeCitizenId(region, '1990-01-01', 1));
      expect(r).toMatchObject({ ok: false, code: 'ID_REGION_INVALID' });
    }
  });

  it('when the county part is 00, then ID_REGION_INVALID; Hong Kong / Macao / Taiwan whole-region codes pass', () => {
    expect(parseCitizenId(makeCitizenId('370100', '1990-01-01', 1))).toMatchObject({ ok: false, code: 'ID_REGION_INVALID' });
    expect(parseCitizenId(makeCitizenId('810000', '1990-01-01', 1)).ok).toBe(true);
    expect(parseCitizenId(makeCitizenId('820000', '1990-01-01', 1)).ok).toBe(true);
  });

  it('when the birth date does not exist (19930229, 19901301), then ID_DATE_INVALID', () => {
    for (const raw of ['19930229', '19901301', '19900100', '18991231']) {
      const first17 = `370102${raw}001`;
      const r = parseCitizenId(first17 + citizenIdCheckChar(first17));
      expect(r).toMatchObject({ ok: false, code: 'ID_DATE_INVALID' });
    }
  });

  it('when the birth date is 29 February of a leap year, then it is accepted', () => {
    expect(parseCitizenId(makeCitizenId('370102', '1992-02-29', 1))).toMatchObject({ ok: true, birthDate: '1992-02-29' });
  });

  it('when the birth date is after today, then ID_DATE_FUTURE; without today it is not checked', () => {
    const id = makeCitizenId('370102', '2026-06-02', 1);
    expect(parseCitizenId(id, { today: '2026-06-01' })).toMatchObject({ ok: false, code: 'ID_DATE_FUTURE' });
    expect(parseCitizenId(id, { today: '2026-06-02' }).ok).toBe(true);
    expect(parseCitizenId(id).ok).toBe(true);
  });

  it('when several things are wrong, then every problem is listed', () => {
    const first17 = '99010219930229001';
    const wrongCheck = citizenIdCheckChar(first17) === '0' ? '1' : '0';
    const r = parseCitizenId(first17 + wrongCheck);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.code)).toEqual(['ID_REGION_INVALID', 'ID_DATE_INVALID', 'ID_CHECKSUM']);
  });

  it('when the sequence is odd, then male; even, then female', () => {
    expect(parseCitizenId(makeCitizenId('370102', '1990-01-01', 11))).toMatchObject({ sex: 'M', sequence: '011' });
    expect(parseCitizenId(makeCitizenId('370102', '1990-01-01', 10))).toMatchObject({ sex: 'F', sequence: '010' });
  });

  it('when makeCitizenId gets a bad argument, then it throws', () => {
    expect(() => makeCitizenId('37010', '1990-01-01', 1)).toThrow(RangeError);
    expect(() => makeCitizenId('370102', '1990-02-30', 1)).toThrow(RangeError);
    expect(() => makeCitizenId('370102', '1990-01-01', 1000)).toThrow(RangeError);
  });
});

describe('Jinan regions', () => {
  it('when a code is one of Jinan’s districts, then it is a Jinan region', () => {
    expect(Object.keys(JINAN_DISTRICTS)).toHaveLength(12);
    expect(JINAN_DISTRICTS['370102']).toBe('历下区');
    expect(JINAN_DISTRICTS['370126']).toBe('商河县');
    for (const code of Object.keys(JINAN_DISTRICTS)) expect(isJinanRegion(code)).toBe(true);
  });

  it('when a code is elsewhere (Qingdao 370202, Beijing 110105) or the city-level 370100, then it is not', () => {
    expect(isJinanRegion('370202')).toBe(false);
    expect(isJinanRegion('110105')).toBe(false);
    expect(isJinanRegion('370100')).toBe(false);
    expect(isJinanRegion('3701')).toBe(false);
  });
});

describe('citizen ID properties', () => {
  const today = shanghaiDateOfMs(Date.now());
  const ordinaryProvinces = PROVINCE_PREFIXES.filter((p) => !['71', '81', '82', '83'].includes(p));
  const region = fc.oneof(
    fc.constantFrom(...Object.keys(JINAN_DISTRICTS)),
    fc
      .tuple(fc.constantFrom(...ordinaryProvinces), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 99 }))
      .map(([p, city, county]) => `${p}${String(city).padStart(2, '0')}${String(county).padStart(2, '0')}`),
  );
  const birthDate = fc.integer({ min: toEpochDay('1900-01-01'), max: toEpochDay(today) }).map(fromEpochDay);
  const sequence = fc.integer({ min: 0, max: 999 });

  it('when an ID is made for any region, date (1900-01-01..today) and sequence, then it parses back to them', () => {
    fc.assert(
      fc.property(region, birthDate, sequence, (r, d, s) => {
        const id = makeCitizenId(r, d, s);
        expect(parseCitizenId(id, { today })).toEqual({
          ok: true, idNumber: id, regionCode: r, birthDate: d, sequence: String(s).padStart(3, '0'), sex: s % 2 === 1 ? 'M' : 'F',
        });
      }),
      { numRuns: 500 },
    );
  });

  it('when any single character of a valid ID is changed, then the ID is rejected', () => {
    fc.assert(
      fc.property(region, birthDate, sequence, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (r, d, s, pos, shift) => {
        const id = makeCitizenId(r, d, s);
        const alphabet = pos === 17 ? '0123456789X' : '0123456789';
        const current = alphabet.indexOf(id[pos] as string);
        const replacement = alphabet[(current + (shift % alphabet.length || 1)) % alphabet.length] as string;
        const changed = id.slice(0, pos) + replacement + id.slice(pos + 1);
        expect(changed).not.toBe(id);
        expect(parseCitizenId(changed, { today }).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
