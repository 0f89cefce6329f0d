// sysexits(3) values the CLI exits with; scripts and rc.d rely on them.
export const EXIT = {
  OK: 0,
  /** A check that ran and failed (drain --wait timed out, ovh check found a problem). */
  FAILURE: 1,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  /** The service is not running (no socket answer). */
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  IOERR: 74,
  TEMPFAIL: 75,
  NOPERM: 77,
  /** Bad configuration. */
  CONFIG: 78,
} as const;
