// The exact ifconfig command line of each carrier step. Every name and MAC is validated here,
// right before it could reach a command (argv array, no shell; ifconfig is on the allow-list).
import { validateInterfaceName, validateMacAddress } from '../../host/validate.js';
import type { VmacCarrierStep } from './plan.js';

/** `ifconfig IF up` or `ifconfig IF ether MAC`. */
export function vmacCarrierArgv(ifconfig: string, step: VmacCarrierStep): string[] {
  const name = validateInterfaceName(step.interface);
  return step.kind === 'up' ? [ifconfig, name, 'up'] : [ifconfig, name, 'ether', validateMacAddress(step.mac)];
}
