// Identity rules the mock agencies apply: GB 11643-1999 citizen IDs, the standard name character set,
// Jinan region codes and Asia/Shanghai calendar dates. Pure functions.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The GB 11643 check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('checkCharacter needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function isValidCalendarDate(yyyymmdd: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export interface CitizenIdParts { regionCode: string; birthDate: string; sequence: string; sex: 'M' | 'F' }

/** The parts of a well-formed ID (right length, real date, right check character), else null. */
export function parseCitizenId(id: string): CitizenIdParts | null {
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const date = id.slice(6, 14);
  if (!isValidCalendarDate(date) || checkCharacter(id.slice(0, 17)) !== id[17]) return null;
  return {
    regionCode: id.slice(0, 6),
    birthDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    sequence: id.slice(14, 17),
    sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  };
}

export function buildCitizenId(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/**
 * Deterministic register answers for parents' IDs, so tests can reach each branch:
 * sequence digits 999 → the household register does not know the person (correction notice);
 * 998 → the person's household record is cancelled (户口已注销; refusal when that parent is the household chosen).
 * The mock never issues these two sequences.
 */
export const UNKNOWN_TO_REGISTER_SEQUENCE = '999';
export const CANCELLED_HOUSEHOLD_SEQUENCE = '998';

export function isJinanRegion(regionCode: string): boolean {
  return regionCode.startsWith('3701');
}

/** Standard set: CJK Unified Ideographs U+4E00–U+9FFF, and the middle dot of minority names. */
export function isStandardName(name: string): boolean {
  return name.length > 0 && [...name].every((ch) => ch === '·' || (ch >= '\u4e00' && ch <= '\u9fff'));
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. China has kept +08:00 without DST since 1991. */
export function shanghaiDate(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as ISO 8601 with the +08:00 offset, as the API contract writes times. */
export function shanghaiIso(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** YYYY-MM-DD plus `months`, keeping the day number or falling back to that month's last day. */
export function addMonthsClamped(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}
