// The icmp probe: one echo request through the host layer's allow-listed ping(8), FreeBSD flags.
// FreeBSD ping(8) (sbin/ping/ping.8, freebsd/freebsd-src): -c count, -n numeric, -q quiet,
// -S src_addr (source address; "an error is returned and nothing is sent" when it is not ours),
// -W waittime (milliseconds to wait for a reply), -t timeout (seconds before ping exits whatever
// happened). Exit status 0: a reply was heard; 2: sent but no reply; other: an error (sysexits).
// Linux iputils reads -S, -W and -t differently (sndbuf, seconds, TTL): the lab runs FreeBSD
// syntax through its ping stand-in (test/lab/standins/ping.mjs), never these flags on iputils.
import { isIPv4 } from 'node:net';
import { CarpFailoverError } from '../errors.js';
import { CommandError } from '../host/command-error.js';
import type { Host } from '../host/ports.js';
import { failedResult, type Probe } from './probe.js';

export interface IcmpProbeOptions {
  ping: string;
  target: string;
  source: string | null;
  timeoutMs: number;
}

/** ping's argv for one echo request; throws INVALID_NAME on anything but IPv4 addresses. */
export function icmpArgv(options: IcmpProbeOptions): string[] {
  for (const address of [options.target, options.source]) {
    if (address !== null && !isIPv4(address)) {
      throw new CarpFailoverError('INVALID_NAME', `refusing to ping ${JSON.stringify(address)}: an IPv4 address only`, { details: { address } });
    }
  }
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const argv = [options.ping, '-n', '-q', '-c', '1', '-W', String(options.timeoutMs), '-t', String(seconds)];
  if (options.source !== null) argv.push('-S', options.source);
  argv.push(options.target);
  return argv;
}

/** A probe that pings the target once; the host kills ping shortly after the timeout. */
export function icmpProbe(host: Host, options: IcmpProbeOptions): Probe {
  const argv = icmpArgv(options);
  return async (signal) => {
    try {
      await host.run(argv, { timeoutMs: options.timeoutMs + 500, signal });
      return { ok: true, detail: `reply from ${options.target}` };
    } catch (error) {
      if (error instanceof CommandError && error.failure.exitCode === 2) return { ok: false, detail: `no reply from ${options.target}` };
      if (error instanceof CommandError && error.failure.timedOut) return { ok: false, detail: `no reply from ${options.target} within ${options.timeoutMs} ms` };
      return failedResult(error);
    }
  };
}
