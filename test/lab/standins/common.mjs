// Shared by the FreeBSD stand-ins: the per-router settings the lab wrote, and the namespace's
// real state read with `ip -n <ns> -j …` (no shell; `ip -n` is `ip netns exec` for ip itself).
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * The router's settings, from the JSON file named by CFL_STANDIN (set by the generated wrapper):
 * { ns, carpStateFile, sysctlFile, vhids: [{vhid, interface, vip, prefixlen, advbase, advskew}],
 *   tunnels: { gre0: { source, destination, remote, routes } } }
 */
export function loadSettings() {
  const file = process.env.CFL_STANDIN;
  if (!file) fail(2, 'CFL_STANDIN is not set (run the wrapper the lab generated)');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** `ip -n ns -j args…` parsed; null when the object does not exist. */
export function ipJson(ns, args) {
  try {
    const out = execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out || '[]');
  } catch {
    return null;
  }
}

/** `ip -n ns args…`; throws with ip's stderr. */
export function ipRun(ns, args) {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The CARP state the ucarp up/down scripts recorded: MASTER, BACKUP, or INIT before any ran. */
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

/** Atomic replace, so the lab's watcher and a concurrent reader never see half a file. */
export function writeSysctls(file, values) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(values) + '\n');
  renameSync(tmp, file);
}

/** Prints to stderr the way FreeBSD's err(3) does ("ifconfig: …") and exits. */
export function fail(code, message) {
  const prog = (process.argv[1] ?? 'standin').split('/').pop().replace(/\.mjs$/, '');
  process.stderr.write(`${prog}: ${message}\n`);
  process.exit(code);
}
