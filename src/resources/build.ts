// Builds the managed resources from a config. On reload, a resource whose config slice did not
// change keeps its instance (and so its caches, OVH task in flight and claim gate): a reload
// must never repeat an OVH call that is not needed.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock, Host } from '../host/ports.js';
import type { IfconfigReader } from '../host/freebsd/ifconfig-reader.js';
import { buildOvhResources } from './failover-ip/index.js';
import { GreResource } from './gre/gre-resource.js';
import { createOspfResources } from './ospf/resource.js';
import type { AnyResource } from './resource.js';
import { buildVmacCarriers } from './vmac-carrier/index.js';

export interface ResourceDeps {
  host: Host;
  clock: Clock;
  log: Logger;
  /** Shared with the CARP observer so the libxo probe runs once. */
  reader: IfconfigReader;
}

/** A built resource with the fingerprint of everything it was built from. */
export interface BuiltResource {
  resource: AnyResource;
  fingerprint: string;
}

/**
 * Every resource of the config, in config order within each kind. Rejects (SECRETS_UNSAFE,
 * CONFIG_INVALID…) when the OVH credentials file is missing, unsafe or incomplete.
 */
export async function buildResources(config: Config, deps: ResourceDeps): Promise<BuiltResource[]> {
  const commands = JSON.stringify(config.commands);
  const gre = config.gre.tunnels.map((tunnel) => ({
    resource: new GreResource(tunnel, { host: deps.host, ifconfig: config.commands.ifconfig, reader: deps.reader, timeoutMs: config.commands.timeout_ms }),
    fingerprint: `${commands}|${JSON.stringify(tunnel)}`,
  }));
  const ospfShared = JSON.stringify({ ...config.ospf, interfaces: undefined });
  const ospf = createOspfResources(config, deps.host).map((resource, index) => ({
    resource,
    fingerprint: `${ospfShared}|${JSON.stringify(config.ospf.interfaces[index])}`,
  }));
  const carriers = buildVmacCarriers(config, { host: deps.host, reader: deps.reader }).map((resource) => ({
    resource,
    fingerprint: `${commands}|${JSON.stringify(config.ovh.ips.filter((ip) => ip.strategy === 'shared-vmac' && `vmac:${ip.interface}` === resource.id))}`,
  }));
  const ovh = await buildOvhResources(config, { clock: deps.clock, log: deps.log });
  // The credentials' digest is part of the fingerprint: rotated keys + SIGHUP = a new client.
  const ovhShared = JSON.stringify({ ...config.ovh, ips: undefined, credentials: ovh.client ? await fileDigest(config.ovh.credentials) : null });
  const failoverIps = ovh.resources.map((resource, index) => ({
    resource,
    fingerprint: `${ovhShared}|${JSON.stringify(config.ovh.ips[index])}`,
  }));
  return [...gre, ...ospf, ...carriers, ...failoverIps];
}

async function fileDigest(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Keeps the previous instance of every resource whose fingerprint is unchanged. */
export function reuseUnchanged(previous: readonly BuiltResource[], next: readonly BuiltResource[]): BuiltResource[] {
  const byId = new Map(previous.map((built) => [built.resource.id, built]));
  return next.map((built) => {
    const old = byId.get(built.resource.id);
    return old && old.fingerprint === built.fingerprint ? old : built;
  });
}
