// `check-config --host` runs each path check once: ok, down now (a warning: the config may be
// right and the upstream down) or cannot probe (an error: check-config exits 78).
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { checkPathsOnce } from '../../src/election/check-host.js';
import { FakeHost } from '../fakes/host.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

describe('checkPathsOnce', () => {
  it('one finding per check, each from one real probe', async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const config = parseConfigText(
      [
        'node: router-002',
        'carp: {vhids: [{vhid: 1, interface: vmx0}]}',
        'ospf: {vtysh: /usr/local/bin/vtysh}',
        'health:',
        '  checks:',
        '    - {name: gw, type: icmp, target: 198.51.100.1, source: 192.0.2.10}',
        '    - {name: far, type: icmp, target: 198.51.100.2}',
        '    - {name: wrong-source, type: icmp, target: 198.51.100.3, source: 192.0.2.99}',
        `    - {name: api, type: tcp, host: 127.0.0.1, port: ${port}}`,
        '    - {name: dflt, type: route, prefix: 0.0.0.0/0, protocol: ospf}',
        '',
      ].join('\n'),
      'test.yaml',
    );
    const host = new FakeHost()
      .on(['/sbin/ping'], { exitCode: 71, stderr: "ping: bind: Can't assign requested address\n" })
      .on((argv) => argv.at(-1) === '198.51.100.2', { exitCode: 2 })
      .on((argv) => argv.at(-1) === '198.51.100.1', 'PING ok\n')
      .on(['/usr/local/bin/vtysh'], '{"0.0.0.0/0":[{"prefix":"0.0.0.0/0","protocol":"ospf","selected":true,"installed":true}]}\n');
    const findings = await checkPathsOnce(config, host);
    expect(findings.map((f) => [f.name, f.ok, f.level])).toEqual([
      ['path check gw (icmp 198.51.100.1 from 192.0.2.10)', true, 'error'],
      ['path check far (icmp 198.51.100.2)', false, 'warning'],
      ['path check wrong-source (icmp 198.51.100.3 from 192.0.2.99)', false, 'error'],
      [`path check api (tcp 127.0.0.1:${port})`, true, 'error'],
      ['path check dflt (route 0.0.0.0/0 (ospf))', true, 'error'],
    ]);
    expect(findings[1]!.message).toBe('down now: no reply from 198.51.100.2');
    expect(findings[2]!.message).toContain("cannot probe: COMMAND_FAILED: /sbin/ping -n -q -c 1 -W 1000 -t 1 -S 192.0.2.99 198.51.100.3: exited 71: ping: bind: Can't assign requested address");
    expect(host.commandLines()).toContain('/usr/local/bin/vtysh -c show ip route 0.0.0.0/0 json');
  });
});
