// The GRE tunnel's desired and actual shapes, the pure planner between them and the exact
// ifconfig command line of each step. Pure: no I/O here, so the planner is table-tested.
import { isIP } from 'node:net';
import { CarpFailoverError } from '../../errors.js';
import { blocked, steps as stepsPlan, type Plan } from '../resource.js';
import { validateInterfaceName, validateIpAddress, validatePrefixLength } from '../../host/validate.js';
import type { InterfaceAddress } from '../../host/freebsd/ifconfig-model.js';

export interface GreDesired {
  interface: string;
  up: boolean;
  /** Create the interface and own its tunnel and inner addresses. */
  create: boolean;
  tunnel?: { source: string; destination: string };
  inner?: { local: string; remote: string; prefixlen?: number };
}

export type GreActual =
  | { exists: false }
  | {
      exists: true;
      up: boolean;
      running: boolean;
      tunnel: { source: string; destination: string } | null;
      addresses: InterfaceAddress[];
    };

export type GreStep =
  | { kind: 'create'; interface: string }
  | { kind: 'tunnel'; interface: string; source: string; destination: string }
  | { kind: 'inner'; interface: string; local: string; remote: string; prefixlen: number }
  | { kind: 'up' | 'down'; interface: string };

/** A point-to-point IPv4 tunnel is a /30 unless the config says otherwise; IPv6 a /128. */
export function innerPrefix(inner: NonNullable<GreDesired['inner']>): number {
  return inner.prefixlen ?? (isIP(inner.local) === 6 ? 128 : 30);
}

/** The steps that take actual to desired, in order ([] when in sync), or blocked when missing. */
export function planGre(desired: GreDesired, actual: GreActual): Plan<GreStep> {
  const name = desired.interface;
  const steps: GreStep[] = [];
  let up = actual.exists ? actual.up : false;
  if (!actual.exists) {
    // A missing tunnel carries no traffic: that already is "down" unless we own its creation.
    if (!desired.create) return desired.up ? blocked(missingError(name)) : stepsPlan([]);
    steps.push({ kind: 'create', interface: name });
  }
  if (desired.create) {
    const tunnel = actual.exists ? actual.tunnel : null;
    if (desired.tunnel && !(tunnel && sameIp(tunnel.source, desired.tunnel.source) && sameIp(tunnel.destination, desired.tunnel.destination))) {
      steps.push({ kind: 'tunnel', interface: name, ...desired.tunnel });
    }
    if (desired.inner && !hasInner(actual.exists ? actual.addresses : [], desired.inner)) {
      steps.push({ kind: 'inner', interface: name, local: desired.inner.local, remote: desired.inner.remote, prefixlen: innerPrefix(desired.inner) });
      // ifconfig marks an interface UP when it gets an address.
      up = true;
    }
  }
  if (desired.up !== up) steps.push({ kind: desired.up ? 'up' : 'down', interface: name });
  return stepsPlan(steps);
}

/** The tunnel must be up but does not exist, and creating it is not ours to do. */
function missingError(name: string): CarpFailoverError {
  return new CarpFailoverError('INTERFACE_MISSING', `${name} does not exist and gre.tunnels[].create is false: create it in rc.conf (cloned_interfaces) or set create: true`, {
    details: { interface: name },
  });
}

function hasInner(addresses: InterfaceAddress[], inner: NonNullable<GreDesired['inner']>): boolean {
  const prefixlen = innerPrefix(inner);
  return addresses.some(
    (a) => sameIp(a.address, inner.local) && a.destination !== undefined && sameIp(a.destination, inner.remote) && (a.prefixlen === undefined || a.prefixlen === prefixlen),
  );
}

/** Compares two addresses by value (2001:db8::1 equals 2001:0db8:0::1). */
export function sameIp(a: string, b: string): boolean {
  return canonicalIp(a) === canonicalIp(b);
}

function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname;
  } catch {
    return ip.toLowerCase();
  }
}

/** The exact argv of a step; every name and address is validated here, before any command. */
export function greStepArgv(ifconfig: string, step: GreStep): string[] {
  const name = validateInterfaceName(step.interface);
  switch (step.kind) {
    case 'create':
      return [ifconfig, name, 'create'];
    case 'tunnel':
      return [ifconfig, name, 'tunnel', validateIpAddress(step.source), validateIpAddress(step.destination)];
    case 'inner': {
      const local = validateIpAddress(step.local);
      const remote = validateIpAddress(step.remote);
      const prefixlen = validatePrefixLength(step.prefixlen);
      return isIP(local) === 6
        ? [ifconfig, name, 'inet6', local, remote, 'prefixlen', String(prefixlen)]
        : [ifconfig, name, 'inet', local, remote, 'netmask', netmaskHex(Math.min(prefixlen, 32))];
    }
    case 'up':
    case 'down':
      return [ifconfig, name, step.kind];
  }
}

/** 30 → 0xfffffffc: the form ifconfig prints, so the journal matches what the operator sees. */
export function netmaskHex(prefixlen: number): string {
  const mask = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
  return `0x${mask.toString(16).padStart(8, '0')}`;
}
