// Time formatting for what people read: ISO 8601 in Asia/Shanghai (+08:00; China has no DST).
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `2026-11-20T08:30:00.000+08:00` for an epoch-millisecond instant. */
export function toShanghaiIso(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an epoch-millisecond instant. */
export function shanghaiDateOf(epochMs: number): string {
  return toShanghaiIso(epochMs).slice(0, 10);
}
