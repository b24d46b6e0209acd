import fc from 'fast-check';
import {
  addDays,
  addMonthsCivil,
  ageInYears,
  daysBetween,
  daysInMonth,
  fromEpochDay,
  instantMs,
  isIsoDate,
  isIsoDateTime,
  monthsInclusive,
  shanghaiDate,
  toEpochDay,
} from '../../domain/dates';

describe('calendar dates', () => {
  it('when a date does not exist (29 Feb in a common year, 31 Apr), then it is not an ISO date', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-4-1')).toBe(false);
  });

  it('when counting days across a leap day, then 29 February counts', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2026-11-20', '2025-11-20')).toBe(-365);
  });

  it('when any epoch day is converted, then it agrees with the JavaScript calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000, max: 60_000 }), (n) => {
        expect(fromEpochDay(n)).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
        expect(toEpochDay(fromEpochDay(n))).toBe(n);
      }),
    );
  });
});

describe('Asia/Shanghai date of an instant', () => {
  it('when a birth is at 23:30 on 31 Dec in +08:00, then it is 2022-12-31', () => {
    expect(shanghaiDate('2022-12-31T23:30:00+08:00')).toBe('2022-12-31');
  });

  it('when a birth is at 16:30 UTC on 31 Dec, then in Shanghai it is already 2023-01-01', () => {
    expect(shanghaiDate('2022-12-31T16:30:00Z')).toBe('2023-01-01');
    expect(shanghaiDate('2022-12-31T15:59:59.999Z')).toBe('2022-12-31');
  });

  it('when the instant carries another offset, then it is converted to +08:00 first', () => {
    expect(shanghaiDate('2023-01-01T00:30:00+09:00')).toBe('2022-12-31');
    expect(shanghaiDate('2022-12-31T11:00:00-05:00')).toBe('2023-01-01');
  });

  it('when a date-time has no offset or impossible parts, then it is refused', () => {
    expect(isIsoDateTime('2026-11-20T08:30:00')).toBe(false);
    expect(isIsoDateTime('2026-02-30T08:30:00+08:00')).toBe(false);
    expect(isIsoDateTime('2026-11-20T24:00:00+08:00')).toBe(false);
    expect(() => shanghaiDate('yesterday')).toThrow(RangeError);
  });

  it('when any instant is given in UTC, then its epoch milliseconds agree with Date.parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(instantMs(iso)).toBe(ms);
        expect(shanghaiDate(iso)).toBe(new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));
      }),
    );
  });
});

describe('months by the Civil Code rule', () => {
  it.each([
    ['2023-03-15', 6, '2023-09-15'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2024-08-31', 6, '2025-02-28'],
    ['2024-02-29', 6, '2024-08-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2026-11-20', 6, '2027-05-20'],
  ])('when %s plus %i months, then %s', (date, n, expected) => {
    expect(addMonthsCivil(date, n)).toBe(expected);
  });

  it('when any date gets six months, then the result is in the 6th month after, on the same day or that month’s last day, never before the date', () => {
    fc.assert(
      fc.property(fc.integer({ min: toEpochDay('1900-01-01'), max: toEpochDay('2100-12-31') }), (n) => {
        const date = fromEpochDay(n);
        const deadline = addMonthsCivil(date, 6);
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const [dy, dm, dd] = deadline.split('-').map(Number) as [number, number, number];
        expect(dy * 12 + dm - (y * 12 + m)).toBe(6);
        expect(dd).toBe(Math.min(d, daysInMonth(dy, dm)));
        expect(daysBetween(date, deadline)).toBeGreaterThanOrEqual(181);
        expect(daysBetween(date, deadline)).toBeLessThanOrEqual(184);
      }),
    );
  });

  it('when the end month lacks the day number (29–31 Aug), then the period ends on the last day of February', () => {
    expect(addMonthsCivil('2023-08-29', 6)).toBe('2024-02-29');
    expect(addMonthsCivil('2023-08-30', 6)).toBe('2024-02-29');
    expect(addMonthsCivil('2025-08-29', 6)).toBe('2026-02-28');
    expect(addMonthsCivil('2025-08-30', 6)).toBe('2026-02-28');
  });
});

describe('age and months', () => {
  it('when the birthday is reached, then the age rises that day', () => {
    expect(ageInYears('1990-05-06', '2026-05-05')).toBe(35);
    expect(ageInYears('1990-05-06', '2026-05-06')).toBe(36);
  });

  it('when born on 29 February, then the birthday in a common year is 28 February', () => {
    expect(ageInYears('2024-02-29', '2027-02-27')).toBe(2);
    expect(ageInYears('2024-02-29', '2027-02-28')).toBe(3);
    expect(ageInYears('2024-02-29', '2028-02-29')).toBe(4);
  });

  it('when the day is before the birth, then the age is negative', () => {
    expect(ageInYears('2026-01-01', '2025-12-31')).toBeLessThan(0);
  });

  it('when counting the months 2026-11 to 2029-11, then both ends count (37)', () => {
    expect(monthsInclusive('2026-11', '2029-11')).toBe(37);
    expect(monthsInclusive('2026-11', '2026-11')).toBe(1);
  });
});
