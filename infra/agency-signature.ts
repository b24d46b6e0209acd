// The callback signature scheme shared by the mock agencies (signing) and the API (verifying). Pure apart
// from node:crypto.
//
//   X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${agency}.${raw body}`>
//
// The key is the agency's own: agencyCallbackKey(master, agency), so the orchestrator keeps one master
// secret (AGENCY_CALLBACK_SECRET) and each agency is given only its derived key; one agency's key signs
// nothing for another. The timestamp is signed with the body and refused outside a few minutes of skew,
// so a captured callback cannot be sent again later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Signature';
/** How far a signature's timestamp may lie from the receiver's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The key one agency signs its callbacks with (hex), derived from the orchestrator's master secret. */
export function agencyCallbackKey(masterSecret: string, agency: string): string {
  return createHmac('sha256', masterSecret).update(`agency-callback:${agency}`, 'utf8').digest('hex');
}

function mac(key: string, agency: string, timestamp: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${timestamp}.${agency}.`, 'utf8').update(body, 'utf8').digest();
}

/** The whole header value for `body` sent by `agency` now, e.g. `t=1790000000,v1=3f1c…`. */
export function signCallback(body: string, agency: string, agencyKey: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${mac(agencyKey, agency, t, body).toString('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/** Valid only for exactly these bytes, this agency and a timestamp within the tolerance; constant-time. */
export function verifyCallback(body: string, agency: string, header: string | undefined, agencyKey: string, nowMs = Date.now()): SignatureCheck {
  const m = typeof header === 'string' ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/i.exec(header) : null;
  if (!m) return { ok: false, reason: 'malformed' };
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = mac(agencyKey, agency, t, body);
  const given = Buffer.from((m[2] as string).toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
