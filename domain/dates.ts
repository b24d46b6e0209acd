// Calendar helpers for Asia/Shanghai (a fixed +08:00: China has kept no daylight saving since 1991).
// Pure integer arithmetic on ISO strings: no Date objects, no clock, so the same answer in a workflow
// replay, a test and the API. A malformed argument is a programming error and throws a RangeError;
// user input is checked at the edge (case.schemas.ts) before it reaches these functions.
import { HOLIDAY_CALENDAR, type HolidayCalendar } from './holidays';

/** Calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** Calendar month, `YYYY-MM`. */
export type YearMonth = string;

export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export interface CivilDate { year: number; month: number; day: number }

function validParts(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a real calendar date written `YYYY-MM-DD` (so `2023-02-29` is false, `2024-02-29` true). */
export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  return m !== null && validParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function parseIsoDate(date: IsoDate): CivilDate {
  const m = DATE_RE.exec(date);
  const parts = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
  if (!parts || !validParts(parts.year, parts.month, parts.day)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return parts;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  if (year < 0 || year > 9999 || !validParts(year, month, day)) throw new RangeError(`not a calendar date: ${year}-${month}-${day}`);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days).
function epochDayOf({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilOfEpochDay(n: number): CivilDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 (negative before). */
export function toEpochDay(date: IsoDate): number {
  return epochDayOf(parseIsoDate(date));
}

export function fromEpochDay(n: number): IsoDate {
  return formatIsoDate(civilOfEpochDay(n));
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + n);
}

/** Whole days from `from` to `to` (positive when `to` is later): `daysBetween('2024-02-28', '2024-03-01') === 2`. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** -1, 0 or 1. ISO dates compare as strings once valid; parsing first rejects malformed input. */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = toEpochDay(a) - toEpochDay(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/**
 * The same day number `n` months later (or earlier, for negative `n`); when that month is shorter, its
 * last day. This is how the Civil Code (arts. 201–202) ends a period counted in months:
 * `2023-03-15 + 6 → 2023-09-15`, `2023-08-31 + 6 → 2024-02-29`, `2024-08-31 + 6 → 2025-02-28`.
 */
export function addMonthsCivil(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`months must be an integer: ${n}`);
  const { year, month, day } = parseIsoDate(date);
  const index = year * 12 + (month - 1) + n;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return formatIsoDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
}

export function addYearsCivil(date: IsoDate, n: number): IsoDate {
  return addMonthsCivil(date, 12 * n);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 (epoch day 0) was a Thursday.
  return ((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * A day under the State Council's holiday calendar (domain/holidays.ts): `holiday` — a day off of a
 * holiday period (`holiday` names it); `workingWeekend` — a Saturday or Sunday made a working day
 * (调休上班); else `weekend` or `weekday`. `calendarLoaded` is false when the calendar has no notice for the
 * date's year: the day was judged by the weekend alone.
 */
export interface CalendarDay {
  date: IsoDate;
  kind: 'weekday' | 'weekend' | 'holiday' | 'workingWeekend';
  working: boolean;
  holiday?: string;
  calendarLoaded: boolean;
}

export function calendarDay(date: IsoDate, calendar: HolidayCalendar = HOLIDAY_CALENDAR): CalendarDay {
  const weekend = isoWeekday(date) >= 6; // also validates `date`
  const calendarLoaded = calendar.some((y) => y.year === yearOf(date));
  // ISO dates compare as strings once valid. A period may belong to the next year's notice (2023's New Year).
  const period = calendar.flatMap((y) => y.periods).find((p) => p.from <= date && date <= p.to);
  if (period) return { date, kind: 'holiday', working: false, holiday: period.name, calendarLoaded };
  if (weekend && calendar.some((y) => y.workingWeekends.includes(date))) return { date, kind: 'workingWeekend', working: true, calendarLoaded };
  return weekend ? { date, kind: 'weekend', working: false, calendarLoaded } : { date, kind: 'weekday', working: true, calendarLoaded };
}

/** A working day: a weekday not in a holiday period, or a weekend day made a working day (调休上班). */
export function isWorkingDay(date: IsoDate, calendar: HolidayCalendar = HOLIDAY_CALENDAR): boolean {
  return calendarDay(date, calendar).working;
}

/** The last day of a period after Civil Code art. 203. */
export interface Art203LastDay {
  /** The last day: `counted` when it is a working day, else the first working day after it. */
  date: IsoDate;
  /** The last day as counted by arts. 201–202, before art. 203. */
  counted: IsoDate;
  moved: boolean;
  /** False when a year looked at has no holiday notice in the calendar (weekends only were counted for it). */
  calendarLoaded: boolean;
  /** The years looked at whose notice is not in the calendar, ascending (empty when `calendarLoaded`). */
  yearsNotLoaded: number[];
  /** The rest days stepped over, from `counted` on (empty when not moved). */
  restDays: CalendarDay[];
}

/** Longer than any rest stretch a notice has announced (nine days in 2026), weekends around it included. */
const MAX_REST_STRETCH_DAYS = 31;

/**
 * Civil Code art. 203: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日". The 法定休假日 are
 * the weekends and the days off of the State Council's yearly notices; a weekend day the notice makes a
 * working day (调休上班) is a working day. So a last day of 2023-10-01 (National Day, off 09-29 … 10-06)
 * becomes 2023-10-07, an adjusted working Saturday. For a year the calendar does not hold, weekends only,
 * and `calendarLoaded` says so.
 */
export function lastDayByArt203(lastDay: IsoDate, calendar: HolidayCalendar = HOLIDAY_CALENDAR): Art203LastDay {
  const restDays: CalendarDay[] = [];
  const notLoaded = new Set<number>();
  let date = lastDay;
  for (;;) {
    const day = calendarDay(date, calendar);
    if (!day.calendarLoaded) notLoaded.add(yearOf(date));
    if (day.working) break;
    restDays.push(day);
    if (restDays.length > MAX_REST_STRETCH_DAYS) throw new RangeError(`no working day within ${MAX_REST_STRETCH_DAYS} days after ${lastDay}: check the holiday calendar`);
    date = addDays(date, 1);
  }
  const yearsNotLoaded = [...notLoaded].sort((a, b) => a - b);
  return { date, counted: lastDay, moved: date !== lastDay, calendarLoaded: yearsNotLoaded.length === 0, yearsNotLoaded, restDays };
}

/** Problems in a holiday calendar (empty when sound): bad dates, periods out of order or overlapping, a working weekend that is not one. */
export function validateHolidayCalendar(calendar: HolidayCalendar): string[] {
  const problems: string[] = [];
  let previousTo: IsoDate | null = null;
  calendar.forEach((y, i) => {
    const prev = calendar[i - 1];
    if (prev && prev.year >= y.year) problems.push(`${y.year}: not after ${prev.year}`);
    for (const p of y.periods) {
      if (!isIsoDate(p.from) || !isIsoDate(p.to)) {
        problems.push(`${y.year} ${p.name}: not a date`);
        continue;
      }
      if (p.to < p.from) problems.push(`${y.year} ${p.name}: ends before it starts`);
      if (previousTo !== null && p.from <= previousTo) problems.push(`${y.year} ${p.name}: overlaps or precedes the period before it`);
      if (yearOf(p.to) !== y.year) problems.push(`${y.year} ${p.name}: ends outside its year`);
      if (daysBetween(p.from, p.to) > MAX_REST_STRETCH_DAYS / 2) problems.push(`${y.year} ${p.name}: longer than any notice has announced`);
      previousTo = p.to;
    }
    for (const d of y.workingWeekends) {
      if (!isIsoDate(d)) {
        problems.push(`${y.year}: working weekend ${d} is not a date`);
        continue;
      }
      if (yearOf(d) !== y.year) problems.push(`${y.year}: working weekend ${d} outside its year`);
      if (isoWeekday(d) < 6) problems.push(`${y.year}: working weekend ${d} is not a Saturday or Sunday`);
      if (y.periods.some((p) => p.from <= d && d <= p.to)) problems.push(`${y.year}: working weekend ${d} is inside a holiday period`);
    }
  });
  return problems;
}

/**
 * Completed years of age on `onDate`. The age rises on the birthday; a 29 February birthday falls on
 * 28 February in common years (the Civil Code month rule above, applied to 12·k months).
 * Negative when `onDate` is before the birth.
 */
export function ageInYears(birthDate: IsoDate, onDate: IsoDate): number {
  const b = parseIsoDate(birthDate);
  const o = parseIsoDate(onDate);
  if (compareIsoDates(onDate, birthDate) < 0) return -ageInYears(onDate, birthDate) - 1;
  let age = o.year - b.year;
  if (compareIsoDates(addYearsCivil(birthDate, age), onDate) > 0) age -= 1;
  return age;
}

export function yearOf(date: IsoDate): number {
  return parseIsoDate(date).year;
}

/** `2026-11-20` → `2026-11`. */
export function yearMonthOf(date: IsoDate): YearMonth {
  parseIsoDate(date);
  return date.slice(0, 7);
}

export function isYearMonth(s: unknown): s is YearMonth {
  if (typeof s !== 'string') return false;
  const m = YEAR_MONTH_RE.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

export function addMonthsToYearMonth(ym: YearMonth, n: number): YearMonth {
  return yearMonthOf(addMonthsCivil(`${ym}-01`, n));
}

/** Calendar months from `from` to `to`, counting both ends: `monthsInclusive('2026-11', '2029-11') === 37`. */
export function monthsInclusive(from: YearMonth, to: YearMonth): number {
  const a = parseIsoDate(`${from}-01`);
  const b = parseIsoDate(`${to}-01`);
  return (b.year - a.year) * 12 + (b.month - a.month) + 1;
}

/** True for `YYYY-MM-DDTHH:mm[:ss[.fraction]]` with `Z` or a `±HH:mm` offset, and real date/time parts. */
export function isIsoDateTime(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    instantMs(s);
    return true;
  } catch {
    return false;
  }
}

/** Epoch milliseconds of an ISO 8601 date-time with an offset (`Z` or `±HH:mm`); fractions below 1 ms are dropped. */
export function instantMs(isoDateTime: string): number {
  const m = DATE_TIME_RE.exec(isoDateTime);
  if (!m) throw new RangeError(`not an ISO date-time with offset: ${isoDateTime}`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const date = { year: Number(y), month: Number(mo), day: Number(d) };
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  if (!validParts(date.year, date.month, date.day) || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`not an ISO date-time with offset: ${isoDateTime}`);
  }
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) throw new RangeError(`bad offset in ${isoDateTime}`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number((frac ?? '').padEnd(3, '0').slice(0, 3));
  return epochDayOf(date) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** The Asia/Shanghai calendar date of an epoch-millisecond instant. */
export function shanghaiDateOfMs(epochMs: number): IsoDate {
  return fromEpochDay(Math.floor((epochMs + SHANGHAI_OFFSET_MINUTES * MS_PER_MINUTE) / MS_PER_DAY));
}

/**
 * The Asia/Shanghai calendar date of an instant written with any offset:
 * `2022-12-31T23:30:00+08:00` → `2022-12-31`, `2022-12-31T16:30:00Z` → `2023-01-01`.
 */
export function shanghaiDate(isoDateTime: string): IsoDate {
  return shanghaiDateOfMs(instantMs(isoDateTime));
}

/** Milliseconds from `a` to `b` (positive when `b` is later). */
export function msBetween(a: string, b: string): number {
  return instantMs(b) - instantMs(a);
}

/** `2026-11-20T08:30:00.000+08:00`: an epoch-millisecond instant as people read it (Asia/Shanghai). */
export function toShanghaiIso(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MINUTES * MS_PER_MINUTE).toISOString().replace('Z', '+08:00');
}
