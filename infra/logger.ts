// pino JSON logs; personal data is redacted by path so it never reaches a log in the clear.
import pino from 'pino';

export const PII_PATHS = [
  '*.name', '*.idNumber', '*.phone', '*.address', '*.citizenId', '*.childCitizenId', '*.newbornName',
  '*.*.name', '*.*.idNumber', '*.*.phone', '*.*.address',
  'req.headers.authorization', 'req.headers["x-signature"]', 'trackingCode', '*.trackingCode',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): pino.Logger {
  return pino({ name, level, redact: { paths: PII_PATHS, censor: '[redacted]' } });
}
