// The one model of FreeBSD's CARP kernel knobs for every test double: sysctl(8) over the CARP
// oids, the demotion counter's arithmetic and the skew a router advertises. Plain JavaScript so
// the process stand-ins (test/support/fake-freebsd.ts, test/lab/standins/sysctl.mjs) run it
// without tsx; the in-process fakes (test/fakes/carp.ts, test/host/freebsd/fake-kernel.ts,
// test/blue-green/kernel.ts) import the same functions.
//
// net.inet.carp.demotion: a write ADDS the written value. freebsd/freebsd-src sys/netinet/ip_carp.c
// (5aad022c0d28f45f8db97615fb55cadc78290a95): carp_demote_adj_sysctl() hands the new value to
// carp_demote_adj(new, "sysctl"), which does atomic_add_int(&V_carp_demotion, adj). The counter
// is not clamped; what CARP advertises is: DEMOTE_ADVSKEW(sc) = min(sc_advskew + V_carp_demotion,
// CARP_MAXSKEW = 240), floored at 0 since 12.x, used by carp_send_ad_locked(). preempt and allow
// are plain integers. kern.boottime is printed as sbin/sysctl/sysctl.c S_timeval() does:
// "{ sec = %jd, usec = %ld } " then ctime(3) without its newline; it is read-only.

/** CARP_MAXSKEW, sys/netinet/ip_carp.h. */
export const CARP_MAXSKEW = 240;

/** The counter after a write of `delta`: an int add, no clamp (atomic_add_int on an int). */
export function addDemotion(counter, delta) {
  return (counter + delta) | 0;
}

/** What a vhid advertises: DEMOTE_ADVSKEW(sc). */
export function advertisedSkew(advskew, demotion) {
  return Math.max(0, Math.min(CARP_MAXSKEW, advskew + demotion));
}

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
  return `{ sec = ${Math.floor(value / 1000)}, usec = ${(value % 1000) * 1000} } ${ctime(new Date(value))}`;
}

/**
 * sysctl(8) with argv (without the program name) over `values` ({ demotion, preempt, allow,
 * boottime: epoch ms }), which it updates in place. Returns what the command prints and its
 * status, and the demotion deltas written (in order).
 */
export function runSysctl(args, values) {
  let nflag = false;
  let qflag = false;
  let iflag = false;
  const names = [];
  for (const arg of args) {
    if (/^-[nqi]+$/.test(arg)) {
      nflag ||= arg.includes('n');
      qflag ||= arg.includes('q');
      iflag ||= arg.includes('i');
    } else if (arg.startsWith('-')) {
      return { stdout: '', stderr: `sysctl: stand-in does not support option ${arg}\n`, exitCode: 1, writes: [] };
    } else {
      names.push(arg);
    }
  }
  if (names.length === 0) return { stdout: '', stderr: 'sysctl: stand-in needs an oid\n', exitCode: 1, writes: [] };
  let exitCode = 0;
  let stderr = '';
  const out = [];
  const writes = [];
  for (const spec of names) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const key = OIDS[name];
    if (!key) {
      if (!iflag) {
        stderr += `sysctl: unknown oid '${name}'\n`;
        exitCode = 1;
      }
      continue;
    }
    const old = values[key];
    if (eq >= 0 && key === 'boottime') {
      stderr += `sysctl: oid '${name}' is read only\n`;
      exitCode = 1;
    } else if (eq >= 0) {
      const text = spec.slice(eq + 1);
      if (!/^-?\d+$/.test(text)) {
        stderr += `sysctl: invalid integer '${text}'\n`;
        exitCode = 1;
        continue;
      }
      const written = Number(text);
      if (key === 'demotion') writes.push(written);
      values[key] = key === 'demotion' ? addDemotion(old, written) : written;
      if (!qflag) out.push(`${nflag ? '' : `${name}: `}${old} -> ${values[key]}`);
    } else if (!qflag) {
      out.push(`${nflag ? '' : `${name}: `}${show(key, old)}`);
    }
  }
  return { stdout: out.length ? `${out.join('\n')}\n` : '', stderr, exitCode, writes };
}
