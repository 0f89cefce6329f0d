// The error of a failed, timed-out or unstartable command: the whole story in one object.
import { CarpFailoverError } from '../errors.js';

export interface CommandFailure {
  argv: readonly string[];
  exitCode: number | null;
  signal?: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  cause?: unknown;
}

/** A command that did not exit 0. stderr is kept (trimmed to 4 KiB) for status and logs. */
export class CommandError extends CarpFailoverError {
  readonly failure: CommandFailure;

  constructor(failure: CommandFailure) {
    const command = failure.argv.join(' ');
    const why = failure.timedOut
      ? `timed out after ${failure.durationMs} ms`
      : failure.exitCode === null
        ? `could not run${failure.signal ? ` (signal ${failure.signal})` : ''}`
        : `exited ${failure.exitCode}`;
    const stderr = failure.stderr.trim().slice(0, 4096);
    super(failure.timedOut ? 'COMMAND_TIMEOUT' : 'COMMAND_FAILED', `${command}: ${why}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, {
      cause: failure.cause,
      transient: true,
      details: {
        argv: [...failure.argv],
        exitCode: failure.exitCode,
        signal: failure.signal ?? null,
        stderr,
        durationMs: failure.durationMs,
        timedOut: failure.timedOut,
      },
    });
    this.failure = failure;
  }
}
