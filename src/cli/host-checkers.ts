// The host checks other modules export, registered here (carp, ospf, the vMAC carrier, ovh
// secrets, the shared vMAC at OVH, each path check once).
import { checkCarpHost } from '../host/freebsd/check-host.js';
import { checkOspfHost } from '../resources/ospf/check-host.js';
import { checkOvhSecrets } from '../ovh/check-host.js';
import { checkSharedVmacAtOvh } from '../ovh/check-vmac.js';
import { checkVmacCarrierHost } from '../resources/vmac-carrier/check-host.js';
import { checkPathsOnce } from '../election/check-host.js';
import type { HostChecker } from './host-checks.js';

/** Every registered host checker, in the order their findings are printed. */
export const HOST_CHECKERS: readonly HostChecker[] = [
  { name: 'carp', check: checkCarpHost },
  { name: 'ospf', check: checkOspfHost },
  { name: 'vmac-carrier', check: checkVmacCarrierHost },
  { name: 'ovh', check: (config) => checkOvhSecrets(config) },
  { name: 'ovh-shared-vmac', check: (config) => checkSharedVmacAtOvh(config) },
  { name: 'paths', check: checkPathsOnce },
];
