// The OVH mock in the lab: it runs on 127.0.0.1 in the root namespace, and each binding change
// (a move task reaching done) installs upstream's route for the IPFO toward the bound router's
// tunnel address, so traffic really follows the API. Absent until test/ovh-mock/ exports
// startOvhMock; the lab then says so and moves the route itself.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Lab } from './lab.js';
import { IPFO, ROUTERS, routerForService } from './plan.js';
import type { LabOvhEndpoint } from './services.js';
import type { Timeline } from './timeline.js';
import { routeIpfoVia } from './topology.js';

const MOCK_ENTRY = fileURLToPath(new URL('../ovh-mock/index.ts', import.meta.url));

export interface LabOvh {
  endpoint: LabOvhEndpoint;
  close(): Promise<void>;
}

interface MockModule {
  startOvhMock?: (options: Record<string, unknown>) => Promise<{ url: string; close(): Promise<void> }>;
}

/** Why the mock cannot run in this checkout, or null. */
export function ovhMockUnavailable(): string | null {
  return existsSync(MOCK_ENTRY) ? null : 'test/ovh-mock/index.ts (startOvhMock) is not in this checkout yet';
}

const CREDENTIALS = { applicationKey: 'cfllabAK', applicationSecret: 'cfllabAS', consumerKey: 'cfllabCK' };

/** Starts the mock with the IPFO routed to router A; null (with the reason) when unavailable. */
export async function startLabOvh(lab: Lab, timeline: Timeline, taskMs = 0): Promise<LabOvh | { unavailable: string }> {
  const reason = ovhMockUnavailable();
  if (reason) return { unavailable: reason };
  const mod = (await import(MOCK_ENTRY)) as MockModule;
  if (typeof mod.startOvhMock !== 'function') return { unavailable: 'test/ovh-mock/index.ts does not export startOvhMock' };
  const mock = await mod.startOvhMock({
    host: '127.0.0.1',
    port: 0,
    taskDurationMs: taskMs,
    ips: { [`${IPFO}/32`]: ROUTERS.ra.service },
    servers: Object.values(ROUTERS).map((r) => r.service),
    credentials: [CREDENTIALS],
    onBindingChange: (ip: string, target: string | null) => {
      const router = routerForService(target);
      timeline.add('ovh', 'lab', `mock: ${ip} bound to ${target ?? 'nothing'} (${router?.id ?? '?'})`);
      if (router && ip.startsWith(IPFO)) routeIpfoVia(router);
    },
  });
  lab.onTeardown(() => void mock.close());
  return { endpoint: { baseUrl: mock.url, ...CREDENTIALS }, close: () => mock.close() };
}
