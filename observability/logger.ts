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

/** `destination`: stdout unless given (a test reads the lines back). */
export function createLogger(level: string, name = 'fareflow', destination?: pino.DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
