// Identity rules the mock agencies apply: GB 11643-1999 citizen IDs, the standard name character set,
// Jinan region codes and Asia/Shanghai calendar dates. Pure functions.

import { citizenIdCheckChar, isJinanRegion as isJinanDistrict, makeCitizenId, parseCitizenId as parseId } from '../domain/identity/citizen-id';
import { addMonthsCivil, shanghaiDate as shanghaiDateOf, toShanghaiIso } from '../domain/dates';

// The arithmetic (GB 11643 check character, calendar dates, Civil Code months) is the domain's own;
// what is the agency's is which answers it gives (the register's deterministic quirks below).

/** The GB 11643 check character of the first 17 digits. */
export const checkCharacter = citizenIdCheckChar;

export interface CitizenIdParts { regionCode: string; birthDate: string; sequence: string; sex: 'M' | 'F' }

/** The parts of a well-formed ID (right length, plausible region, real date, right check character), else null. */
export function parseCitizenId(id: string): CitizenIdParts | null {
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const parsed = parseId(id);
  return parsed.ok ? { regionCode: parsed.regionCode, birthDate: parsed.birthDate, sequence: parsed.sequence, sex: parsed.sex } : null;
}

export const buildCitizenId = makeCitizenId;

/**
 * Deterministic register answers for parents' IDs, so tests can reach each branch:
 * sequence digits 999 → the household register does not know the person (correction notice);
 * 998 → the person's household record is cancelled (户口已注销; refusal when that parent is the household chosen).
 * The mock never issues these two sequences.
 */
export const UNKNOWN_TO_REGISTER_SEQUENCE = '999';
export const CANCELLED_HOUSEHOLD_SEQUENCE = '998';

export const isJinanRegion = isJinanDistrict;

/** Standard set: CJK Unified Ideographs U+4E00–U+9FFF, and the middle dot of minority names. */
export function isStandardName(name: string): boolean {
  return name.length > 0 && [...name].every((ch) => ch === '·' || (ch >= '\u4e00' && ch <= '\u9fff'));
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: string | Date): string {
  return shanghaiDateOf(typeof instant === 'string' ? instant : instant.toISOString());
}

/** An instant as ISO 8601 with the +08:00 offset, whole seconds, as the API contract writes times. */
export function shanghaiIso(instant: Date): string {
  return toShanghaiIso(instant.getTime()).replace(/\.\d{3}\+08:00$/, '+08:00');
}

/** YYYY-MM-DD plus `months`, keeping the day number or falling back to that month's last day. */
export const addMonthsClamped = addMonthsCivil;
