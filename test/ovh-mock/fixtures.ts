// Seeds and builders shared by the OVH tests: two routers on one hypervisor (vmac) or on two
// dedicated servers (move), their credentials, and a client/resource wired to a mock.
import type { Logger } from 'pino';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { Clock } from '../../src/host/ports.js';
import { OvhClient } from '../../src/ovh/client.js';
import type { OvhCredentials } from '../../src/ovh/credentials.js';
import { Secret } from '../../src/ovh/secret.js';
import type { MockStateInit } from './state.js';

export const IP = '192.0.2.10/32';
export const HYPERVISOR = 'ns3000000.ip-198-51-100.eu';
export const SERVER_A = 'ns3000001.ip-198-51-100.eu';
export const SERVER_B = 'ns3000002.ip-198-51-100.eu';
export const VMAC_A = '02:00:00:aa:00:01';
export const VMAC_B = '02:00:00:bb:00:02';
/** The one vMAC both routers carry in turn (strategy shared-vmac). */
export const SHARED_VMAC = '02:00:00:ff:3e:98';
/** The router interface on the hypervisor's bridge that carries it. */
export const CARRIER = 'vtnet1';

/** Legacy keys per router; the secrets double as canaries in the no-leak tests. */
export const KEYS = {
  a: { applicationKey: 'ak-router-a', applicationSecret: 'CANARY-AS-a-7f3e9c', consumerKey: 'CANARY-CK-a-51d2b8' },
  b: { applicationKey: 'ak-router-b', applicationSecret: 'CANARY-AS-b-0a9c4e', consumerKey: 'CANARY-CK-b-e6f1a3' },
};
export const OAUTH = { clientId: 'eu.sa-router-a', clientSecret: 'CANARY-CS-a-93bd20' };

/** One IPFO on the hypervisor's vMACs: router A's own IP keeps A's vMAC alive, same for B. */
export function vmacWorld(boundTo: string | null = VMAC_B): MockStateInit {
  const vmacs = [
    { mac: VMAC_A, ips: [{ ip: '192.0.2.21', vmName: 'router-a' }] },
    { mac: VMAC_B, ips: [{ ip: '192.0.2.22', vmName: 'router-b' }] },
  ];
  const holder = vmacs.find((v) => v.mac === boundTo);
  holder?.ips.push({ ip: '192.0.2.10', vmName: holder.mac === VMAC_A ? 'router-a' : 'router-b' });
  return {
    ips: [
      { ip: IP, routedTo: HYPERVISOR },
      { ip: '192.0.2.21/32', routedTo: HYPERVISOR },
      { ip: '192.0.2.22/32', routedTo: HYPERVISOR },
    ],
    servers: [{ name: HYPERVISOR, vmacs }],
    legacy: [KEYS.a, KEYS.b],
    oauth2: [OAUTH],
  };
}

/**
 * shared-vmac: the IPFO bound once to the shared vMAC (its only IP, as `ovh vmac create --shared`
 * leaves it), plus router B's own vMAC; `sharedAlso` puts more IPs on the shared vMAC (a second
 * IPFO), which keeps it alive if the first is taken off it.
 */
export function sharedVmacWorld(boundTo: string | null = SHARED_VMAC, sharedAlso: string[] = []): MockStateInit {
  const vmacs = [
    { mac: SHARED_VMAC, ips: sharedAlso.map((ip) => ({ ip, vmName: 'routers' })) },
    { mac: VMAC_B, ips: [{ ip: '192.0.2.22', vmName: 'router-b' }] },
  ];
  vmacs.find((v) => v.mac === boundTo)?.ips.push({ ip: '192.0.2.10', vmName: 'routers' });
  return {
    ips: [IP, '192.0.2.22/32', ...sharedAlso.map((ip) => `${ip}/32`)].map((ip) => ({ ip, routedTo: HYPERVISOR })),
    servers: [{ name: HYPERVISOR, vmacs: vmacs.filter((v) => v.ips.length > 0) }],
    legacy: [KEYS.a, KEYS.b],
    oauth2: [OAUTH],
  };
}

/** One IPFO routed to one of two dedicated servers. */
export function moveWorld(routedTo: string | null = SERVER_B): MockStateInit {
  return {
    ips: [{ ip: IP, routedTo }],
    servers: [{ name: SERVER_A }, { name: SERVER_B }],
    legacy: [KEYS.a, KEYS.b],
    oauth2: [OAUTH],
  };
}

export type Router = 'a' | 'b';

/** A router's config for one strategy, pointed at the mock. */
export function routerConfig(router: Router, strategy: 'vmac' | 'move' | 'shared-vmac', baseUrl: string, ovh: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Config {
  const ip =
    strategy === 'shared-vmac'
      ? { ip: IP, strategy, service: HYPERVISOR, vmac: SHARED_VMAC, interface: CARRIER, vm_name: 'routers' }
      : strategy === 'vmac'
        ? { ip: IP, strategy, service: HYPERVISOR, vmac: router === 'a' ? VMAC_A : VMAC_B, vm_name: `router-${router}` }
        : { ip: IP, strategy, service: router === 'a' ? SERVER_A : SERVER_B };
  return configSchema.parse({
    node: `router-${router}`,
    carp: { vhids: [{ vhid: 1, interface: 'vmx0' }] },
    settle: { local_ms: 0, provider_ms: 0 },
    ovh: { base_url: baseUrl, credentials: '/nonexistent/ovh.conf', ips: [ip], ...ovh },
    ...extra,
  });
}

export function legacyCredentials(router: Router): OvhCredentials {
  const k = KEYS[router];
  return { kind: 'legacy', endpoint: 'ovh-eu', applicationKey: k.applicationKey, applicationSecret: new Secret(k.applicationSecret), consumerKey: new Secret(k.consumerKey) };
}

export function oauthCredentials(secret = OAUTH.clientSecret): OvhCredentials {
  return { kind: 'oauth2', endpoint: 'ovh-eu', clientId: OAUTH.clientId, clientSecret: new Secret(secret) };
}

export function makeClient(baseUrl: string, credentials: OvhCredentials, clock: Clock, log: Logger, extra: Partial<ConstructorParameters<typeof OvhClient>[0]> = {}): OvhClient {
  return new OvhClient({ credentials, baseUrl, timeoutMs: 2000, clock, log, ...extra });
}
