// Masks for every view that is not the clerk's own (the parents' page, logs shown to operators).
// Characters are counted as code points, so a rare name character in CJK extension B is one star.

const STAR = '*';

/** Keeps `keepStart` and `keepEnd` characters, stars in between; at least a third of a short value is hidden. */
function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = Array.from(value);
  let start = keepStart;
  let end = keepEnd;
  const mustHide = Math.ceil(chars.length / 3);
  while (start + end > chars.length - mustHide) {
    if (start >= end && start > 0) start -= 1;
    else if (end > 0) end -= 1;
    else break;
  }
  const hidden = chars.length - start - end;
  return chars.slice(0, start).join('') + STAR.repeat(hidden) + chars.slice(chars.length - end).join('');
}

/**
 * `王芳` → `王*`, `李安然` → `李*然`, `欧阳娜娜` → `欧**娜`, `买买提·艾力` → `买****力`: the surname
 * stays, a two-character name loses its given name, longer names keep the last character too.
 */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return STAR.repeat(chars.length);
  if (chars.length === 2) return `${chars[0] as string}${STAR}`;
  return `${chars[0] as string}${STAR.repeat(chars.length - 2)}${chars[chars.length - 1] as string}`;
}

/** `370102199001011234` → `3701**********1234`; a final X stays visible (`3701**********123X`). */
export function maskIdNumber(idNumber: string): string {
  return maskMiddle(idNumber, 4, 4);
}

/** `13800138000` → `138****8000`. */
export function maskPhone(phone: string): string {
  return maskMiddle(phone, 3, 4);
}

/** Result numbers shown in part: `Q370123456` → `Q3****3456` (first 2, last 4 by default). */
export function maskNumber(value: string, keepStart = 2, keepEnd = 4): string {
  return maskMiddle(value, keepStart, keepEnd);
}

/** Citizen ID numbers in a text named by their last four characters only: `…370102199001011234…` → `…尾号1234…`. */
export function citizenIdsAsTails(text: string): string {
  return text.replace(/\b(\d{6})\d{8}(\d{3}[\dX])\b/g, (_m, _region: string, tail: string) => `尾号${tail}`);
}
