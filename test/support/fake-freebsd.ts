// File-backed stand-ins for FreeBSD's ifconfig and sysctl, for tests that run the real daemon
// process on Linux without namespaces. Output follows test/fixtures/freebsd/fbsd14-vtnet0-peer.txt
// (FreeBSD 14 ifconfig text: sbin/ifconfig/ifconfig.c, af_inet.c, ifcarp.c); `--libxo` is refused
// the way a stock ifconfig without libxo support answers (usage, exit 1). sysctl answers from the
// tests' one kernel model (test/fakes/freebsd-kernel.mjs): a demotion write adds, unclamped.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FakeFreeBsdState {
  /** interface → vhid → CARP state. */
  carp: Record<string, Record<string, 'MASTER' | 'BACKUP' | 'INIT'>>;
  /** gre interfaces and whether they are up. */
  gre: Record<string, boolean>;
  demotion: number;
  /** Every value written to net.inet.carp.demotion, in order (each one is a delta). */
  writes?: number[];
  preempt: number;
  allow: number;
}

const IFCONFIG = String.raw`#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const file = path.join(__dirname, 'state.json');
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
if (args[0] === '--libxo') { process.stderr.write('usage: ifconfig [-j jail] [-f type:format] [-L] [-C] [-g groupname] interface\n'); process.exit(1); }
const name = args[0];
if (args.length === 2 && (args[1] === 'up' || args[1] === 'down') && name in state.gre) {
  state.gre[name] = args[1] === 'up';
  fs.writeFileSync(file + '.tmp', JSON.stringify(state));
  fs.renameSync(file + '.tmp', file);
  process.exit(0);
}
if (args.length !== 1) { process.stderr.write('ifconfig: fake supports only "ifconfig IFACE" and "ifconfig GRE up|down"\n'); process.exit(1); }
if (name in state.gre) {
  const up = state.gre[name];
  const flags = up ? '8051<UP,POINTOPOINT,RUNNING,MULTICAST>' : '8010<POINTOPOINT,MULTICAST>';
  process.stdout.write(name + ': flags=' + flags + ' metric 0 mtu 1476\n\toptions=80000<LINKSTATE>\n\ttunnel inet 198.51.100.2 --> 203.0.113.1\n\tinet 10.0.0.1 --> 10.0.0.2 netmask 0xfffffffc\n\tgroups: gre\n\tnd6 options=29<PERFORMNUD,IFDISABLED,NO_RADR>\n');
  process.exit(0);
}
const vhids = state.carp[name];
if (!vhids) { process.stderr.write('ifconfig: interface ' + name + ' does not exist\n'); process.exit(1); }
let out = name + ': flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n\tether 58:9c:fc:00:01:02\n\tinet 192.0.2.2 netmask 0xffffff00 broadcast 192.0.2.255\n';
for (const vhid of Object.keys(vhids)) out += '\tinet 192.0.2.' + (100 + Number(vhid)) + ' netmask 0xffffff00 broadcast 192.0.2.255 vhid ' + vhid + '\n';
for (const [vhid, carpState] of Object.entries(vhids)) out += '\tcarp: ' + carpState + ' vhid ' + vhid + ' advbase 1 advskew 0\n\t      peer 224.0.0.18 peer6 ff02::12\n';
out += '\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n\tstatus: active\n';
process.stdout.write(out);
`;

/** The sysctl stand-in: the tests' one kernel model (test/fakes/freebsd-kernel.mjs) over state.json. */
const KERNEL_MODEL = pathToFileURL(fileURLToPath(new URL('../fakes/freebsd-kernel.mjs', import.meta.url))).href;
const SYSCTL = String.raw`#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const file = path.join(__dirname, 'state.json');
import(${JSON.stringify(KERNEL_MODEL)}).then(({ runSysctl }) => {
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  // kern.boottime: 2025-11-25 08:00:00 UTC, as a router that booted then would print it.
  const values = { demotion: state.demotion, preempt: state.preempt, allow: state.allow, boottime: 1764057600000 };
  const result = runSysctl(process.argv.slice(2), values);
  if (process.argv.slice(2).some((arg) => arg.includes('='))) {
    Object.assign(state, { demotion: values.demotion, preempt: values.preempt, allow: values.allow, writes: [...(state.writes || []), ...result.writes] });
    fs.writeFileSync(file + '.' + process.pid + '.tmp', JSON.stringify(state));
    fs.renameSync(file + '.' + process.pid + '.tmp', file);
  }
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
});
`;

/** A temp dir holding `ifconfig`, `sysctl` and their shared state.json. */
export class FakeFreeBsd {
  readonly dir: string;
  readonly ifconfig: string;
  readonly sysctl: string;
  private readonly stateFile: string;

  constructor(initial: FakeFreeBsdState) {
    this.dir = mkdtempSync(join(tmpdir(), 'cf-fakebsd-'));
    this.ifconfig = join(this.dir, 'ifconfig');
    this.sysctl = join(this.dir, 'sysctl');
    this.stateFile = join(this.dir, 'state.json');
    writeFileSync(this.ifconfig, IFCONFIG);
    writeFileSync(this.sysctl, SYSCTL);
    chmodSync(this.ifconfig, 0o755);
    chmodSync(this.sysctl, 0o755);
    this.write(initial);
  }

  read(): FakeFreeBsdState {
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as FakeFreeBsdState;
  }

  write(state: FakeFreeBsdState): void {
    writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(state));
    writeFileSync(this.stateFile, JSON.stringify(state));
  }

  /** Sets one vhid's state, as the kernel would on an election. */
  setCarp(iface: string, vhid: number, carpState: 'MASTER' | 'BACKUP' | 'INIT'): void {
    const state = this.read();
    state.carp[iface] = { ...(state.carp[iface] ?? {}), [String(vhid)]: carpState };
    this.write(state);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
