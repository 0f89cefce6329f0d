// The icmp probe speaks FreeBSD ping(8): its argv, and its exit statuses (sbin/ping/ping.8:
// 0 a reply was heard, 2 sent but no reply, any other value an error from sysexits.h).
import { describe, expect, it } from 'vitest';
import { icmpArgv, icmpProbe } from '../../src/election/probe-icmp.js';
import { FakeHost } from '../fakes/host.js';

const OPTIONS = { ping: '/sbin/ping', target: '198.51.100.1', source: '192.0.2.10', timeoutMs: 800 };

describe('icmp probe', () => {
  it('sends one echo request with FreeBSD flags: -S source, -W wait in ms, -t overall seconds', () => {
    expect(icmpArgv(OPTIONS)).toEqual(['/sbin/ping', '-n', '-q', '-c', '1', '-W', '800', '-t', '1', '-S', '192.0.2.10', '198.51.100.1']);
    expect(icmpArgv({ ...OPTIONS, source: null, timeoutMs: 2500 })).toEqual(['/sbin/ping', '-n', '-q', '-c', '1', '-W', '2500', '-t', '3', '198.51.100.1']);
  });

  it('refuses anything but IPv4 addresses before a command is built', () => {
    expect(() => icmpArgv({ ...OPTIONS, target: '198.51.100.1; reboot' })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    expect(() => icmpArgv({ ...OPTIONS, source: '-f' })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });

  it('exit 0 is a reply, exit 2 is no reply (the path is down), any other exit is a probe that could not run', async () => {
    const host = new FakeHost();
    const probe = icmpProbe(host, OPTIONS);
    host.on(['/sbin/ping'], { stdout: 'PING 198.51.100.1 (198.51.100.1) from 192.0.2.10: 56 data bytes\n\n--- 198.51.100.1 ping statistics ---\n1 packets transmitted, 1 packets received, 0.0% packet loss\n' });
    expect(await probe(new AbortController().signal)).toEqual({ ok: true, detail: 'reply from 198.51.100.1' });
    host.on(['/sbin/ping'], { exitCode: 2, stdout: '1 packets transmitted, 0 packets received, 100.0% packet loss\n' });
    expect(await probe(new AbortController().signal)).toEqual({ ok: false, detail: 'no reply from 198.51.100.1' });
    // ping.c: bind() of a source address that is not ours fails with EX_OSERR (71).
    host.on(['/sbin/ping'], { exitCode: 71, stderr: "ping: bind: Can't assign requested address\n" });
    const broken = await probe(new AbortController().signal);
    expect(broken).toMatchObject({ ok: false, broken: true });
    expect(broken.detail).toContain("Can't assign requested address");
    host.on(['/sbin/ping'], { timedOut: true, exitCode: 1 });
    expect(await probe(new AbortController().signal)).toEqual({ ok: false, detail: 'no reply from 198.51.100.1 within 800 ms' });
  });

  it('gives the host a kill timeout just over the probe timeout and passes the abort signal', async () => {
    const host = new FakeHost();
    let seen: { timeoutMs?: number; signal?: AbortSignal } = {};
    host.on(['/sbin/ping'], (_argv, options) => {
      seen = { timeoutMs: options?.timeoutMs, signal: options?.signal };
      return '';
    });
    const controller = new AbortController();
    await icmpProbe(host, OPTIONS)(controller.signal);
    expect(seen.timeoutMs).toBe(1300);
    expect(seen.signal).toBe(controller.signal);
  });
});
