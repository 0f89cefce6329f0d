import { describe, expect, it } from 'vitest';
import { Vtysh, VtyshError, findVtyshError, parseFlavour } from '../../../src/resources/ospf/vtysh.js';
import { FakeHost } from '../../fakes/host.js';
import { fixture } from './fixture.js';

const VTYSH = '/usr/local/bin/vtysh';
const base = { vtysh: VTYSH, vty_socket: null, timeout_ms: 5000, flavour: 'auto' as const };

describe('Vtysh.argv', () => {
  it('puts one -c per command, in order, and --vty_socket only when configured', () => {
    const host = new FakeHost();
    expect(new Vtysh(host, base).argv(['configure terminal', 'interface gre0', 'ip ospf cost 10'])).toEqual([
      VTYSH, '-c', 'configure terminal', '-c', 'interface gre0', '-c', 'ip ospf cost 10',
    ]);
    expect(new Vtysh(host, { ...base, vty_socket: '/run/frr/r1' }).argv(['show version'])).toEqual([VTYSH, '--vty_socket', '/run/frr/r1', '-c', 'show version']);
  });

  it('refuses a command with a newline or control character before anything runs', async () => {
    const host = new FakeHost().on([VTYSH], '');
    await expect(new Vtysh(host, base).run(['interface gre0\nno router ospf'])).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(host.calls).toEqual([]);
  });
});

describe('Vtysh.run error detection', () => {
  const cases: Array<[string, { stdout?: string; stderr?: string; exitCode?: number }, string, string]> = [
    ['"% Unknown command" on stdout with exit 0 (Quagga, older FRR)', { stdout: '% Unknown command.\n' }, 'VTYSH_FAILED', '% Unknown command.'],
    ['"% Unknown command: …" with exit 1 (FRR 8.4, seen in the lab)', { stdout: '% Unknown command: show ip ospf bogus\n', exitCode: 1 }, 'VTYSH_FAILED', '% Unknown command: show ip ospf bogus'],
    ['"% Can\'t find interface"', { stdout: "% Can't find interface gre9\n" }, 'VTYSH_FAILED', "% Can't find interface gre9"],
    ['"% Invalid input" after good lines', { stdout: 'ok\n% Invalid input detected at \'^\' marker.\n' }, 'VTYSH_FAILED', "% Invalid input detected at '^' marker."],
    ['"ospfd is not running" on stderr, exit 1 (FRR 8.4, seen in the lab)', { stderr: 'ospfd is not running\n', exitCode: 1 }, 'OSPF_UNAVAILABLE', 'ospfd is not running'],
    ['"ospfd is not running" on stdout with exit 0', { stdout: 'ospfd is not running\n' }, 'OSPF_UNAVAILABLE', 'ospfd is not running'],
    ['"Exiting: failed to connect to any daemons."', { stderr: 'Exiting: failed to connect to any daemons.\n', exitCode: 1 }, 'OSPF_UNAVAILABLE', 'Exiting: failed to connect to any daemons.'],
    ['Quagga\'s " OSPF Routing Process not enabled"', { stdout: ' OSPF Routing Process not enabled\n' }, 'OSPF_UNAVAILABLE', 'OSPF Routing Process not enabled'],
  ];
  for (const [name, answer, code, line] of cases) {
    it(`turns ${name} into ${code} with argv, output and the line`, async () => {
      const host = new FakeHost().on([VTYSH], answer);
      const error = await new Vtysh(host, base).run(['show ip ospf interface json']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VtyshError);
      const vtyshError = error as VtyshError;
      expect(vtyshError.code).toBe(code);
      expect(vtyshError.line).toBe(line);
      expect(vtyshError.argv).toEqual([VTYSH, '-c', 'show ip ospf interface json']);
      expect(vtyshError.message).toContain(line);
      expect(vtyshError.details).toMatchObject({ line, argv: [VTYSH, '-c', 'show ip ospf interface json'] });
    });
  }

  it('passes JSON and text answers through, even with "%" inside a line', async () => {
    const json = fixture('frr-8.4-interface.json.txt');
    const host = new FakeHost().on([VTYSH], json);
    expect(await new Vtysh(host, base).run(['show ip ospf interface json'])).toBe(json);
    expect(findVtyshError(fixture('quagga-1.2-interfaces.txt'))).toBeNull();
    expect(findVtyshError('  Utilisation 50%\n')).toBeNull();
  });

  it('turns a timeout into a transient OSPF_UNAVAILABLE that says so, and passes the timeout on', async () => {
    const host = new FakeHost().on([VTYSH], (_argv, options) => {
      expect(options?.timeoutMs).toBe(1234);
      return { timedOut: true, exitCode: 143 };
    });
    const error = (await new Vtysh(host, { ...base, timeout_ms: 1234 }).run(['show version']).catch((e: unknown) => e)) as VtyshError;
    expect(error.code).toBe('OSPF_UNAVAILABLE');
    expect(error.transient).toBe(true);
    expect(error.details.timedOut).toBe(true);
    expect(error.message).toMatch(/1234 ms/);
  });

  it('names a non-zero exit without a known line', async () => {
    const host = new FakeHost().on([VTYSH], { stderr: 'vtysh: something odd\n', exitCode: 2 });
    await expect(new Vtysh(host, base).run(['show version'])).rejects.toMatchObject({ code: 'VTYSH_FAILED', line: 'vtysh: something odd', message: expect.stringContaining('exited 2') });
  });

  it('treats an empty answer to a show command as ospfd not answering (Quagga skips daemons it cannot reach)', async () => {
    const host = new FakeHost().on([VTYSH], '\n');
    await expect(new Vtysh(host, base).show('show ip ospf neighbor')).rejects.toMatchObject({ code: 'OSPF_UNAVAILABLE' });
  });
});

describe('Vtysh.flavour', () => {
  it('asks `show version` once and remembers', async () => {
    const host = new FakeHost().on([VTYSH, '-c', 'show version'], fixture('frr-8.4-version.txt'));
    const vtysh = new Vtysh(host, base);
    expect(await vtysh.flavour()).toBe('frr');
    expect(await vtysh.flavour()).toBe('frr');
    expect(host.calls).toHaveLength(1);
  });

  it('recognises Quagga (lib/command.c: "Quagga %s (%s).")', async () => {
    expect(parseFlavour('Quagga 1.2.4 (router-001).\nCopyright 1996-2005 Kunihiro Ishiguro, et al.\n')).toBe('quagga');
    expect(parseFlavour('Hello\n')).toBeNull();
  });

  it('does not remember a failed probe: ospfd may be back next time', async () => {
    let up = false;
    const host = new FakeHost().on([VTYSH], () => (up ? fixture('frr-8.4-version.txt') : { stderr: 'Exiting: failed to connect to any daemons.\n', exitCode: 1 }));
    const vtysh = new Vtysh(host, base);
    await expect(vtysh.flavour()).rejects.toMatchObject({ code: 'OSPF_UNAVAILABLE' });
    up = true;
    expect(await vtysh.flavour()).toBe('frr');
  });

  it('refuses an unknown vtysh and asks for ospf.flavour', async () => {
    const host = new FakeHost().on([VTYSH], 'Cisco IOS Software\n');
    await expect(new Vtysh(host, base).flavour()).rejects.toMatchObject({ code: 'VTYSH_FAILED', message: expect.stringContaining('ospf.flavour') });
  });

  it('uses the configured flavour without asking', async () => {
    const host = new FakeHost();
    expect(await new Vtysh(host, { ...base, flavour: 'quagga' }).flavour()).toBe('quagga');
    expect(host.calls).toEqual([]);
  });
});
