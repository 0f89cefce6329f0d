// The exact ifconfig argv of each carrier step (what the lab's FreeBSD ifconfig stand-in must
// accept), and every hostile name or MAC refused before anything runs.
import { describe, expect, it } from 'vitest';
import { vmacCarrierArgv } from '../../../src/resources/vmac-carrier/argv.js';

describe('vmacCarrierArgv', () => {
  it('up and ether, as ifconfig(8) takes them', () => {
    expect(vmacCarrierArgv('/sbin/ifconfig', { kind: 'up', interface: 'vtnet1' })).toEqual(['/sbin/ifconfig', 'vtnet1', 'up']);
    expect(vmacCarrierArgv('/sbin/ifconfig', { kind: 'ether', interface: 'vtnet1', mac: '02:00:00:ff:3e:98', why: 'carry' })).toEqual(['/sbin/ifconfig', 'vtnet1', 'ether', '02:00:00:ff:3e:98']);
    expect(vmacCarrierArgv('/sbin/ifconfig', { kind: 'ether', interface: 'vlan12', mac: '58:9c:fc:00:02:01', why: 'restore' })).toEqual(['/sbin/ifconfig', 'vlan12', 'ether', '58:9c:fc:00:02:01']);
  });

  it.each([
    ['vtnet1;reboot', '02:00:00:ff:3e:98'],
    ['-a', '02:00:00:ff:3e:98'],
    ['vtnet1 up', '02:00:00:ff:3e:98'],
    ['vtnet1', '02:00:00:ff:3e:98 up'],
    ['vtnet1', 'random'],
    ['vtnet1', '02:00:00:FF:3E:98'],
    ['vtnet1', '01:00:5e:00:00:01'],
    ['vtnet1', '02-00-00-ff-3e-98'],
  ])('refuses interface %j with MAC %j (INVALID_NAME)', (name, mac) => {
    expect(() => vmacCarrierArgv('/sbin/ifconfig', { kind: 'ether', interface: name, mac, why: 'carry' })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});
