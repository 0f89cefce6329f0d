// The host checks other modules export, registered here (carp, ospf, ovh secrets).
import type { HostChecker } from './host-checks.js';

/** Every registered host checker, in the order their findings are printed. */
export const HOST_CHECKERS: readonly HostChecker[] = [];
