// The shared-vMAC carrier's vocabulary and its pure planner: on MASTER (or while the engine says
// keep the path) the interface is up and carries the shared vMAC; otherwise it wears its own
// hardware MAC again, so that no two ports on the hypervisor's bridge ever source the vMAC
// outside a split brain.
//
// Why exactly `ifconfig IF up` (when down) and then `ifconfig IF ether VMAC`, and nothing else
// (FreeBSD 14, sobomax/freebsd14_vendor@0f7ff342, a releng/14 tree):
//  - ifconfig's `ether` is the link address family's SIOCSIFLLADDR (sbin/ifconfig/af_link.c
//    af_ether.af_aifaddr); ifhwioctl() runs if_setlladdr() and then EVENTHANDLER_INVOKE(
//    iflladdr_event) (sys/net/if.c). if_setlladdr() copies the MAC and, when the interface is
//    UP, re-inits the driver so it filters on the new address.
//  - sys/netinet/if_ether.c registers arp_iflladdr() on iflladdr_event; it calls
//    arp_handle_ifllchange() only `if ((ifp->if_flags & IFF_UP) != 0)`, which runs arp_ifinit()
//    for every AF_INET address of the interface: one gratuitous ARP from the new MAC each
//    (plus garp_rexmit_count retransmits), skipping CARP addresses (`ifa->ifa_carp != NULL`).
//  - So the lladdr change itself is the announcement, and only on an UP interface: a DOWN
//    interface must be brought up first (`up` alone announces nothing: arp_ifinit is not on the
//    SIOCSIFFLAGS path), then the `ether` set, even when the vMAC is already there (a crash
//    between the two steps must still end announced). No `down`, no alias re-add: both would
//    cut traffic or announce nothing more. The IPFO must be a plain alias (no vhid) on the
//    carrier, or it is never announced (check-config --host checks that).
// The bridge learns the vMAC on this port from the first of those frames: OVH's edge keeps
// sending the IPFO to the vMAC, and now it reaches the new MASTER with no OVH call at all.
import { CarpFailoverError } from '../../errors.js';
import { blocked, steps, type Plan } from '../contract.js';

/** What the carrier should look like. */
export interface VmacCarrierDesired {
  interface: string;
  /** Carry the shared vMAC (MASTER, or keepPath), or wear the hardware MAC. */
  carry: boolean;
  vmac: string;
  /** Configured fallback when ifconfig shows no hwaddr (ovh.ips[].restore_mac). */
  restoreMac: string | null;
}

/** The carrier interface as ifconfig shows it. */
export type VmacCarrierActual =
  | { exists: false }
  | {
      exists: true;
      up: boolean;
      /** Current link-level address (`ether`), null when ifconfig printed none. */
      ether: string | null;
      /** The NIC's own MAC: the `hwaddr` line, else `ether` when it is not the vMAC; null when unknown. */
      hardware: string | null;
    };

/** One ifconfig call: bring the interface up, or set its link-level address. */
export type VmacCarrierStep =
  | { kind: 'up'; interface: string }
  | { kind: 'ether'; interface: string; mac: string; why: 'carry' | 'restore' };

/** The steps that take actual to desired, or blocked when that cannot be done. */
export function planVmacCarrier(desired: VmacCarrierDesired, actual: VmacCarrierActual): Plan<VmacCarrierStep> {
  const name = desired.interface;
  if (!actual.exists) {
    // A missing interface carries nothing: that already is "released".
    if (!desired.carry) return steps([]);
    return blocked(new CarpFailoverError('INTERFACE_MISSING', `${name} does not exist: it must be the router's interface on the hypervisor's bridge (ovh.ips[].interface)`, { details: { interface: name } }));
  }
  if (desired.carry) {
    const carry: VmacCarrierStep = { kind: 'ether', interface: name, mac: desired.vmac, why: 'carry' };
    if (!actual.up) return steps([{ kind: 'up', interface: name }, carry]);
    return steps(actual.ether === desired.vmac ? [] : [carry]);
  }
  if (actual.ether !== desired.vmac) return steps([]);
  const restore = actual.hardware ?? desired.restoreMac;
  if (restore === null || restore === desired.vmac) {
    return blocked(
      new CarpFailoverError('CONFIG_INVALID', `${name} carries the shared vMAC ${desired.vmac} and ifconfig shows no other hardware MAC to put back (no hwaddr line: a vlan or lagg, or the NIC itself was given the vMAC): set ovh.ips[].restore_mac`, {
        details: { interface: name, vmac: desired.vmac },
      }),
    );
  }
  return steps([{ kind: 'ether', interface: name, mac: restore, why: 'restore' }]);
}
