// The carrier's pure planner, as a table: (desired carry?, interface state) → steps or blocked.
import { describe, expect, it } from 'vitest';
import { planVmacCarrier, type VmacCarrierActual, type VmacCarrierDesired, type VmacCarrierStep } from '../../../src/resources/vmac-carrier/plan.js';

const VMAC = '02:00:00:ff:3e:98';
const HW = '58:9c:fc:00:02:01';
const desired = (carry: boolean, restoreMac: string | null = null): VmacCarrierDesired => ({ interface: 'vtnet1', carry, vmac: VMAC, restoreMac });
const iface = (up: boolean, ether: string | null, hardware: string | null): VmacCarrierActual => ({ exists: true, up, ether, hardware });
const up: VmacCarrierStep = { kind: 'up', interface: 'vtnet1' };
const carry: VmacCarrierStep = { kind: 'ether', interface: 'vtnet1', mac: VMAC, why: 'carry' };
const restore = (mac: string): VmacCarrierStep => ({ kind: 'ether', interface: 'vtnet1', mac, why: 'restore' });

const cases: Array<{ name: string; desired: VmacCarrierDesired; actual: VmacCarrierActual; steps?: VmacCarrierStep[]; blocked?: { code: string; message: RegExp } }> = [
  { name: 'MASTER, up, own MAC: carry the vMAC (the change announces it)', desired: desired(true), actual: iface(true, HW, HW), steps: [carry] },
  { name: 'MASTER, up, already carrying: in sync', desired: desired(true), actual: iface(true, VMAC, HW), steps: [] },
  { name: 'MASTER, down, own MAC: up first, then the vMAC (announced only when UP)', desired: desired(true), actual: iface(false, HW, HW), steps: [up, carry] },
  { name: 'MASTER, down, already carrying (crash between the steps): up, then set it again to announce', desired: desired(true), actual: iface(false, VMAC, HW), steps: [up, carry] },
  { name: 'MASTER, some other MAC set by hand: the vMAC replaces it', desired: desired(true), actual: iface(true, '02:11:22:33:44:55', HW), steps: [carry] },
  { name: 'MASTER, interface missing: blocked INTERFACE_MISSING', desired: desired(true), actual: { exists: false }, blocked: { code: 'INTERFACE_MISSING', message: /vtnet1 does not exist/ } },
  { name: 'BACKUP, carrying: back to the hardware MAC', desired: desired(false), actual: iface(true, VMAC, HW), steps: [restore(HW)] },
  { name: 'BACKUP, carrying while down: back to the hardware MAC, left down', desired: desired(false), actual: iface(false, VMAC, HW), steps: [restore(HW)] },
  { name: 'BACKUP, own MAC: in sync', desired: desired(false), actual: iface(true, HW, HW), steps: [] },
  { name: 'BACKUP, down with its own MAC: left alone (never brought up or down)', desired: desired(false), actual: iface(false, HW, HW), steps: [] },
  { name: 'BACKUP, a MAC set by someone else: not ours to change', desired: desired(false), actual: iface(true, '02:11:22:33:44:55', HW), steps: [] },
  { name: 'BACKUP, interface missing: nothing carries the vMAC', desired: desired(false), actual: { exists: false }, steps: [] },
  { name: 'BACKUP, carrying, no hwaddr (vlan/lagg), restore_mac set: that MAC', desired: desired(false, '02:00:00:00:0a:01'), actual: iface(true, VMAC, null), steps: [restore('02:00:00:00:0a:01')] },
  { name: 'BACKUP, carrying, no hwaddr and no restore_mac: blocked, says which key', desired: desired(false), actual: iface(true, VMAC, null), blocked: { code: 'CONFIG_INVALID', message: /set ovh\.ips\[\]\.restore_mac/ } },
  { name: 'BACKUP, the NIC itself has the vMAC as hardware MAC: blocked, never "restores" the vMAC', desired: desired(false), actual: iface(true, VMAC, VMAC), blocked: { code: 'CONFIG_INVALID', message: /the NIC itself was given the vMAC/ } },
];

describe('planVmacCarrier', () => {
  it.each(cases)('$name', ({ desired: d, actual, steps, blocked }) => {
    const plan = planVmacCarrier(d, actual);
    if (blocked) {
      expect(plan.kind).toBe('blocked');
      if (plan.kind !== 'blocked') return;
      expect(plan.error.code).toBe(blocked.code);
      expect(plan.error.message).toMatch(blocked.message);
    } else expect(plan).toEqual({ kind: 'steps', steps });
  });

  it('never plans a wait: the carrier has nothing to wait for (no provider, no settle)', () => {
    for (const c of cases) expect(planVmacCarrier(c.desired, c.actual).kind).not.toBe('wait');
  });

  it('on BACKUP never puts the vMAC on, on MASTER never takes it off', () => {
    for (const c of cases) {
      const plan = planVmacCarrier(c.desired, c.actual);
      if (plan.kind !== 'steps') continue;
      for (const step of plan.steps) {
        if (step.kind !== 'ether') continue;
        expect(step.mac === VMAC).toBe(c.desired.carry);
      }
    }
  });
});
