// Builds the probe of each configured check from the real ports: ping(8) and vtysh through the
// host layer (allow-listed, argv arrays, timeouts), TCP through Node's net.
import type { PathCheckConfig } from '../config/schema-election.js';
import type { Host } from '../host/ports.js';
import type { Config } from '../config/schema.js';
import { Vtysh } from '../resources/ospf/vtysh.js';
import { icmpProbe } from './probe-icmp.js';
import type { Probe } from './probe.js';
import { routeProbe } from './probe-route.js';
import { tcpProbe } from './probe-tcp.js';

export interface ProbePorts {
  host: Host;
  /** Absolute path of ping(8) (commands.ping). */
  ping: string;
  vtysh: Vtysh;
}

/** The probe for one check. */
export function probeFor(ports: ProbePorts, check: PathCheckConfig): Probe {
  switch (check.type) {
    case 'icmp':
      return icmpProbe(ports.host, { ping: ports.ping, target: check.target, source: check.source, timeoutMs: check.timeout_ms });
    case 'tcp':
      return tcpProbe({ host: check.host, port: check.port, timeoutMs: check.timeout_ms });
    case 'route':
      return routeProbe(ports.vtysh, { prefix: check.prefix, protocol: check.protocol });
  }
}

/** The daemon's probe factory: the config and host of the moment each probe is built (reloads). */
export function probesFrom(config: () => Config, host: () => Host): (check: PathCheckConfig) => Probe {
  return (check) => probeFor({ host: host(), ping: config().commands.ping, vtysh: new Vtysh(host(), config().ospf) }, check);
}
