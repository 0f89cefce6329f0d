// Failover scenarios as data: what the kernel and the operator do over time, and what the engine
// must have done by the end (apply calls with their time, role, demotion). Run by
// engine-scenarios.test.ts against the real Engine with fakes and a fake clock.
import type { CarpState, DemotionReason, NodeRole } from '../../src/model.js';

/** Something that happens at `at` ms after start. */
export interface ScenarioEvent {
  at: number;
  /** The kernel's CARP state for every followed vhid from now on. */
  carp?: CarpState;
  /** devd delivers a line for it (false: the line is lost). */
  event?: boolean;
  drain?: boolean;
  freeze?: boolean;
  /** The next n GRE applies fail. */
  greFailures?: number;
}

export interface Scenario {
  name: string;
  config?: Record<string, unknown>;
  initial: { carp: CarpState; gre?: string; ospf?: string; ovh?: string };
  events: ScenarioEvent[];
  /** How long the scenario runs, in ms after start. */
  until: number;
  expect: {
    /** Apply calls as [ms after start, "id step"], in order. */
    applies: Array<[number, string]>;
    role: NodeRole;
    demotion?: Partial<Record<DemotionReason, number>>;
  };
}

export const scenarios: Scenario[] = [
  {
    name: 'boots as BACKUP with everything already right: no change, boot hold-down released',
    initial: { carp: 'BACKUP' },
    events: [],
    until: 20_000,
    expect: { applies: [], role: 'BACKUP', demotion: { boot: 0, maintenance: 0, readiness: 0 } },
  },
  {
    name: 'becomes MASTER: GRE and OSPF after the local settle, OVH after the provider settle',
    initial: { carp: 'BACKUP' },
    events: [{ at: 1000, carp: 'MASTER', event: true }],
    until: 10_000,
    expect: {
      applies: [
        [1300, 'gre:gre0 up'],
        [1300, 'ospf:gre0 cost-10'],
        [4000, 'ovh:192.0.2.10/32 ours'],
      ],
      role: 'MASTER',
    },
  },
  {
    name: 'a 2 s MASTER blip moves local resources there and back, and never OVH',
    initial: { carp: 'BACKUP' },
    events: [
      { at: 1000, carp: 'MASTER', event: true },
      { at: 3000, carp: 'BACKUP', event: true },
    ],
    until: 30_000,
    expect: {
      applies: [
        [1300, 'gre:gre0 up'],
        [1300, 'ospf:gre0 cost-10'],
        [3300, 'ospf:gre0 cost-100'],
        [3300, 'gre:gre0 down'],
      ],
      role: 'BACKUP',
    },
  },
  {
    name: 'a lost devd line is healed by the periodic reconcile (period 15 s)',
    initial: { carp: 'BACKUP' },
    events: [{ at: 1000, carp: 'MASTER', event: false }],
    until: 25_000,
    expect: {
      applies: [
        [15_300, 'gre:gre0 up'],
        [15_300, 'ospf:gre0 cost-10'],
        [18_000, 'ovh:192.0.2.10/32 ours'],
      ],
      role: 'MASTER',
    },
  },
  {
    name: 'drain on a MASTER: maintenance demotion, the peer takes over, we follow as BACKUP; OVH is not given back',
    initial: { carp: 'MASTER', gre: 'up', ospf: 'cost-10', ovh: 'ours' },
    events: [
      { at: 5000, drain: true, event: true },
      { at: 6000, carp: 'BACKUP', event: true },
    ],
    until: 30_000,
    expect: {
      applies: [
        [6300, 'ospf:gre0 cost-100'],
        [6300, 'gre:gre0 down'],
      ],
      role: 'BACKUP',
      demotion: { boot: 0, maintenance: 240 },
    },
  },
  {
    name: 'frozen during a failover: nothing changes; thaw converges at once',
    initial: { carp: 'BACKUP' },
    events: [
      { at: 500, freeze: true, event: true },
      { at: 1000, carp: 'MASTER', event: true },
      { at: 20_000, freeze: false, event: true },
    ],
    until: 25_000,
    expect: {
      applies: [
        [20_000, 'gre:gre0 up'],
        [20_000, 'ospf:gre0 cost-10'],
        [20_000, 'ovh:192.0.2.10/32 ours'],
      ],
      role: 'MASTER',
    },
  },
  {
    name: 'GRE fails twice during a failover: OSPF converges anyway, GRE after 1 s then 2 s, and only then the OVH claim',
    initial: { carp: 'BACKUP' },
    events: [{ at: 1000, carp: 'MASTER', event: true, greFailures: 2 }],
    until: 10_000,
    expect: {
      applies: [
        [1300, 'gre:gre0 up'],
        [1300, 'ospf:gre0 cost-10'],
        [2300, 'gre:gre0 up'],
        [4300, 'gre:gre0 up'],
        [4300, 'ovh:192.0.2.10/32 ours'],
      ],
      role: 'MASTER',
    },
  },
];
