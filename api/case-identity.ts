// Case ids and parents' tracking codes.
// - The case id derives from the newborn's business key (mother's ID, the instant of birth, birth order)
//   through a keyed hash: the same newborn always maps to the same workflow id, so Temporal's
//   reject-duplicate policy turns a second start into a 409, and the id reveals nothing personal.
// - A tracking code is `<caseId>-<secret>` (infra/tracking-code.ts): the case keeps a random nonce and
//   the secret's keyed hash, never the code.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32, hashTrackingSecret, newTrackingNonce, trackingCodeFor } from '../infra/tracking-code';

export { hashTrackingSecret } from '../infra/tracking-code';
import type { CaseCreateRequest } from '../domain/case.schemas';

export function caseIdFor(application: CaseCreateRequest, secret: string): string {
  const key = [application.mother.idNumber.toUpperCase(), Date.parse(application.newborn.birthAt), application.newborn.birthOrder].join('|');
  return base32(createHmac('sha256', secret).update(key).digest(), 16);
}

export const CASE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/** A new case's tracking code, and what the workflow keeps of it: the nonce and the keyed hash of the secret. */
export function newTrackingCode(caseId: string, key: string): { trackingCode: string; trackingNonce: string; trackingSecretHash: string } {
  const trackingNonce = newTrackingNonce();
  const { trackingCode, secret } = trackingCodeFor(caseId, trackingNonce, key);
  return { trackingCode, trackingNonce, trackingSecretHash: hashTrackingSecret(secret, key) };
}

export function parseTrackingCode(code: string): { caseId: string; secret: string } | null {
  const [, caseId, secret] = /^([0-9A-HJKMNP-TV-Z]{16})-([0-9A-HJKMNP-TV-Z]{12})$/.exec(code.trim().toUpperCase()) ?? [];
  return caseId && secret ? { caseId, secret } : null;
}

export function trackingSecretMatches(secret: string, storedHash: string, key: string): boolean {
  const a = Buffer.from(hashTrackingSecret(secret, key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A family registration's id (issue 18), from the mother's ID number through the same keyed hash as a
 * case id: one open registration per mother, found again from her ID without keeping it in the id.
 */
export function registrationIdFor(motherIdNumber: string, secret: string): string {
  return base32(createHmac('sha256', secret).update(`registration|${motherIdNumber.trim().toUpperCase()}`).digest(), 16);
}

/**
 * The keyed hash (hex) under which a parent's phone number or ID number is stored and matched (parent
 * sessions, the parent links): equal values match, and the value itself is never kept.
 */
export function personKey(kind: 'phone' | 'idNumber', value: string, secret: string): string {
  return createHmac('sha256', secret).update(`${kind}|${value.trim().toUpperCase()}`).digest('hex');
}
