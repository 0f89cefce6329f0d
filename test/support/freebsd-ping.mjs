#!/usr/bin/env node
// FreeBSD ping(8) on Linux, for tests (and a lab stand-in): takes the FreeBSD flags the icmp
// path check sends (-n -q -c COUNT -W WAIT_MS -t TIMEOUT_S -S SOURCE TARGET, sbin/ping/ping.8)
// and runs iputils ping inside the namespace named by $CFE_PING_NETNS with iputils' spelling
// (-W seconds, -w deadline, -I source). Exit statuses become FreeBSD's: 0 a reply, 2 sent but
// no reply (iputils says 1), 71 EX_OSERR for any error (iputils says 2: a bad source address).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const out = ['-n', '-q'];
let target = null;
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  const value = args[i + 1];
  if (flag === '-n' || flag === '-q') continue;
  if (flag === '-c') out.push('-c', value), i++;
  else if (flag === '-W') out.push('-W', String(Number(value) / 1000)), i++;
  else if (flag === '-t') out.push('-w', value), i++;
  else if (flag === '-S') out.push('-I', value), i++;
  else if (!flag.startsWith('-') && target === null) target = flag;
  else {
    process.stderr.write(`ping: unsupported option ${flag}\n`);
    process.exit(64); // EX_USAGE
  }
}
if (target === null) {
  process.stderr.write('usage: ping [-nq] [-c count] [-W waittime] [-t timeout] [-S src_addr] host\n');
  process.exit(64);
}
const ns = process.env.CFE_PING_NETNS;
const argv = ns ? ['netns', 'exec', ns, 'ping', ...out, target] : ['ping', ...out, target];
const result = spawnSync(ns ? 'ip' : 'ping', ns ? argv : argv.slice(1), { encoding: 'utf8' });
process.stdout.write(result.stdout ?? '');
process.stderr.write(result.stderr ?? '');
process.exit(result.status === 0 ? 0 : result.status === 1 ? 2 : 71);
