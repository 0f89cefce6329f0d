// The FreeBSD stand-ins answer from a real namespace in the formats the service's parsers read:
// ifconfig text parses with src/host/freebsd/ifconfig-text.ts and has the line structure of the
// cited FreeBSD 14 fixtures; `ifconfig gre0 up|down` and `ether` move the link; sysctl demotion
// writes add; each call costs at most 10 ms (a compiled client and a resident server).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../src/host/run.js';
import { IfconfigReader } from '../../src/host/freebsd/ifconfig-reader.js';
import { parseIfconfigText } from '../../src/host/freebsd/ifconfig-text.js';
import { netnsUnavailable, skipReason } from '../support/env.js';
import { nsExec } from '../support/netns.js';
import { bridgePortOf, externalMac } from './edge.js';
import { carpEngineUnavailable, vrrpPriority } from './keepalived.js';
import { ROUTERS, SHARED_VMAC, UPSTREAM_ADDR, VIP } from './plan.js';
import { masterOf, startLab, type LabRun } from './up.js';
import { waitFor } from './wait.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/freebsd/', import.meta.url));
const execFileAsync = promisify(execFile);
const ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };

function run(file: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    return { status: 0, stdout: execFileSync(file, args, { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Each line reduced to its kind ("header", "options", "inet", "carp", …): the structure to compare. */
function shape(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => (line.startsWith('\t') ? (line.trim().split(/[\s:=]/)[0] ?? '') : 'header'));
}

const skip = skipReason('lab stand-ins', netnsUnavailable(), carpEngineUnavailable()) !== null;

describe.skipIf(skip)('lab FreeBSD stand-ins', () => {
  let lab: LabRun;
  const ra = () => lab.routers.ra.files;

  beforeAll(async () => {
    lab = await startLab({ frr: false });
  }, 60_000);
  afterAll(() => lab?.lab.teardown());

  it('keepalived plays CARP on each router with the priority its advskew maps to', () => {
    for (const router of Object.values(lab.routers)) {
      expect(router.carp.running).toBe(true);
      expect(readFileSync(router.carp.conf, 'utf8')).toContain(`priority ${vrrpPriority(router.plan.advskew)}`);
    }
    expect(masterOf(lab.routers)?.plan.id).toBe('ra');
  });

  it('ifconfig <carp interface> parses with the service parser: flags, VIP with vhid, carp line', () => {
    const master = masterOf(lab.routers)!;
    const out = run(master.files.ifconfig, 'vtnet0');
    expect(out.status).toBe(0);
    const [iface] = parseIfconfigText(out.stdout);
    expect(iface).toMatchObject({ name: 'vtnet0', up: true, running: true, mtu: 1500 });
    expect(iface!.addresses).toContainEqual(expect.objectContaining({ family: 'inet', address: VIP, prefixlen: 24, vhid: 1 }));
    expect(iface!.carp).toEqual([
      expect.objectContaining({ protocol: 'carp', vhid: 1, state: 'MASTER', advbase: 1, advskew: master.plan.advskew, peer: '224.0.0.18' }),
    ]);
    expect(shape(out.stdout)).toEqual(shape(readFileSync(`${FIXTURES}fbsd14-vtnet0-peer.txt`, 'utf8')).filter((_, i) => ![5, 9, 10].includes(i)));
  });

  it('ifconfig gre0 has the FreeBSD 14 gre0 structure and parses with tunnel endpoints', () => {
    const out = run(ra().ifconfig, 'gre0');
    expect(shape(out.stdout)).toEqual(shape(readFileSync(`${FIXTURES}fbsd14-gre0-up.txt`, 'utf8')));
    const [iface] = parseIfconfigText(out.stdout);
    expect(iface).toMatchObject({ name: 'gre0', up: true, running: true, mtu: 1476 });
    expect(iface!.tunnel).toEqual({ family: 'inet', source: ROUTERS.ra.tunnelSource, destination: ROUTERS.ra.tunnelDestination });
    expect(iface!.addresses[0]).toMatchObject({ address: ROUTERS.ra.greLocal, destination: ROUTERS.ra.greRemote, prefixlen: 30 });
  });

  it('ifconfig gre0 down/up changes the real link, and up restores the routes FreeBSD would keep', () => {
    expect(run(ra().ifconfig, 'gre0', 'down').status).toBe(0);
    const down = parseIfconfigText(run(ra().ifconfig, 'gre0').stdout)[0]!;
    expect(down).toMatchObject({ up: false, running: false });
    expect(run(ra().ifconfig, 'gre0').stdout.split('\n')[0]).toBe('gre0: flags=8010<POINTOPOINT,MULTICAST> metric 0 mtu 1476');
    expect(run(ra().ifconfig, 'gre0', 'up').status).toBe(0);
    expect(parseIfconfigText(run(ra().ifconfig, 'gre0').stdout)[0]).toMatchObject({ up: true, running: true });
    expect(nsExec(ROUTERS.ra.ns, ['ip', 'route', 'show', `${UPSTREAM_ADDR}/32`])).toContain(`via ${ROUTERS.ra.greRemote} dev gre0`);
  });

  it('a missing interface fails like FreeBSD (exit 1, the fixture stderr)', () => {
    const out = run(ra().ifconfig, 'gre9');
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(readFileSync(`${FIXTURES}fbsd14-missing-interface.stderr`, 'utf8'));
  });

  it('the service reader reads it through the real Host (libxo probe refused, text used)', async () => {
    const host = createHost({ allowed: [ra().ifconfig], defaultTimeoutMs: 5000 });
    const reader = new IfconfigReader(host, ra().ifconfig);
    expect(await reader.format()).toBe('text');
    expect((await reader.read('vtnet0'))?.carp[0]?.vhid).toBe(1);
    expect(await reader.read('gre9')).toBeNull();
  });

  it('sysctl: reads, demotion writes add (not set), read-only and unknown oids fail', () => {
    const sysctl = lab.routers.rb.files.sysctl;
    expect(run(sysctl, '-n', 'net.inet.carp.demotion').stdout).toBe('0\n');
    expect(run(sysctl, 'net.inet.carp.preempt', 'net.inet.carp.allow').stdout).toBe('net.inet.carp.preempt: 1\nnet.inet.carp.allow: 1\n');
    expect(run(sysctl, 'net.inet.carp.demotion=10').stdout).toBe('net.inet.carp.demotion: 0 -> 10\n');
    expect(run(sysctl, 'net.inet.carp.demotion=10').stdout).toBe('net.inet.carp.demotion: 10 -> 20\n');
    expect(run(sysctl, 'net.inet.carp.demotion=-20').stdout).toBe('net.inet.carp.demotion: 20 -> 0\n');
    expect(run(sysctl, '-n', 'kern.boottime').stdout).toMatch(/^\{ sec = \d+, usec = \d+ \} \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n$/);
    expect(run(sysctl, 'kern.boottime=1')).toMatchObject({ status: 1, stderr: "sysctl: oid 'kern.boottime' is read only\n" });
    expect(run(sysctl, 'net.inet.carp.nope')).toMatchObject({ status: 1, stderr: "sysctl: unknown oid 'net.inet.carp.nope'\n" });
  });

  it('ifconfig <if> ether <MAC> sets the link-level address live; the gratuitous ARP (arp_notify) teaches the hypervisor bridge its port', async () => {
    const r = lab.routers.rb.plan;
    const files = lab.routers.rb.files;
    expect(run(files.ifconfig, r.extIf, 'ether', SHARED_VMAC).status).toBe(0);
    expect(externalMac(r)).toBe(SHARED_VMAC);
    expect(run(files.ifconfig, r.extIf).stdout).toContain(`\tether ${SHARED_VMAC}\n`);
    await waitFor('the bridge to learn the vMAC on rb\'s port', 3000, () => bridgePortOf(SHARED_VMAC) === r.hvPort);
    expect(run(files.ifconfig, r.extIf, 'ether', r.nicMac, 'up').status).toBe(0);
    expect(externalMac(r)).toBe(r.nicMac);
    expect(run(files.ifconfig, r.extIf, 'ether', 'zz:00:00:00:00:01')).toMatchObject({ status: 1, stderr: 'ifconfig: ether: bad value zz:00:00:00:00:01\n' });
    expect(externalMac(r)).toBe(r.nicMac);
  });

  it('each ifconfig call costs at most 10 ms (median of 40, a process start included; /bin/true printed beside it)', async () => {
    const median = async (argv: [string, ...string[]]) => {
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const started = performance.now();
        await execFileAsync(argv[0], argv.slice(1), { env: {} });
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[20]!;
    };
    const standin = await median([ra().ifconfig, 'vtnet0']);
    const nothing = await median(['/bin/true']);
    console.log(`ifconfig stand-in: median ${standin.toFixed(2)} ms per call; /bin/true ${nothing.toFixed(2)} ms on the same machine now`);
    expect(standin).toBeLessThanOrEqual(10);
  });
});
