// The CarpObserver for FreeBSD: one `ifconfig <iface>` per followed interface, each vhid looked
// up in what the kernel printed. A vhid that is not there is ABSENT; "<UNKNOWN>" is UNKNOWN.
import type { Host } from '../ports.js';
import { validateInterfaceName, validateVhid } from '../validate.js';
import type { VhidState } from '../../model.js';
import type { ParsedInterface } from './ifconfig-model.js';
import { IfconfigReader, type IfconfigReaderOptions } from './ifconfig-reader.js';
import type { CarpObserver, FollowedVhid } from './ports.js';

/** Builds the observer over Host.run([ifconfig, iface]). */
export function createCarpObserver(host: Host, ifconfig: string, options: IfconfigReaderOptions = {}): CarpObserver & { reader: IfconfigReader } {
  const reader = new IfconfigReader(host, ifconfig, options);
  return {
    reader,
    async observe(followed: readonly FollowedVhid[], signal?: AbortSignal): Promise<VhidState[]> {
      // Every name is checked before the first command runs.
      for (const entry of followed) {
        validateInterfaceName(entry.interface);
        validateVhid(entry.vhid);
      }
      const names = [...new Set(followed.map((entry) => entry.interface))];
      const read = new Map<string, ParsedInterface | null>();
      for (const name of names) read.set(name, await reader.read(name, signal));
      return followed.map((entry) => vhidState(entry, read.get(entry.interface) ?? null));
    },
  };
}

function vhidState(entry: FollowedVhid, iface: ParsedInterface | null): VhidState {
  const carp = iface?.carp.find((c) => c.vhid === entry.vhid);
  if (!carp) return { vhid: entry.vhid, interface: entry.interface, state: 'ABSENT' };
  const state: VhidState = { vhid: entry.vhid, interface: entry.interface, state: carp.state };
  if (carp.advbase !== undefined) state.advbase = carp.advbase;
  if (carp.advskew !== undefined) state.advskew = carp.advskew;
  return state;
}
