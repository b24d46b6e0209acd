// Case ids and parents' tracking codes.
// - The case id derives from the newborn's business key (mother's ID, the instant of birth, birth order)
//   through a keyed hash: the same newborn always maps to the same workflow id, so Temporal's
//   reject-duplicate policy turns a second start into a 409, and the id reveals nothing personal.
// - A tracking code is `<caseId>-<secret>`: the secret is random and only its keyed hash is kept.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CaseCreateRequest } from '../domain/case.schemas';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function caseIdFor(application: CaseCreateRequest, secret: string): string {
  const key = [application.mother.idNumber.toUpperCase(), Date.parse(application.newborn.birthAt), application.newborn.birthOrder].join('|');
  return base32(createHmac('sha256', secret).update(key).digest(), 16);
}

export const CASE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

export function newTrackingCode(caseId: string): { trackingCode: string; secret: string } {
  const secret = base32(randomBytes(10), 12);
  return { trackingCode: `${caseId}-${secret}`, secret };
}

export function hashTrackingSecret(secret: string, key: string): string {
  return createHmac('sha256', key).update(`tracking:${secret.toUpperCase()}`).digest('hex');
}

export function parseTrackingCode(code: string): { caseId: string; secret: string } | null {
  const m = /^([0-9A-HJKMNP-TV-Z]{16})-([0-9A-HJKMNP-TV-Z]{12})$/.exec(code.trim().toUpperCase());
  return m ? { caseId: m[1] as string, secret: m[2] as string } : null;
}

export function trackingSecretMatches(secret: string, storedHash: string, key: string): boolean {
  const a = Buffer.from(hashTrackingSecret(secret, key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
