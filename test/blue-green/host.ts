// A router's host as the GRE and OSPF resources see it: ifconfig answering from the FreeBSD 14
// capture of gre0 (test/fixtures/freebsd/fbsd14-gre0-up.txt, flags toggled by `up`/`down`), and
// vtysh answering from the FRR 8.4 captures (test/fixtures/ospf/frr-8.4-*.txt, the r1e0 entry
// served as gre0 with the cost ospfd holds now). Writes change that state, so a re-observation
// sees them, and every argv is recorded by the FakeHost.
import { readFileSync } from 'node:fs';
import { FakeHost } from '../fakes/host.js';
import { fixture as ospfFixture } from '../resources/ospf/fixture.js';

/** The FreeBSD paths the config names (never run: the FakeHost answers). */
export const IFCONFIG = '/sbin/ifconfig';
export const VTYSH = '/usr/local/bin/vtysh';
/** The one tunnel, followed by GRE and OSPF, and its costs per role. */
export const TUNNEL = 'gre0';
export const COST = { master: 10, backup: 1000 } as const;

const GRE0_UP = readFileSync(new URL('../fixtures/freebsd/fbsd14-gre0-up.txt', import.meta.url), 'utf8');
const GRE0_DOWN = GRE0_UP.replace('flags=1008051<UP,POINTOPOINT,RUNNING,MULTICAST,LOWER_UP>', 'flags=1008010<POINTOPOINT,MULTICAST,LOWER_UP>');
const FRR_INTERFACES = JSON.parse(ospfFixture('frr-8.4-interface.json.txt')) as { interfaces: Record<string, Record<string, unknown>> };
const FRR_VERSION = ospfFixture('frr-8.4-version.txt');

/** What the router's interfaces and ospfd hold now. */
export interface RouterHostState {
  greUp: boolean;
  cost: number;
}

/** The fake host, its live state, and the writes among its calls. */
export interface RouterHost {
  host: FakeHost;
  state: RouterHostState;
  /** Command lines that change something: ifconfig up/down, vtysh configure. */
  writes(): string[];
}

/** A host whose ifconfig and vtysh answers follow the writes made to it. */
export function routerHost(initial: RouterHostState): RouterHost {
  const state = { ...initial };
  const host = new FakeHost()
    // Stock ifconfig without libxo: usage and exit 1, so the reader uses the text format.
    .on([IFCONFIG, '--libxo'], { exitCode: 1, stderr: 'usage: ifconfig [-j jail] [-f type:format] [-L] [-C] [-g groupname] interface' })
    .on([IFCONFIG, TUNNEL], () => (state.greUp ? GRE0_UP : GRE0_DOWN))
    .on([IFCONFIG, TUNNEL, 'up'], () => ((state.greUp = true), ''))
    .on([IFCONFIG, TUNNEL, 'down'], () => ((state.greUp = false), ''))
    .on([VTYSH, '-c', 'show version'], FRR_VERSION)
    .on([VTYSH, '-c', `show ip ospf interface ${TUNNEL} json`], () => JSON.stringify({ interfaces: { [TUNNEL]: { ...FRR_INTERFACES.interfaces.r1e0, cost: state.cost } } }))
    .on([VTYSH, '-c', 'configure terminal'], (argv) => {
      const cost = /^ip ospf cost (\d+)$/.exec(argv[6] ?? '');
      if (argv[4] !== `interface ${TUNNEL}` || !cost) return { exitCode: 1, stdout: '% Unknown command' };
      state.cost = Number(cost[1]);
      return '';
    });
  return {
    host,
    state,
    writes: () => host.commandLines().filter((line) => line === `${IFCONFIG} ${TUNNEL} up` || line === `${IFCONFIG} ${TUNNEL} down` || line.startsWith(`${VTYSH} -c configure terminal`)),
  };
}
