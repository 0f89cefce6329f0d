// Shared by the lab's FreeBSD stand-ins (run in the resident server) and the lab itself: the
// router's emulated CARP state and sysctl values, kept in files the tests read too.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** CARP_MAXSKEW (sys/netinet/ip_carp.h): DEMOTE_ADVSKEW clamps the advertised skew to it. */
export const CARP_MAXSKEW = 240;

/** The skew FreeBSD advertises with this demotion: DEMOTE_ADVSKEW(sc), floored at 0 as newer releases do. */
export function demotedAdvskew(advskew, demotion) {
  return Math.max(0, Math.min(CARP_MAXSKEW, advskew + demotion));
}

/** The CARP state the stand-in server recorded: MASTER, BACKUP, or INIT (none yet, or no election). */
export function readCarpState(file) {
  try {
    const state = readFileSync(file, 'utf8').trim();
    return state === 'MASTER' || state === 'BACKUP' ? state : 'INIT';
  } catch {
    return 'INIT';
  }
}

/** The emulated sysctl values (boottime in epoch ms); FreeBSD's boot defaults when absent. */
export function readSysctls(file) {
  const defaults = { demotion: 0, preempt: 1, allow: 1, boottime: 0 };
  try {
    return { ...defaults, ...JSON.parse(readFileSync(file, 'utf8')) };
  } catch {
    return defaults;
  }
}

/** Atomic replace, so a concurrent reader never sees half a file. */
export function writeSysctls(file, values) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(values) + '\n');
  renameSync(tmp, file);
}
