// Parents' tracking codes: `<caseId>-<secret>`. The secret is derived from the case id and a random nonce
// with a keyed hash (CASE_ID_SECRET), so the workflow input (and so the history) keeps only the nonce and
// the keyed hash of the secret, never the code; the SMS activity re-derives the code to send it once.
// Pure apart from node:crypto; shared by the API (issue, check) and the worker's SMS activity (send).
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

export function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A fresh nonce for a new case (hex, 128 bits). */
export const newTrackingNonce = (): string => randomBytes(16).toString('hex');

/** The tracking code of a case, from its id, its nonce and the key; 12 base32 characters (60 bits) of secret. */
export function trackingCodeFor(caseId: string, nonce: string, key: string): { trackingCode: string; secret: string } {
  const secret = base32(createHmac('sha256', key).update(`tracking-secret:${caseId}:${nonce}`).digest(), 12);
  return { trackingCode: `${caseId}-${secret}`, secret };
}

export function hashTrackingSecret(secret: string, key: string): string {
  return createHmac('sha256', key).update(`tracking:${secret.toUpperCase()}`).digest('hex');
}
