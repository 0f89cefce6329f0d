// A pino logger whose lines land in an array of parsed objects, for assertions on logs.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { REDACT_PATHS } from '../../src/logging.js';

export interface CapturedLogger {
  log: Logger;
  lines: Array<Record<string, unknown>>;
  /** Every line as raw text: for "no secret anywhere" scans. */
  text(): string;
}

export function captureLogger(level: pino.LevelWithSilent = 'trace'): CapturedLogger {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const log = pino({ level, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, sink);
  return { log, lines, text: () => raw.join('\n') };
}
