// Civil Code art. 203 over the State Council's holiday calendar: a last day on a rest day or public holiday
// moves to the next working day; adjusted working weekends (调休上班) are working days; a year whose notice is
// not loaded is counted by weekends only, and the answer says so.
import fc from 'fast-check';
import { addDays, calendarDay, daysBetween, fromEpochDay, isoWeekday, isWorkingDay, lastDayByArt203, toEpochDay, validateHolidayCalendar, yearOf } from '../../domain/dates';
import { HOLIDAY_CALENDAR, type HolidayCalendar } from '../../domain/holidays';

describe('the holiday calendar as published', () => {
  it('when checked, then it is sound: dates, order, working weekends on Saturdays and Sundays outside the holidays', () => {
    expect(validateHolidayCalendar(HOLIDAY_CALENDAR)).toEqual([]);
    expect(HOLIDAY_CALENDAR.map((y) => y.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });

  it.each([
    // year, each period's length as the notice says it (共N天; "与周末连休" periods list the holiday day only)
    [2020, [1, 10, 3, 5, 3, 8]], // Spring Festival extended to 2 February (10 days)
    [2021, [3, 7, 3, 5, 3, 3, 7]],
    [2022, [3, 7, 3, 5, 3, 3, 7]],
    [2023, [3, 7, 1, 5, 3, 8]],
    [2024, [1, 8, 3, 5, 1, 3, 7]],
    [2025, [1, 8, 3, 5, 3, 8]],
    [2026, [3, 9, 3, 5, 3, 3, 7]],
  ])('when the %i notice is read, then its periods last %j days', (year, lengths) => {
    const entry = HOLIDAY_CALENDAR.find((y) => y.year === year)!;
    expect(entry.periods.map((p) => daysBetween(p.from, p.to) + 1)).toEqual(lengths);
    expect(entry.notice).toContain(`国务院办公厅关于${year}年部分节假日安排的通知`);
  });

  it('when a weekday is checked, then Monday is 1 and Sunday 7', () => {
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(isoWeekday('2023-10-07')).toBe(6);
    expect(isoWeekday('2026-01-04')).toBe(7);
    expect(isoWeekday('2026-12-07')).toBe(1);
  });

  it('when days are looked up, then each says what it is', () => {
    expect(calendarDay('2023-10-01')).toEqual({ date: '2023-10-01', kind: 'holiday', working: false, holiday: '中秋节、国庆节', calendarLoaded: true });
    expect(calendarDay('2023-10-07')).toEqual({ date: '2023-10-07', kind: 'workingWeekend', working: true, calendarLoaded: true });
    expect(calendarDay('2023-09-16')).toEqual({ date: '2023-09-16', kind: 'weekend', working: false, calendarLoaded: true });
    expect(calendarDay('2023-09-15')).toEqual({ date: '2023-09-15', kind: 'weekday', working: true, calendarLoaded: true });
    expect(calendarDay('2027-10-01')).toEqual({ date: '2027-10-01', kind: 'weekday', working: true, calendarLoaded: false });
    // the 2020 extension notice made 1 February (a Saturday first announced as working) a day off
    expect(isWorkingDay('2020-02-01')).toBe(false);
  });
});

describe('Civil Code art. 203: the last day of a period', () => {
  it('when the last day is 2023-10-01 (National Day, off 09-29 … 10-06), then it moves to 2023-10-07, an adjusted working Saturday', () => {
    const r = lastDayByArt203('2023-10-01');
    expect(r).toMatchObject({ date: '2023-10-07', counted: '2023-10-01', moved: true, calendarLoaded: true, yearsNotLoaded: [] });
    expect(r.restDays.map((d) => d.date)).toEqual(['2023-10-01', '2023-10-02', '2023-10-03', '2023-10-04', '2023-10-05', '2023-10-06']);
    expect(r.restDays[0]).toMatchObject({ kind: 'holiday', holiday: '中秋节、国庆节' });
  });

  it.each([
    ['2023-10-07', 'an adjusted working Saturday'],
    ['2026-01-04', 'an adjusted working Sunday'],
    ['2026-02-14', 'the Saturday before the 2026 Spring Festival'],
    ['2025-02-28', 'a Friday'],
  ])('when the last day is %s (%s), then it stays', (day) => {
    expect(lastDayByArt203(day)).toMatchObject({ date: day, moved: false, calendarLoaded: true, restDays: [] });
  });

  it.each([
    ['2023-09-16', '2023-09-18', 'a plain Saturday → Monday'],
    ['2023-09-17', '2023-09-18', 'a plain Sunday → Monday'],
    ['2026-02-15', '2026-02-24', 'the first day of the 2026 Spring Festival → the Tuesday after it'],
    ['2024-06-08', '2024-06-11', 'a Saturday joined to the Dragon Boat Monday → Tuesday'],
    ['2023-12-30', '2024-01-02', 'a Saturday before New Year’s Day 2024 → across the year'],
    ['2020-02-01', '2020-02-03', 'a Saturday the 2020 extension turned into a day off'],
  ])('when the last day is %s, then it is %s (%s)', (counted, moved) => {
    expect(lastDayByArt203(counted)).toMatchObject({ date: moved, counted, moved: true, calendarLoaded: true });
  });

  it('when the year is not loaded (2027), then weekends only, and calendarLoaded false names the year', () => {
    expect(lastDayByArt203('2027-06-05')).toMatchObject({ date: '2027-06-07', moved: true, calendarLoaded: false, yearsNotLoaded: [2027] });
    // 2027-10-01 is surely National Day, but no notice is loaded: a Friday stays, and the answer says why it may be wrong
    expect(lastDayByArt203('2027-10-01')).toMatchObject({ date: '2027-10-01', moved: false, calendarLoaded: false, yearsNotLoaded: [2027] });
  });

  it('when a rest stretch runs into a year that is not loaded, then the answer says that year is not loaded', () => {
    const calendar: HolidayCalendar = [{ year: 2030, notice: 'test', periods: [{ name: '测试', from: '2030-12-30', to: '2030-12-31' }], workingWeekends: [] }];
    // 2030-12-30 is a Monday; 2031-01-01 a Wednesday, judged by weekends only
    expect(lastDayByArt203('2030-12-30', calendar)).toMatchObject({ date: '2031-01-01', moved: true, calendarLoaded: false, yearsNotLoaded: [2031] });
  });

  it('when the date is malformed, then a RangeError', () => {
    expect(() => lastDayByArt203('2023-02-29')).toThrow(RangeError);
  });
});

describe('Civil Code art. 203: properties', () => {
  const anyDay = fc.integer({ min: toEpochDay('2019-06-01'), max: toEpochDay('2028-06-30') }).map(fromEpochDay);

  it('for any last day, the answer is never earlier, is a working day, and is the first working day from the counted day on', () => {
    fc.assert(
      fc.property(anyDay, (counted) => {
        const r = lastDayByArt203(counted);
        expect(r.date >= counted).toBe(true);
        expect(isWorkingDay(r.date)).toBe(true);
        for (let d = counted; d < r.date; d = addDays(d, 1)) expect(isWorkingDay(d)).toBe(false);
        expect(r.moved).toBe(!isWorkingDay(counted));
        expect(r.restDays).toHaveLength(daysBetween(counted, r.date));
      }),
      { numRuns: 1000 },
    );
  });

  it('for any last day, calendarLoaded is false exactly when a year looked at has no notice', () => {
    const loaded = new Set(HOLIDAY_CALENDAR.map((y) => y.year));
    fc.assert(
      fc.property(anyDay, (counted) => {
        const r = lastDayByArt203(counted);
        const years = [...new Set([yearOf(counted), yearOf(r.date)])].filter((y) => !loaded.has(y));
        expect(r.yearsNotLoaded).toEqual(years);
        expect(r.calendarLoaded).toBe(years.length === 0);
      }),
      { numRuns: 500 },
    );
  });

  it('for any day of a year not loaded, a working day is exactly a weekday', () => {
    fc.assert(
      fc.property(fc.integer({ min: toEpochDay('2027-01-01'), max: toEpochDay('2031-12-31') }).map(fromEpochDay), (day) => {
        expect(isWorkingDay(day)).toBe(isoWeekday(day) <= 5);
      }),
      { numRuns: 300 },
    );
  });
});
