import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../fakes/host.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger } from '../../fakes/logger.js';
import { GreResource } from '../../../src/resources/gre/gre-resource.js';
import { netmaskHex, planGre, type GreActual, type GreDesired } from '../../../src/resources/gre/gre-plan.js';
import type { GreTunnelConfig } from '../../../src/config/schema.js';
import { desiredContext, resourceContext, stepsOf } from '../../fakes/mastership.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');
const IFCONFIG = '/sbin/ifconfig';
const ctx = resourceContext({ log: captureLogger().log, clock: new FakeClock() });

const GRE0_DOWN = fixture('fbsd14-gre0-up.txt').replace('flags=1008051<UP,POINTOPOINT,RUNNING,MULTICAST,LOWER_UP>', 'flags=1008010<POINTOPOINT,MULTICAST,LOWER_UP>');

function tunnel(over: Partial<GreTunnelConfig> = {}): GreTunnelConfig {
  return { interface: 'gre0', mode: 'follow-carp', create: false, ...over } as GreTunnelConfig;
}

function host(gre0: string | null): FakeHost {
  const fake = new FakeHost().on([IFCONFIG, '--libxo'], { exitCode: 1, stderr: 'usage: ifconfig' });
  fake.on([IFCONFIG, 'gre0'], gre0 === null ? { exitCode: 1, stderr: 'ifconfig: interface gre0 does not exist' } : gre0);
  for (const verb of ['create', 'tunnel', 'inet', 'inet6', 'up', 'down']) fake.on([IFCONFIG, 'gre0', verb], '');
  return fake;
}

/** observe → plan → apply every step, as the engine does; returns the command lines run to converge. */
async function converge(resource: GreResource, fake: FakeHost, role: 'MASTER' | 'BACKUP', keepPath = false): Promise<string[]> {
  const steps = stepsOf(resource.plan(resource.desired(desiredContext(role, { keepPath })), await resource.observe(ctx)));
  const before = fake.calls.length;
  for (const step of steps) await resource.apply(step, ctx);
  return fake.commandLines().slice(before);
}

describe('GreResource', () => {
  it('follow-carp: up on MASTER when down', async () => {
    const fake = host(GRE0_DOWN);
    expect(await converge(new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG }), fake, 'MASTER')).toEqual(['/sbin/ifconfig gre0 up']);
  });

  it('follow-carp: down on BACKUP when up', async () => {
    const fake = host(fixture('fbsd14-gre0-up.txt'));
    expect(await converge(new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG }), fake, 'BACKUP')).toEqual(['/sbin/ifconfig gre0 down']);
  });

  it('no-op when already as desired (MASTER and up, BACKUP and down)', async () => {
    let fake = host(fixture('fbsd14-gre0-up.txt'));
    expect(await converge(new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG }), fake, 'MASTER')).toEqual([]);
    fake = host(GRE0_DOWN);
    expect(await converge(new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG }), fake, 'BACKUP')).toEqual([]);
  });

  it('keepPath: a follow-carp tunnel stays up on BACKUP while OVH still routes here, and goes down once it does not', async () => {
    const fake = host(fixture('fbsd14-gre0-up.txt'));
    const resource = new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG });
    expect(await converge(resource, fake, 'BACKUP', true)).toEqual([]);
    expect(await converge(resource, fake, 'BACKUP', false)).toEqual(['/sbin/ifconfig gre0 down']);
    // And a down tunnel is brought back up for a path still in use.
    const down = host(GRE0_DOWN);
    expect(await converge(new GreResource(tunnel(), { host: down, ifconfig: IFCONFIG }), down, 'BACKUP', true)).toEqual(['/sbin/ifconfig gre0 up']);
  });

  it('status: kind, mode and whether the last observation saw it up', async () => {
    const fake = host(fixture('fbsd14-gre0-up.txt'));
    const resource = new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG });
    expect(resource.status()).toEqual({ kind: 'gre', interface: 'gre0', mode: 'follow-carp', up: null });
    await resource.observe(ctx);
    expect(resource.status()).toEqual({ kind: 'gre', interface: 'gre0', mode: 'follow-carp', up: true });
  });

  it('always-up stays up on BACKUP', async () => {
    const fake = host(GRE0_DOWN);
    expect(await converge(new GreResource(tunnel({ mode: 'always-up' }), { host: fake, ifconfig: IFCONFIG }), fake, 'BACKUP')).toEqual(['/sbin/ifconfig gre0 up']);
  });

  it('create: a missing interface is created, given its tunnel and inner addresses, and brought up', async () => {
    const fake = host(null);
    const resource = new GreResource(
      tunnel({ create: true, tunnel: { source: '198.51.100.1', destination: '203.0.113.1' }, inner: { local: '10.0.0.1', remote: '10.0.0.2' } }),
      { host: fake, ifconfig: IFCONFIG },
    );
    expect(await converge(resource, fake, 'MASTER')).toEqual([
      '/sbin/ifconfig gre0 create',
      '/sbin/ifconfig gre0 tunnel 198.51.100.1 203.0.113.1',
      '/sbin/ifconfig gre0 inet 10.0.0.1 10.0.0.2 netmask 0xfffffffc',
    ]);
  });

  it('create on BACKUP: created and configured, then explicitly down (an address marks it up)', async () => {
    const fake = host(null);
    const resource = new GreResource(
      tunnel({ create: true, tunnel: { source: '198.51.100.1', destination: '203.0.113.1' }, inner: { local: '2001:db8:ffff::1', remote: '2001:db8:ffff::2', prefixlen: 127 } }),
      { host: fake, ifconfig: IFCONFIG },
    );
    expect(await converge(resource, fake, 'BACKUP')).toEqual([
      '/sbin/ifconfig gre0 create',
      '/sbin/ifconfig gre0 tunnel 198.51.100.1 203.0.113.1',
      '/sbin/ifconfig gre0 inet6 2001:db8:ffff::1 2001:db8:ffff::2 prefixlen 127',
      '/sbin/ifconfig gre0 down',
    ]);
  });

  it('create: an existing, matching interface needs nothing; a wrong tunnel is fixed alone', async () => {
    const config = tunnel({ create: true, tunnel: { source: '198.51.100.1', destination: '203.0.113.1' }, inner: { local: '10.0.0.1', remote: '10.0.0.2', prefixlen: 30 } });
    let fake = host(fixture('fbsd14-gre0-up.txt'));
    expect(await converge(new GreResource(config, { host: fake, ifconfig: IFCONFIG }), fake, 'MASTER')).toEqual([]);
    fake = host(fixture('fbsd14-gre0-up.txt').replace('--> 203.0.113.1', '--> 203.0.113.99'));
    expect(await converge(new GreResource(config, { host: fake, ifconfig: IFCONFIG }), fake, 'MASTER')).toEqual(['/sbin/ifconfig gre0 tunnel 198.51.100.1 203.0.113.1']);
  });

  it('without create, a tunnel that differs is left alone (rc.conf owns it)', async () => {
    const fake = host(fixture('fbsd14-gre0-up.txt').replace('--> 203.0.113.1', '--> 203.0.113.99'));
    const config = tunnel({ tunnel: { source: '198.51.100.1', destination: '203.0.113.1' } });
    expect(await converge(new GreResource(config, { host: fake, ifconfig: IFCONFIG }), fake, 'MASTER')).toEqual([]);
  });

  it('missing without create: nothing to do on BACKUP, INTERFACE_MISSING on MASTER, no command run', async () => {
    const fake = host(null);
    const resource = new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG });
    expect(await converge(resource, fake, 'BACKUP')).toEqual([]);
    const before = fake.calls.length;
    const plan = resource.plan(resource.desired(desiredContext('MASTER')), await resource.observe(ctx));
    // Blocked, not a step: nothing to journal, nothing to run.
    expect(plan).toMatchObject({ kind: 'blocked', error: { code: 'INTERFACE_MISSING', details: { interface: 'gre0' } } });
    expect(fake.calls.length - before).toBe(1); // the observation only
  });

  it('describe gives the command line', () => {
    const resource = new GreResource(tunnel(), { host: new FakeHost(), ifconfig: IFCONFIG });
    expect(resource.describe({ kind: 'up', interface: 'gre0' })).toBe('/sbin/ifconfig gre0 up');
    expect(resource.describe({ kind: 'inner', interface: 'gre0', local: '10.0.0.1', remote: '10.0.0.2', prefixlen: 31 })).toBe('/sbin/ifconfig gre0 inet 10.0.0.1 10.0.0.2 netmask 0xfffffffe');
    expect(resource.id).toBe('gre:gre0');
    expect(resource.kind).toBe('gre');
  });

  it('a hostile name or address from the config is rejected when the resource is built', () => {
    for (const name of ['gre0;reboot', '../x', 'g'.repeat(200), '', '-gre0']) {
      expect(() => new GreResource(tunnel({ interface: name }), { host: new FakeHost(), ifconfig: IFCONFIG })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    }
    expect(() => new GreResource(tunnel({ tunnel: { source: '1.2.3.4; reboot', destination: '1.2.3.5' } }), { host: new FakeHost(), ifconfig: IFCONFIG })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });

  it('a hostile step (from anywhere) is refused before the command runs', async () => {
    const fake = host(GRE0_DOWN);
    const resource = new GreResource(tunnel(), { host: fake, ifconfig: IFCONFIG });
    await expect(resource.apply({ kind: 'up', interface: 'gre0;reboot' }, ctx)).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(fake.calls).toEqual([]);
  });
});

describe('planGre (pure)', () => {
  const desired: GreDesired = { interface: 'gre0', up: true, create: false };
  const up: GreActual = { exists: true, up: true, running: true, tunnel: null, addresses: [] };
  it.each<[string, GreDesired, GreActual, string[]]>([
    ['in sync up', desired, up, []],
    ['needs up', desired, { ...up, up: false }, ['up']],
    ['needs down', { ...desired, up: false }, up, ['down']],
    ['missing, down wanted', { ...desired, up: false }, { exists: false }, []],
    ['missing, create, down wanted, nothing else configured', { ...desired, up: false, create: true }, { exists: false }, ['create']],
    ['IPv6 spelled differently is the same address', { ...desired, create: true, inner: { local: '2001:db8::1', remote: '2001:db8::2' } }, { ...up, addresses: [{ family: 'inet6', address: '2001:0db8:0::1', destination: '2001:db8:0:0::2', prefixlen: 128 }] }, []],
  ])('%s', (_why, d, a, kinds) => {
    expect(stepsOf(planGre(d, a)).map((s) => s.kind)).toEqual(kinds);
  });

  it('missing, up wanted → blocked (INTERFACE_MISSING), never a step', () => {
    expect(planGre(desired, { exists: false })).toMatchObject({ kind: 'blocked', error: { code: 'INTERFACE_MISSING' } });
  });

  it('netmaskHex prints what ifconfig prints', () => {
    expect([netmaskHex(30), netmaskHex(32), netmaskHex(24), netmaskHex(0)]).toEqual(['0xfffffffc', '0xffffffff', '0xffffff00', '0x00000000']);
  });
});
