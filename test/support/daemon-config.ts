// The configuration the real-daemon tests start from: router-002 following vhid 1 on vmx0 behind
// the fake FreeBSD commands, no settle, a 1 s period, both sockets in the test's directory. Each
// test appends the keys its scenario needs.
import { join } from 'node:path';

/** YAML text of the base config plus `extra` (more top-level keys, already YAML). */
export function daemonConfigText(options: { dir: string; statusSock: string; stateDir: string; bsd: { ifconfig: string; sysctl: string }; extra: string }): string {
  const { dir, statusSock, stateDir, bsd, extra } = options;
  return `node: router-002
carp:
  vhids: [{ vhid: 1, interface: vmx0 }]
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${join(dir, 'intake.sock')} }
  status: { path: ${statusSock} }
state_dir: ${stateDir}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
${extra}`;
}
