// `check-config --host` for path checks: runs each check's probe once, now. A probe that cannot
// run (ping missing, a source address that is not ours, vtysh refusing) is an error; a path that
// answers "down" right now is a warning: the config may be right and the upstream down.
import type { Config } from '../config/schema.js';
import type { HostCheck } from '../host/host-check.js';
import type { Host } from '../host/ports.js';
import { Vtysh } from '../resources/ospf/vtysh.js';
import { describeTarget } from './path-checks.js';
import { failedResult } from './probe.js';
import { probeFor } from './probes.js';

/** One finding per configured check, probed concurrently, each within its own timeout. */
export async function checkPathsOnce(config: Config, host: Host): Promise<HostCheck[]> {
  const ports = { host, ping: config.commands.ping, vtysh: new Vtysh(host, config.ospf) };
  return Promise.all(
    config.health.checks.map(async (check): Promise<HostCheck> => {
      const name = `path check ${check.name} (${check.type} ${describeTarget(check)})`;
      const signal = AbortSignal.timeout(check.timeout_ms);
      const result = await probeFor(ports, check)(signal).catch(failedResult);
      if (result.ok) return { name, ok: true, level: 'error', message: result.detail };
      return { name, ok: false, level: result.broken ? 'error' : 'warning', message: result.broken ? `cannot probe: ${result.detail}` : `down now: ${result.detail}` };
    }),
  );
}
