import pino, { type Logger } from 'pino';

export type { Logger };

/** Secrets never reach a log line, whatever a caller passes. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["monime-signature"]',
  'headers.authorization',
  'headers["monime-signature"]',
  'secret',
  'webhookSecrets',
  'apiToken',
  'accessToken',
];

export function createLogger(level: string, name = 'fareflow'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
