// Mobile numbers and Chinese personal names as a clerk types them. Each check returns every problem
// with a stable code and a Simplified-Chinese message that starts with the field noun ("手机号码",
// "姓名"), so a schema can prefix the person ("母亲手机号码…").

export interface ContactProblem { code: string; message: string }
export type CheckResult = { ok: true } | { ok: false; code: string; message: string; problems: ContactProblem[] };

const result = (problems: ContactProblem[]): CheckResult => {
  const first = problems[0];
  return first ? { ok: false, code: first.code, message: first.message, problems } : { ok: true };
};

/**
 * Mainland mobile number: 11 digits, first 1, second 3–9 (the 13x–19x number ranges). No "+86", spaces or
 * dashes: the schemas trim surrounding spaces only.
 */
export function checkMobile(s: string): CheckResult {
  if (!/^\d{11}$/.test(s)) return result([{ code: 'PHONE_FORMAT', message: '手机号码应为11位数字' }]);
  if (!/^1[3-9]/.test(s)) return result([{ code: 'PHONE_PREFIX', message: '手机号码应以13–19开头' }]);
  return result([]);
}

/**
 * Name length in characters (code points, the separator dot included). 2: a one-character surname and
 * given name; 15: long transliterated minority names such as 阿卜杜热西提·阿卜杜克力木 (13) still fit.
 */
export const PERSON_NAME_MIN_LENGTH = 2;
export const PERSON_NAME_MAX_LENGTH = 15;

/** The separator in minority and foreign-origin names (U+00B7 MIDDLE DOT, as on the ID card). */
export const NAME_SEPARATOR = '·';
/** Dots people type instead of U+00B7: refused with a hint rather than silently stored. */
const LOOKALIKE_DOTS = new Set(['・', '･', '•', '‧', '∙', '⋅', '.', '．', '。', '°']);

/**
 * Han ideographs: the URO block, extensions A–I and the compatibility blocks (rare characters in names
 * are often in extension B and beyond). Explicit ranges, not \p{…}, so the answer does not depend on the
 * Unicode version of the running engine.
 */
const HAN_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x4dbf], // Extension A
  [0x4e00, 0x9fff], // Unified Ideographs
  [0xf900, 0xfaff], // Compatibility Ideographs
  [0x20000, 0x2a6df], // Extension B
  [0x2a700, 0x2ebef], // Extensions C, D, E, F
  [0x2ebf0, 0x2ee5f], // Extension I
  [0x2f800, 0x2fa1f], // Compatibility Ideographs Supplement
  [0x30000, 0x323af], // Extensions G, H
];

export function isHanCharacter(ch: string): boolean {
  const cp = ch.codePointAt(0);
  if (cp === undefined || Array.from(ch).length !== 1) return false;
  return HAN_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/**
 * A Chinese personal name: Han characters, optionally parts joined by single `·` (买买提·艾力); no
 * leading, trailing or doubled dot; 2–15 characters. Latin letters and spaces are refused: the names
 * here are the ones on a Chinese ID card or the birth certificate.
 */
export function checkPersonName(s: string): CheckResult {
  const chars = Array.from(s);
  const problems: ContactProblem[] = [];
  if (chars.length === 0) return result([{ code: 'NAME_REQUIRED', message: '姓名不能为空' }]);
  if (chars.length < PERSON_NAME_MIN_LENGTH) {
    problems.push({ code: 'NAME_TOO_SHORT', message: `姓名至少${PERSON_NAME_MIN_LENGTH}个字` });
  }
  if (chars.length > PERSON_NAME_MAX_LENGTH) {
    problems.push({ code: 'NAME_TOO_LONG', message: `姓名最多${PERSON_NAME_MAX_LENGTH}个字（含间隔号），当前${chars.length}个` });
  }
  const lookalikes = [...new Set(chars.filter((c) => LOOKALIKE_DOTS.has(c)))];
  if (lookalikes.length > 0) {
    problems.push({ code: 'NAME_DOT_VARIANT', message: `姓名中的间隔号请使用“·”，不要使用“${lookalikes.join('')}”` });
  }
  const invalid = [...new Set(chars.filter((c) => c !== NAME_SEPARATOR && !LOOKALIKE_DOTS.has(c) && !isHanCharacter(c)))];
  if (invalid.length > 0) {
    const shown = invalid.slice(0, 5).map((c) => (/\s/.test(c) ? '空格' : `“${c}”`)).join('、');
    problems.push({ code: 'NAME_INVALID_CHAR', message: `姓名只能包含汉字和间隔号“·”，不能包含${shown}` });
  }
  if (chars[0] === NAME_SEPARATOR || chars[chars.length - 1] === NAME_SEPARATOR) {
    problems.push({ code: 'NAME_DOT_POSITION', message: '姓名不能以间隔号“·”开头或结尾' });
  }
  if (s.includes(NAME_SEPARATOR + NAME_SEPARATOR)) {
    problems.push({ code: 'NAME_DOT_DOUBLE', message: '姓名中不能连续使用间隔号“·”' });
  }
  return result(problems);
}
