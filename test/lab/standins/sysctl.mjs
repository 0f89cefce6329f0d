// Lab stand-in for FreeBSD's sysctl(8), limited to the CARP knobs the service touches; run by the
// resident stand-in server (server.mjs) for the compiled client the service executes.
//
// Its semantics are the tests' one model of the kernel's CARP knobs (test/fakes/freebsd-kernel.mjs:
// a demotion write adds, unclamped, as carp_demote_adj() does in sys/netinet/ip_carp.c; boottime
// read-only, printed as sysctl(8) does). The server hands each demotion change to the router's
// keepalived at once (its track file: see test/lab/keepalived.ts), as CARP advertises the new
// skew at once.
import { runSysctl } from '../../fakes/freebsd-kernel.mjs';
import { readSysctls, writeSysctls } from './common.mjs';

/** Runs one sysctl invocation; ctx.onDemotion(total) is told of every demotion change. */
export function sysctl(ctx, argv) {
  const values = readSysctls(ctx.settings.sysctlFile);
  const before = values.demotion;
  const result = runSysctl(argv, values);
  if (argv.some((arg) => arg.includes('='))) writeSysctls(ctx.settings.sysctlFile, values);
  if (values.demotion !== before) ctx.onDemotion(values.demotion);
  return { status: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
