// The root logger: pino JSON lines on stdout (daemon(8) forwards them to syslog).
import pino, { type Logger } from 'pino';
import { redactSecrets } from './redact.js';

/** Keys that may carry secrets anywhere in a log object; pino replaces their values. */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'applicationSecret',
  '*.applicationSecret',
  'application_secret',
  '*.application_secret',
  'consumerKey',
  '*.consumerKey',
  'consumer_key',
  '*.consumer_key',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-ovh-consumer"]',
  'headers["x-ovh-signature"]',
] as const;

/** Builds the root logger; destination injectable for tests. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { name: 'carp-failover' },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      // Keys above catch secrets by name; this catches a secret value anywhere in a line.
      hooks: { streamWrite: redactSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
