import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { checkCarpHost } from '../../../src/host/freebsd/check-host.js';
import { FakeHost } from '../../fakes/host.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

const config = configSchema.parse({
  node: 'router-001',
  carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }, { vhid: 2, interface: 'vtnet0' }, { vhid: 7, interface: 'vtnet0' }] },
  gre: { tunnels: [{ interface: 'gre0' }, { interface: 'gre1', create: true }, { interface: 'gre2' }] },
});

function host(sysctls: Record<string, string>): FakeHost {
  const fake = new FakeHost()
    .on(['/sbin/ifconfig', '--libxo'], { exitCode: 1, stderr: 'usage' })
    .on(['/sbin/ifconfig', 'vtnet0'], fixture('fbsd14-vtnet0-peer.txt'))
    .on(['/sbin/ifconfig', 'gre0'], fixture('fbsd14-gre0-up.txt'))
    .on(['/sbin/ifconfig', 'gre1'], { exitCode: 1, stderr: 'ifconfig: interface gre1 does not exist' })
    .on(['/sbin/ifconfig', 'gre2'], { exitCode: 1, stderr: 'ifconfig: interface gre2 does not exist' });
  fake.on(['/sbin/sysctl', '-n'], (argv) => (argv[2]! in sysctls ? `${sysctls[argv[2]!]}\n` : { exitCode: 1, stderr: `sysctl: unknown oid '${argv[2]}'` }));
  return fake;
}

describe('checkCarpHost', () => {
  it('reports interfaces, vhids, GRE and sysctls in order', async () => {
    const checks = await checkCarpHost(config, host({ 'net.inet.carp.demotion': '0', 'net.inet.carp.preempt': '1', 'net.inet.carp.allow': '1' }));
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['interface vtnet0', true],
      ['vhid 1 on vtnet0', true],
      ['vhid 2 on vtnet0', true],
      ['vhid 7 on vtnet0', false],
      ['gre gre0', true],
      ['gre gre1', true],
      ['gre gre2', false],
      ['sysctl net.inet.carp.demotion', true],
      ['sysctl net.inet.carp.preempt', true],
      ['sysctl net.inet.carp.allow', true],
      ['net.inet.carp.preempt is 1', true],
      ['net.inet.carp.allow is 1', true],
    ]);
    expect(checks.find((c) => c.name === 'vhid 7 on vtnet0')!.message).toMatch(/rc\.conf/);
    expect(checks.find((c) => c.name === 'gre gre2')!).toMatchObject({ level: 'error', message: 'does not exist' });
  });

  it('preempt 0 is a warning; allow 0 and unreadable sysctls are errors', async () => {
    const checks = await checkCarpHost(config, host({ 'net.inet.carp.preempt': '0', 'net.inet.carp.allow': '0' }));
    expect(checks.find((c) => c.name === 'net.inet.carp.preempt is 1')).toMatchObject({ ok: false, level: 'warning' });
    expect(checks.find((c) => c.name === 'net.inet.carp.allow is 1')).toMatchObject({ ok: false, level: 'error' });
    expect(checks.find((c) => c.name === 'sysctl net.inet.carp.demotion')).toMatchObject({ ok: false, level: 'error' });
  });

  it('a missing followed interface is an error and its vhids are not looked up', async () => {
    const fake = host({}).on(['/sbin/ifconfig', 'vtnet0'], { exitCode: 1, stderr: 'ifconfig: interface vtnet0 does not exist' });
    const checks = await checkCarpHost(config, fake);
    expect(checks[0]).toMatchObject({ name: 'interface vtnet0', ok: false, level: 'error' });
    expect(checks.some((c) => c.name.startsWith('vhid'))).toBe(false);
  });
});
