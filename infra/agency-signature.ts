// The callback signature scheme shared by the mock agencies (signing) and the API (verifying):
// header `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Pure apart from node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Signature';
const PREFIX = 'sha256=';

/** The whole header value for `body`, e.g. `sha256=3f1c…`. */
export function signBody(body: string, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** True only when `header` is the signature of exactly these bytes; constant-time comparison. */
export function verifySignature(body: string, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signBody(body, secret).slice(PREFIX.length), 'hex');
  const given = Buffer.from(header.slice(PREFIX.length).toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
