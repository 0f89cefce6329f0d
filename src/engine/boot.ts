// Telling a restart from a boot: a service restarted on the MASTER in the same boot must not
// hold the boot demotion (it would only cause a failover and a failback).
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { CarpObserver, Demotion } from '../host/freebsd/ports.js';
import { deriveRole } from './role.js';

/** A restart (not a reboot) of the service on a node that is MASTER right now. */
export async function restartedWhileLeading(deps: { demotion: Demotion; carp: CarpObserver }, config: Config, log: Logger): Promise<boolean> {
  try {
    if (!(await deps.demotion.restartedInSameBoot?.())) return false;
    const vhids = await deps.carp.observe(config.carp.vhids, AbortSignal.timeout(config.reconcile.timeout_ms));
    return deriveRole(vhids) === 'MASTER';
  } catch (error) {
    log.warn({ err: error }, 'cannot tell a restart from a boot: holding the boot demotion');
    return false;
  }
}
