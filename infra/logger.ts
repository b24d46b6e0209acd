// pino JSON logs; personal data never reaches a log in the clear. Two layers:
// - every object logged is walked (to any depth, bounded) and the value under a personal key (name,
//   idNumber, phone, address, …, and every value of a correction's `changes`) is replaced;
// - every string, the message and error messages and stacks included, has ID numbers, mobile numbers
//   and tracking codes masked by pattern, wherever they appear.
// What neither catches (a name inside free prose) must not be logged: log ids, not text.
import pino from 'pino';

const CENSOR = '[redacted]';
/** Keys whose values are personal data or secrets, at any depth. */
export const PII_KEYS: ReadonlySet<string> = new Set([
  'name', 'newbornName', 'childName', 'idNumber', 'citizenId', 'childCitizenId', 'phone', 'phoneLast4', 'address',
  'recipientName', 'trackingCode', 'trackingNonce', 'trackingSecretHash', 'authorization', 'cookie', 'x-signature', 'password',
  'secret', 'token', 'note', 'reason', 'params',
]);
/** Objects whose every value is personal: a correction's changes are keyed by field path. */
const ALL_VALUES_KEYS: ReadonlySet<string> = new Set(['changes', 'application', 'mother', 'father', 'newborn', 'delivery', 'body']);

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(?<![0-9A-Z])[0-9A-HJKMNP-TV-Z]{16}-[0-9A-HJKMNP-TV-Z]{12}(?![0-9A-Z])/gi, '[tracking-code]'],
  [/(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/g, '[id-number]'],
  [/(?<!\d)1[3-9]\d{9}(?!\d)/g, '[phone]'],
];

export function maskText(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

const MAX_DEPTH = 10;

/** A copy of `value` fit for a log line. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return {
      type: value.name,
      message: maskText(value.message),
      ...(value.stack ? { stack: maskText(value.stack) } : {}),
      ...(typeof (value as { code?: unknown }).code !== 'undefined' ? { code: (value as { code?: unknown }).code } : {}),
      ...(cause !== undefined ? { cause: redact(cause, depth + 1, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (PII_KEYS.has(k)) out[k] = v === undefined || v === null ? v : CENSOR;
    else if (ALL_VALUES_KEYS.has(k) && v !== null && typeof v === 'object') out[k] = censorLeaves(v, depth + 1);
    else out[k] = redact(v, depth + 1, seen);
  }
  return out;
}

/** Keeps the shape (which fields), drops every value. */
function censorLeaves(value: object, depth: number): unknown {
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? censorLeaves(v, depth + 1) : CENSOR));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v !== null && typeof v === 'object' ? censorLeaves(v, depth + 1) : CENSOR]));
}

/** pino options that apply the redaction to every line; use them for every logger of the system. */
export function redactingOptions(): pino.LoggerOptions {
  return {
    formatters: { log: (object) => redact(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        // Format-string arguments and the message itself are masked too.
        const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
    serializers: { err: (e: unknown) => redact(e) },
  };
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): pino.Logger {
  const options = { name, level, ...redactingOptions() };
  return destination ? pino(options, destination) : pino(options);
}
