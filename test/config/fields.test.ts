// Values the acceptance and red-team runs found accepted (issue 14 items 4 and 14): each is now
// refused with a message that says what is expected; the values next to them still load.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load.js';

const BASE = 'node: router-002\ncarp:\n  vhids:\n    - { vhid: 1, interface: vmx0 }\n';

/** The one problem line a YAML tail produces (fails when it loads or has several). */
function refusal(tail: string): string {
  try {
    parseConfigText(`${BASE}${tail}`, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(1);
    return `${problems[0]!.keyPath}: ${problems[0]!.reason}`;
  }
  throw new Error(`expected ${JSON.stringify(tail)} to be refused`);
}

const vmacIp = (ip: string, service = 'ns3000000.ip-198-51-100.eu') =>
  `ovh:\n  ips:\n    - { ip: ${JSON.stringify(ip)}, strategy: vmac, service: ${JSON.stringify(service)}, vmac: "02:00:00:ff:3e:98", vm_name: r2 }\n`;

describe('config fields', () => {
  it.each(['999.999.999.999/32', '../32', '192.0.2.010/32', '192.0.2.1/24', '192.0.2.1'])('refuses the failover IP %j', (ip) => {
    expect(refusal(vmacIp(ip))).toBe('ovh.ips[0].ip: must be one IPv4 address as a /32 block such as "192.0.2.10/32" (four numbers 0-255)');
  });

  it('accepts a dotted-quad /32', () => {
    expect(parseConfigText(`${BASE}${vmacIp('192.0.2.10/32')}`, 't.yaml').ovh.ips[0]!.ip).toBe('192.0.2.10/32');
  });

  it.each(['..', '.', 'ns1/../me', 'a b', '-ns1', 'ns1.'])('refuses the OVH service %j', (service) => {
    expect(refusal(vmacIp('192.0.2.10/32', service))).toMatch(/^ovh\.ips\[0\]\.service: must be an OVH service name such as ns3000000\.ip-198-51-100\.eu/);
  });

  it.each(['http://ovh.example.net/1.0', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'ftp://127.0.0.1/', 'http://127.999.0.1/', 'not a url'])('refuses base_url %j', (url) => {
    expect(refusal(`ovh:\n  base_url: ${JSON.stringify(url)}\n`)).toMatch(/^ovh\.base_url: must be an https:\/\/ URL \(http:\/\/ only to 127/);
  });

  it.each(['https://eu.api.ovh.com/1.0', 'http://127.0.0.1:8080/1.0', 'http://localhost:1/', 'http://[::1]:9/'])('accepts base_url %j', (url) => {
    expect(parseConfigText(`${BASE}ovh:\n  base_url: ${JSON.stringify(url)}\n`, 't.yaml').ovh.base_url).toBe(url);
  });

  it.each(['127.999.1.1:9000', '127.0.0.1:99999', '127.0.0.1:0', '10.0.0.1:9000', '0.0.0.0:9000', '127.0.0.1'])('refuses metrics.listen %j', (listen) => {
    expect(refusal(`metrics:\n  listen: ${JSON.stringify(listen)}\n`)).toMatch(/^metrics\.listen: must be a loopback host:port such as 127\.0\.0\.1:9807/);
  });

  it.each(['127.0.0.1:9807', '[::1]:9807', 'localhost:65535'])('accepts metrics.listen %j', (listen) => {
    expect(parseConfigText(`${BASE}metrics:\n  listen: ${JSON.stringify(listen)}\n`, 't.yaml').metrics.listen).toBe(listen);
  });

  it('accepts a numeric status group (a gid) and says what a bad one should be', () => {
    expect(parseConfigText(`${BASE}sockets:\n  status: { group: "0" }\n`, 't.yaml').sockets.status.group).toBe('0');
    expect(parseConfigText(`${BASE}sockets:\n  status: { group: operator }\n`, 't.yaml').sockets.status.group).toBe('operator');
    const reason = refusal('sockets:\n  status: { group: "Wheel;x" }\n');
    expect(reason).toBe('sockets.status.group: must be a group name (lower-case letters, digits, "_", "-"; at most 32 characters) or a numeric gid, got "Wheel;x"');
    expect(reason).not.toMatch(/regex/);
  });

  it.each([
    ['/', /must be a directory of its own, not the shared \//],
    ['/tmp', /must be a directory of its own, not the shared \/tmp/],
    ['/var/db', /must be a directory of its own, not the shared \/var\/db/],
    ['/var/db/../../etc', /must be a normalized path \(no "\.\.", "\." or "\/\/"\), such as \/etc/],
    ['/var//db/cf', /must be a normalized path/],
    ['var/db/cf', /must be an absolute path/],
  ])('refuses state_dir %j', (dir, reason) => {
    expect(refusal(`state_dir: ${JSON.stringify(dir)}\n`)).toMatch(new RegExp(`^state_dir: ${reason.source}`));
  });

  it('accepts a state_dir of its own', () => {
    expect(parseConfigText(`${BASE}state_dir: /var/db/carp-failover/\n`, 't.yaml').state_dir).toBe('/var/db/carp-failover/');
  });

  it.each(['0666', '0660', '0640', '0700'])('refuses intake mode %s: root only', (mode) => {
    expect(refusal(`sockets:\n  intake: { mode: "${mode}" }\n`)).toBe('sockets.intake.mode: must grant no more than 0600 (the intake socket takes write commands: root only)');
  });

  it.each(['0666', '0662', '0670'])('refuses status mode %s: at most 0660', (mode) => {
    expect(refusal(`sockets:\n  status: { mode: "${mode}" }\n`)).toBe('sockets.status.mode: must grant no more than 0660 (status is for root and its group, never for every user)');
  });

  it('accepts intake 0600 and status 0640', () => {
    const config = parseConfigText(`${BASE}sockets:\n  intake: { mode: "0600" }\n  status: { mode: "0640" }\n`, 't.yaml');
    expect([config.sockets.intake.mode, config.sockets.status.mode]).toEqual([0o600, 0o640]);
  });
});
