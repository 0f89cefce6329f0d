// The host checks other modules export, registered here (carp, ospf, ovh secrets).
import { checkCarpHost } from '../host/freebsd/check-host.js';
import { checkOspfHost } from '../resources/ospf/check-host.js';
import { checkOvhSecrets } from '../ovh/check-host.js';
import type { HostChecker } from './host-checks.js';

/** Every registered host checker, in the order their findings are printed. */
export const HOST_CHECKERS: readonly HostChecker[] = [
  { name: 'carp', check: checkCarpHost },
  { name: 'ospf', check: checkOspfHost },
  { name: 'ovh', check: (config) => checkOvhSecrets(config) },
];
