#!/usr/bin/env node
// Lab stand-in for FreeBSD's sysctl(8), limited to the CARP knobs the service touches.
//
// Its semantics are the tests' one model of the kernel's CARP knobs (test/fakes/freebsd-kernel.mjs:
// a demotion write adds, unclamped; boottime read-only, printed as sysctl(8) does). The lab's
// ucarp manager watches the file written here and restarts that router's ucarp with the
// advertised skew the same model computes.
import { runSysctl } from '../../fakes/freebsd-kernel.mjs';
import { loadSettings, readSysctls, writeSysctls } from './common.mjs';

const settings = loadSettings();
const values = readSysctls(settings.sysctlFile);
const result = runSysctl(process.argv.slice(2), values);
if (result.writes.length > 0 || process.argv.slice(2).some((arg) => arg.includes('='))) writeSysctls(settings.sysctlFile, values);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exit(result.exitCode);
