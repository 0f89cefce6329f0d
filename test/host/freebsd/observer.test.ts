import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../fakes/host.js';
import { createCarpObserver } from '../../../src/host/freebsd/observer.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');
const IFCONFIG = '/sbin/ifconfig';

function textHost(): FakeHost {
  return new FakeHost()
    .on([IFCONFIG, '--libxo'], { exitCode: 1, stderr: 'ifconfig: illegal option -- -\nusage: ifconfig ...' })
    .on([IFCONFIG, 'vtnet0'], fixture('fbsd14-vtnet0-peer.txt'))
    .on([IFCONFIG, 'carp0'], fixture('fbsd9-carp0-unknown.txt'))
    .on([IFCONFIG, 'gre9'], { exitCode: 1, stderr: fixture('fbsd14-missing-interface.stderr') });
}

describe('createCarpObserver', () => {
  it('reports each followed vhid in config order, one ifconfig per interface', async () => {
    const host = textHost();
    const observer = createCarpObserver(host, IFCONFIG);
    const states = await observer.observe([
      { vhid: 2, interface: 'vtnet0' },
      { vhid: 1, interface: 'vtnet0' },
    ]);
    expect(states).toEqual([
      { vhid: 2, interface: 'vtnet0', state: 'BACKUP', advbase: 1, advskew: 100 },
      { vhid: 1, interface: 'vtnet0', state: 'MASTER', advbase: 1, advskew: 0 },
    ]);
    expect(host.commandLines()).toEqual(['/sbin/ifconfig --libxo json lo0', '/sbin/ifconfig vtnet0']);
  });

  it('probes libxo only once', async () => {
    const host = textHost();
    const observer = createCarpObserver(host, IFCONFIG);
    await observer.observe([{ vhid: 1, interface: 'vtnet0' }]);
    await observer.observe([{ vhid: 1, interface: 'vtnet0' }]);
    expect(host.commandLines().filter((line) => line.includes('--libxo'))).toHaveLength(1);
  });

  it('ABSENT for a vhid not on the interface and for a missing interface; UNKNOWN for <UNKNOWN>', async () => {
    const observer = createCarpObserver(textHost(), IFCONFIG);
    const states = await observer.observe([
      { vhid: 9, interface: 'vtnet0' },
      { vhid: 1, interface: 'gre9' },
      { vhid: 1, interface: 'carp0' },
    ]);
    expect(states.map((s) => s.state)).toEqual(['ABSENT', 'ABSENT', 'UNKNOWN']);
  });

  it('uses libxo JSON when the probe answers', async () => {
    const host = new FakeHost()
      .on([IFCONFIG, '--libxo', 'json', 'lo0'], fixture('libxo-lo0-gre0.json'))
      .on([IFCONFIG, '--libxo', 'json', 'vtnet0'], fixture('libxo-vtnet0-two-vhids.json'));
    const states = await createCarpObserver(host, IFCONFIG).observe([
      { vhid: 1, interface: 'vtnet0' },
      { vhid: 2, interface: 'vtnet0' },
      { vhid: 20, interface: 'vtnet0' },
    ]);
    expect(states.map((s) => s.state)).toEqual(['MASTER', 'BACKUP', 'INIT']);
    expect(host.commandLines()).toEqual(['/sbin/ifconfig --libxo json lo0', '/sbin/ifconfig --libxo json vtnet0']);
  });

  it('rejects a hostile interface name before running any command', async () => {
    for (const name of ['em0;reboot', '../x', 'e'.repeat(200), '-a', 'em0\nx']) {
      const host = textHost();
      await expect(createCarpObserver(host, IFCONFIG).observe([{ vhid: 1, interface: 'vtnet0' }, { vhid: 1, interface: name }])).rejects.toMatchObject({ code: 'INVALID_NAME' });
      expect(host.calls).toEqual([]);
    }
  });

  it('rejects a vhid out of range before running any command', async () => {
    const host = textHost();
    await expect(createCarpObserver(host, IFCONFIG).observe([{ vhid: 256, interface: 'vtnet0' }])).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(host.calls).toEqual([]);
  });

  it('a failing or timing-out ifconfig is an error, not ABSENT', async () => {
    const host = textHost().on([IFCONFIG, 'vtnet0'], { timedOut: true, exitCode: 1 });
    await expect(createCarpObserver(host, IFCONFIG).observe([{ vhid: 1, interface: 'vtnet0' }])).rejects.toMatchObject({ code: 'COMMAND_TIMEOUT' });
  });

  it('output that does not describe the interface is PARSE_FAILED, not ABSENT', async () => {
    const host = textHost().on([IFCONFIG, 'vtnet0'], 'garbage\n\u0000\n');
    await expect(createCarpObserver(host, IFCONFIG).observe([{ vhid: 1, interface: 'vtnet0' }])).rejects.toMatchObject({ code: 'PARSE_FAILED' });
  });
});
