// Citizen identity number (公民身份号码, GB 11643-1999): 6-digit region code, 8-digit birth date, 3-digit
// sequence (odd = male, even = female), 1 check character. Pure: the mocks issue numbers with
// makeCitizenId, the schemas check them with parseCitizenId, the workflow may call either.
import { compareIsoDates, isIsoDate, type IsoDate } from '../dates';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level prefixes in use (GB/T 2260), plus 83 for Taiwan residents' residence permits. */
export const PROVINCE_PREFIXES: readonly string[] = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
];
/** Hong Kong, Macao and Taiwan numbers carry the whole-region code (810000 …), so no county part. */
const WHOLE_REGION_PREFIXES: readonly string[] = ['71', '81', '82', '83'];

/** Earliest birth date accepted: older dates are typing errors for a living parent. */
export const EARLIEST_BIRTH_DATE: IsoDate = '1900-01-01';

/** Jinan's county-level divisions (region codes start with 3701). */
export const JINAN_DISTRICTS = {
  '370102': '历下区',
  '370103': '市中区',
  '370104': '槐荫区',
  '370105': '天桥区',
  '370112': '历城区',
  '370113': '长清区',
  '370114': '章丘区',
  '370115': '济阳区',
  '370116': '莱芜区',
  '370117': '钢城区',
  '370124': '平阴县',
  '370126': '商河县',
} as const satisfies Record<string, string>;
export type JinanDistrictCode = keyof typeof JINAN_DISTRICTS;

/** A county-level code under Jinan (3701xx, not the city-level 370100). Numbers only, no lookup of retired codes. */
export function isJinanRegion(code: string): boolean {
  return /^3701\d{2}$/.test(code) && !code.endsWith('00');
}

/** A six-digit code with a known province prefix and a non-zero county part (see WHOLE_REGION_PREFIXES). */
/** isPlausibleRegionCode as an ECMA-262 pattern body (no anchors), for the OpenAPI document. */
export const REGION_CODE_PATTERN = `(?:(?:${PROVINCE_PREFIXES.filter((p) => !WHOLE_REGION_PREFIXES.includes(p)).join('|')})(?!\\d{2}00)\\d{4}|(?:${WHOLE_REGION_PREFIXES.join('|')})\\d{4})`;

export function isPlausibleRegionCode(code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const province = code.slice(0, 2);
  if (!PROVINCE_PREFIXES.includes(province)) return false;
  if (WHOLE_REGION_PREFIXES.includes(province)) return true;
  return !code.endsWith('00');
}

/** The check character for the first 17 digits: Σ(digit·weight) mod 11 indexes "10X98765432". */
export function citizenIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('citizenIdCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

export type CitizenIdErrorCode =
  | 'ID_LENGTH'
  | 'ID_FORMAT'
  | 'ID_REGION_INVALID'
  | 'ID_DATE_INVALID'
  | 'ID_DATE_FUTURE'
  | 'ID_CHECKSUM';

export interface CitizenIdProblem { code: CitizenIdErrorCode; message: string }

export type CitizenIdParse =
  | {
      ok: true;
      /** The number as stored: upper-case X. */
      idNumber: string;
      regionCode: string;
      birthDate: IsoDate;
      sequence: string;
      sex: 'M' | 'F';
    }
  | {
      ok: false;
      /** The first problem; `problems` lists every one found. */
      code: CitizenIdErrorCode;
      message: string;
      problems: CitizenIdProblem[];
    };

/**
 * Checks a citizen ID and reads it. A lower-case `x` is accepted as `X` (GB 11643 writes X, but the
 * lower case is a keyboard accident, not a different number); `idNumber` in the answer is normalised.
 * Surrounding whitespace is not accepted here: the schemas trim before calling.
 * With `today`, a birth date after it is refused. Messages are for a clerk and start with "身份证号码".
 */
export function parseCitizenId(s: string, opts: { today?: IsoDate } = {}): CitizenIdParse {
  const fail = (problems: CitizenIdProblem[]): CitizenIdParse => {
    const first = problems[0] as CitizenIdProblem;
    return { ok: false, code: first.code, message: first.message, problems };
  };
  if (typeof s !== 'string' || s.length !== 18) {
    const length = typeof s === 'string' ? Array.from(s).length : 0;
    return fail([{ code: 'ID_LENGTH', message: `身份证号码应为18位，当前为${length}位` }]);
  }
  const id = s.endsWith('x') ? `${s.slice(0, 17)}X` : s;
  if (!/^\d{17}[\dX]$/.test(id)) {
    return fail([{ code: 'ID_FORMAT', message: '身份证号码应为17位数字加1位数字或X校验码' }]);
  }

  const problems: CitizenIdProblem[] = [];
  const regionCode = id.slice(0, 6);
  if (!isPlausibleRegionCode(regionCode)) {
    problems.push({ code: 'ID_REGION_INVALID', message: `身份证号码前6位地区码${regionCode}无效` });
  }
  const raw = id.slice(6, 14);
  const birthDate = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  if (!isIsoDate(birthDate) || compareIsoDates(birthDate, EARLIEST_BIRTH_DATE) < 0) {
    problems.push({ code: 'ID_DATE_INVALID', message: `身份证号码中的出生日期${raw}不是有效日期` });
  } else if (opts.today !== undefined && compareIsoDates(birthDate, opts.today) > 0) {
    problems.push({ code: 'ID_DATE_FUTURE', message: `身份证号码中的出生日期${birthDate}晚于今天` });
  }
  const expected = citizenIdCheckChar(id.slice(0, 17));
  if (id[17] !== expected) {
    problems.push({ code: 'ID_CHECKSUM', message: '身份证号码校验码不正确，请逐位核对' });
  }
  if (problems.length > 0) return fail(problems);

  const sequence = id.slice(14, 17);
  return { ok: true, idNumber: id, regionCode, birthDate, sequence, sex: Number(sequence) % 2 === 1 ? 'M' : 'F' };
}

/** A valid number for a region, a birth date and a sequence 0..999 (odd = male). Throws on bad arguments. */
export function makeCitizenId(regionCode: string, birthDate: IsoDate, sequence: number): string {
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError(`region code must be 6 digits: ${regionCode}`);
  if (!isIsoDate(birthDate)) throw new RangeError(`birth date must be YYYY-MM-DD: ${birthDate}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new RangeError(`sequence must be 0..999: ${sequence}`);
  const first17 = `${regionCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
}
