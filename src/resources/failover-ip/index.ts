// What the daemon wires: the credentials, one OVH client, one resource per configured IP.
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../host/ports.js';
import { OvhClient } from '../../ovh/client.js';
import { loadOvhCredentials, type CredentialsFileOptions } from '../../ovh/credentials.js';
import { createFailoverIpResources, type FailoverIpResource } from './resource.js';

export { FailoverIpResource, createFailoverIpResources } from './resource.js';

export interface OvhWiring {
  /** Null when no failover IP is configured (no credentials needed then). */
  client: OvhClient | null;
  resources: FailoverIpResource[];
}

/** Loads the credentials (refusing an unsafe file) and builds the client and the resources. */
export async function buildOvhResources(config: Config, deps: { clock: Clock; log: Logger; dispatcher?: Dispatcher; credentialsFile?: CredentialsFileOptions }): Promise<OvhWiring> {
  if (config.ovh.ips.length === 0) return { client: null, resources: [] };
  const credentials = await loadOvhCredentials(config.ovh.credentials, deps.credentialsFile);
  const client = new OvhClient({ credentials, baseUrl: config.ovh.base_url, timeoutMs: config.ovh.timeout_ms, clock: deps.clock, log: deps.log.child({ component: 'ovh' }), dispatcher: deps.dispatcher });
  return { client, resources: createFailoverIpResources(config, client, deps.clock) };
}
