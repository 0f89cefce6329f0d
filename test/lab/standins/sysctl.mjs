// Lab stand-in for FreeBSD's sysctl(8), limited to the CARP knobs the service touches; run by the
// resident stand-in server (server.mjs) for the compiled client the service executes.
//
// net.inet.carp.demotion: a write ADDS the written value to the counter. freebsd/freebsd-src
// sys/netinet/ip_carp.c (5aad022c0d28f45f8db97615fb55cadc78290a95): carp_demote_adj_sysctl()
// hands the new value to carp_demote_adj(new, "sysctl"), which does
// atomic_add_int(&V_carp_demotion, adj) and queues carp_send_ad_all: every MASTER advertises the
// new skew at once. The counter itself is not clamped; what CARP advertises is:
// DEMOTE_ADVSKEW(sc) = min(sc_advskew + V_carp_demotion, CARP_MAXSKEW = 240) (newer releases
// also floor it at 0), used by carp_send_ad_locked(). The server hands each change to the
// router's keepalived at once (its track file: see test/lab/keepalived.ts).
// preempt and allow are plain integers (SYSCTL_INT / carp_allow_sysctl). kern.boottime is the
// lab's "boot" (when its namespaces were made), printed as sbin/sysctl/sysctl.c S_timeval() does:
// "{ sec = %jd, usec = %ld } " followed by ctime(3) without its newline; it is read-only.
import { readSysctls, writeSysctls } from './common.mjs';

const OIDS = { 'net.inet.carp.demotion': 'demotion', 'net.inet.carp.preempt': 'preempt', 'net.inet.carp.allow': 'allow', 'kern.boottime': 'boottime' };

/** ctime(3) text: "Tue Nov 14 22:13:20 2023" (local time, day padded with a space). */
function ctime(date) {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getMonth()];
  const pad = (n) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${date.getFullYear()}`;
}

function show(key, value) {
  if (key !== 'boottime') return String(value);
  const sec = Math.floor(value / 1000);
  return `{ sec = ${sec}, usec = ${(value % 1000) * 1000} } ${ctime(new Date(value))}`;
}

/** Runs one sysctl invocation; ctx.onDemotion(total) is told of every demotion change. */
export function sysctl(ctx, argv) {
  let nflag = false;
  let qflag = false;
  let iflag = false;
  const names = [];
  for (const arg of argv) {
    if (/^-[nqi]+$/.test(arg)) {
      nflag ||= arg.includes('n');
      qflag ||= arg.includes('q');
      iflag ||= arg.includes('i');
    } else if (arg.startsWith('-')) {
      return { status: 1, stdout: '', stderr: `sysctl: lab stand-in does not support option ${arg}\n` };
    } else {
      names.push(arg);
    }
  }
  if (names.length === 0) return { status: 1, stdout: '', stderr: 'sysctl: lab stand-in needs an oid\n' };
  let status = 0;
  let stderr = '';
  const out = [];
  for (const spec of names) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const key = OIDS[name];
    if (!key) {
      if (!iflag) {
        stderr += `sysctl: unknown oid '${name}'\n`;
        status = 1;
      }
      continue;
    }
    const values = readSysctls(ctx.settings.sysctlFile);
    const old = values[key];
    if (eq >= 0 && key === 'boottime') {
      stderr += `sysctl: oid '${name}' is read only\n`;
      status = 1;
    } else if (eq >= 0) {
      const text = spec.slice(eq + 1);
      if (!/^-?\d+$/.test(text)) {
        stderr += `sysctl: invalid integer '${text}'\n`;
        status = 1;
        continue;
      }
      const written = Number(text);
      values[key] = key === 'demotion' ? old + written : written;
      writeSysctls(ctx.settings.sysctlFile, values);
      if (key === 'demotion') ctx.onDemotion(values.demotion);
      if (!qflag) out.push(`${nflag ? '' : `${name}: `}${old} -> ${values[key]}`);
    } else if (!qflag) {
      out.push(`${nflag ? '' : `${name}: `}${show(key, old)}`);
    }
  }
  return { status, stdout: out.length ? out.join('\n') + '\n' : '', stderr };
}
