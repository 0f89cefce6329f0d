// `npm run lab`: the failover demo. Brings the lab up, shows both services, stops the MASTER's
// CARP, prints the failover timeline and the outage measured by a continuous ping from upstream,
// fails back, and tears everything down (also on Ctrl-C or an error).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { listNamespaces } from '../support/netns.js';
import { frrUnavailable, netnsUnavailable } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { startDriver } from './driver.js';
import { fullNeighbors, internalRoute } from './frr.js';
import { startLabOvh } from './ovh.js';
import { PingProbe, firstReplyFrom, longestGap, sendRate } from './ping.js';
import { ROUTER_IDS, PREFIX, carpDetectionMs, type RouterId } from './plan.js';
import { servicesSettled, startService, statusReport, statusText, type LabService } from './services.js';
import { Timeline } from './timeline.js';
import { ipfoRoute } from './edge.js';
import { masterOf, startLab, type LabRun } from './up.js';
import { waitFor } from './wait.js';

/** A move task's duration in the mock (CFL_LAB_TASK_MS; OVH's real ones take about a minute). */
const TASK_MS = Number(process.env.CFL_LAB_TASK_MS ?? 0);
const t0 = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`);

async function main(): Promise<number> {
  const blocked = netnsUnavailable() ?? frrUnavailable() ?? carpEngineUnavailable();
  if (blocked) {
    console.error(`lab: cannot run: ${blocked}`);
    return 1;
  }
  const run = await startLab({ log: say });
  try {
    return await demo(run);
  } finally {
    run.lab.teardown();
    await run.lab.reaped(); // no zombie ucarp or ping left behind when the demo returns
    const left = listNamespaces(PREFIX);
    say(left.length ? `teardown: LEFT BEHIND ${left.join(' ')}` : 'teardown: namespaces, processes and temp dir removed');
  }
}

async function demo(run: LabRun): Promise<number> {
  const { lab, routers } = run;
  const timeline = new Timeline(lab, run.eventsFile, run.upstream);
  timeline.start();
  const ovh = await startLabOvh(lab, timeline, TASK_MS);
  say(`OVH mock on ${ovh.mock.url} (move tasks take ${TASK_MS} ms); IPFO routed to ${ipfoRoute()?.id}`);

  const services: Partial<Record<RouterId, LabService>> = {};
  let serviceError: string | null = null;
  let ovhManaged = false;
  for (const id of ROUTER_IDS) {
    try {
      services[id] = await startService(lab, routers[id], ovh.endpoints[id]);
    } catch (error) {
      serviceError = (error as Error).message;
      break;
    }
  }
  const wired = serviceError === null;
  if (serviceError === null) {
    say('carp-failover runs on both routers; waiting for boot hold-down to end and one MASTER');
    await waitFor('both services settled', 60_000, () => servicesSettled(Object.values(services)), 250).catch((error: unknown) => {
      diagnose(Object.values(services));
      throw error;
    });
    ovhManaged = statusReport(services.ra!)?.resources.some((r) => r.kind === 'ovh') ?? false;
    if (!ovhManaged) {
      say('the service does not manage the OVH IPFO yet (no ovh resource in its status): the lab routes the IPFO to the CARP MASTER itself, at once');
      startDriver(lab, routers, timeline, { tunnels: false });
    }
    for (const id of ROUTER_IDS) console.log(statusText(services[id]!) ?? `(${id}: no status)`);
  } else {
    for (const s of Object.values(services)) await s.stop('SIGKILL');
    say(`carp-failover is NOT running yet: ${serviceError.split('\n')[0]}`);
    say('the lab drives tunnels and the IPFO route itself at zero latency (what the service and OVH will do)');
    startDriver(lab, routers, timeline);
    for (const id of ROUTER_IDS) {
      const r = routers[id];
      console.log(`--- ${r.plan.node} (${id}) as the service sees it: ifconfig ${r.plan.carpIf}; ifconfig ${r.plan.greIf}; sysctl`);
      console.log(execFileSync(r.files.ifconfig, [r.plan.carpIf], { encoding: 'utf8' }).trimEnd());
      console.log(execFileSync(r.files.ifconfig, [r.plan.greIf], { encoding: 'utf8' }).trimEnd());
      console.log(execFileSync(r.files.sysctl, ['net.inet.carp.demotion', 'net.inet.carp.preempt'], { encoding: 'utf8' }).trimEnd());
    }
  }
  say(`OSPF: upstream has ${fullNeighbors(run.upstream)} Full neighbours; route to the internal prefix via ${internalRoute().via.join(', ')}`);

  const ping = new PingProbe(lab);
  ping.start();
  const old = await waitFor('a MASTER', 10_000, () => masterOf(routers));
  const next = routers[old.plan.id === 'ra' ? 'rb' : 'ra'];
  await waitFor(`ping replies through ${old.plan.id}`, 20_000, () => ping.last()?.router === old.plan.id);
  say(`ping ${'203.0.113.10'} from upstream answered by ${old.plan.id}; IPFO routed to ${ipfoRoute()?.id}`);

  let failover: string;
  let failback: string;
  try {
    failover = await measure(run, services, timeline, ping, 'failover', old.plan.id, next.plan.id, () => old.carp.stop());
    say('fail back: restarting the stopped ucarp (preempt brings the preferred router back)');
    failback = await measure(run, services, timeline, ping, 'failback', next.plan.id, old.plan.id, async () => old.carp.start());
  } catch (error) {
    timeline.collectCarp();
    console.log('\nTimeline so far:');
    for (const line of timeline.render(0).slice(-30)) console.log(line);
    diagnose(Object.values(services));
    throw error;
  }
  ping.stop();
  timeline.stop();

  console.log('\nSummary');
  for (const m of [failover, failback]) console.log(`  ${m}`);
  if (!wired) {
    console.log('  Not there yet: carp-failover itself (src/daemon.ts), so no tunnel/OSPF-cost/OVH steps by the');
    console.log('  service; the outage above is CARP detection plus an instant lab driver.');
  }
  console.log(`  OVH mock: ${ovh.mock.writes().length} write(s) in its log.`);
  if (wired && !ovhManaged) console.log('  Not there yet: the OVH resource in the service (src/resources/build.ts), so no claim/task steps.');
  return 0;
}

/** Each service's status and last log lines, printed when the demo fails. */
function diagnose(services: LabService[]): void {
  for (const s of services) {
    console.log(`\n--- ${s.router.plan.node}: status and last log lines`);
    console.log(statusText(s) ?? '(no status)');
    console.log(readFileSync(s.logFile, 'utf8').trim().split('\n').slice(-15).join('\n'));
  }
}

const AFTER_MS = 4000;

async function measure(run: LabRun, services: Partial<Record<RouterId, LabService>>, timeline: Timeline, ping: PingProbe, name: string, from: RouterId, to: RouterId, act: () => Promise<void>): Promise<string> {
  const start = Date.now();
  say(`${name}: ${from} → ${to}`);
  await act();
  const reply = await waitFor(`the first ping reply through ${to}`, 60_000, () => firstReplyFrom(ping.replies, to, start));
  // Long enough for upstream's OSPF route to follow the tunnel (adjacency in ~3 s at hello 1).
  await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
  timeline.collectCarp();
  for (const s of Object.values(services)) timeline.collectServiceLog(s.router.plan.id, s.logFile);
  timeline.add('ping', to, 'first ping reply through the new router', reply.at);
  console.log(`\nTimeline (${name}, t=0 when ${from}'s CARP was stopped/restarted):`);
  for (const line of timeline.render(start, reply.at + AFTER_MS)) console.log(line);
  const gap = longestGap(ping.replies, start);
  const carp = timeline.first(start, (e) => e.kind === 'carp' && e.router === to && e.text === 'CARP MASTER');
  const detection = carpDetectionMs(run.routers[to].carp.advskew);
  const rate = sendRate(ping.replies);
  const outage = gap && gap.gapMs > 50 ? `${gap.gapMs} ms without replies (${gap.lost} echo requests sent in the gap went unanswered; ping sent ${rate.toFixed(0)}/s, not the 100/s its -i 0.01 asks for)` : 'no gap in replies';
  return `${name}: outage ${outage}; CARP switch at +${carp ? carp.at - start : '?'} ms (CARP's own detection ${detection.toFixed(0)} ms); first reply through ${to} at +${reply.at - start} ms`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lab: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
