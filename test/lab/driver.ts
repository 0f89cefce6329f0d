// Until the service is wired, the lab itself plays its part at zero latency so that the data path
// can be shown and the outage of the CARP switch alone measured: on BACKUP the router's tunnel
// goes down, on MASTER it comes up and the IPFO is routed to it (what the OVH move would do).
// With the service running but no OVH mock, only the IPFO route is driven (options.tunnels false).
import type { Lab } from './lab.js';
import { ROUTER_IDS, type RouterId } from './plan.js';
import { readCarpState } from './standins/common.mjs';
import type { Timeline } from './timeline.js';
import { routeIpfoVia } from './edge.js';
import { setTunnel } from './topology.js';
import type { LabRouter } from './up.js';

/** Follows CARP every 20 ms; returns a function that stops it. */
export function startDriver(lab: Lab, routers: Record<RouterId, LabRouter>, timeline: Timeline, options = { tunnels: true }): () => void {
  const last = new Map<RouterId, string>();
  const tick = () => {
    for (const id of ROUTER_IDS) {
      const r = routers[id];
      const state = readCarpState(r.files.carpStateFile);
      if (last.get(id) === state) continue;
      last.set(id, state);
      if (state === 'MASTER') {
        if (options.tunnels) setTunnel(r.plan, true);
        routeIpfoVia(r.plan);
        timeline.add('lab', id, options.tunnels ? 'driver: tunnel up, IPFO routed here (stand-in for the service + OVH)' : 'driver: IPFO routed here (stand-in for OVH)');
      } else if (options.tunnels) {
        setTunnel(r.plan, false);
        timeline.add('lab', id, 'driver: tunnel down (stand-in for the service)');
      }
    }
  };
  tick();
  const timer = setInterval(tick, 20);
  const stop = () => clearInterval(timer);
  lab.onTeardown(stop);
  return stop;
}
