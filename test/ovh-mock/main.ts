// The OVH mock as a process, for the lab (two carp-failover processes against one mock):
//   npx tsx test/ovh-mock/main.ts --port 0 --state state.json [--tick-ms 200]
// Prints its base URL (config.ovh.base_url) as the first stdout line, then one JSON line per
// binding change: {"event":"binding","ip":…,"target":…,"kind":"routedTo"|"vmac"}.
// Admin routes (see admin.ts): GET /_mock/requests, GET /_mock/state, POST /_mock/faults,
// POST /_mock/faults/clear, POST /_mock/task-outcome, /_mock/skew, /_mock/durations,
// /_mock/route, /_mock/vmac. Stops on SIGTERM/SIGINT or when stdin closes.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startOvhMock } from './server.js';
import type { MockStateInit } from './state.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    state: { type: 'string' },
    'tick-ms': { type: 'string', default: '200' },
  },
});

const state = values.state ? (JSON.parse(readFileSync(values.state, 'utf8')) as MockStateInit) : {};
const mock = await startOvhMock({
  port: Number(values.port),
  state,
  admin: true,
  tickIntervalMs: Number(values['tick-ms']),
  onBindingChange: (ip, target, kind) => process.stdout.write(`${JSON.stringify({ event: 'binding', ip, target, kind, at: new Date().toISOString() })}\n`),
});
process.stdout.write(`${mock.url}\n`);

const stop = () => {
  void mock.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
