// The configuration schema: the single place where every option, its type and its default live.
// docs/configuration.md documents each key; keep both in step. Unknown keys are rejected
// everywhere (z.strictObject) so a typo is an error, not a silently ignored option.
import { z } from 'zod';
import { groupName, interfaceName, ovhBaseUrl, socketMode, stateDirectory } from './fields.js';
import { failoverIp } from './schema-failover-ip.js';
import { parseLoopbackListen } from './listen.js';
import { failback, health } from './schema-election.js';

export { INTERFACE_NAME } from './fields.js';
export { MAC_ADDRESS } from './schema-failover-ip.js';

const vhid = z.number().int().min(1).max(255);
const absolutePath = z.string().startsWith('/', 'must be an absolute path');
const ms = (min: number, max: number) => z.number().int().min(min).max(max);
const ipAny = z.union([z.ipv4(), z.ipv6()]);

const followedVhid = z.strictObject({
  vhid,
  interface: interfaceName,
});

const carp = z.strictObject({
  /** The vhids whose state makes this node MASTER (all of them must be MASTER). */
  vhids: z.array(followedVhid).min(1, 'follow at least one vhid'),
  /** Value added to net.inet.carp.demotion per reason while it holds. */
  demotion: z
    .strictObject({
      boot: z.number().int().min(1).max(255).default(240),
      maintenance: z.number().int().min(1).max(255).default(240),
      readiness: z.number().int().min(1).max(255).default(240),
      /** Held after losing MASTER through a failure, per failback.mode (path weights are per check). */
      failback: z.number().int().min(1).max(255).default(240),
    })
    .prefault({}),
  /** Longest time the boot hold-down may last before it is released anyway (and said loudly). */
  boot_holddown_max_s: z.number().int().min(0).max(3600).default(300),
});

const settle = z
  .strictObject({
    /** Role must be stable this long before GRE and OSPF act. */
    local_ms: ms(0, 60_000).default(300),
    /** Role must be stable this long before the OVH claim (keepalived users saw 2-3 s blips). */
    provider_ms: ms(0, 600_000).default(3000),
  })
  .prefault({});

const reconcile = z
  .strictObject({
    /** Full re-observation of everything, whatever the events say. */
    period_s: z.number().int().min(1).max(3600).default(15),
    /** A run that takes longer is aborted and retried. */
    timeout_ms: ms(1000, 600_000).default(60_000),
    backoff: z
      .strictObject({
        initial_ms: ms(10, 600_000).default(1000),
        max_ms: ms(100, 3_600_000).default(60_000),
        factor: z.number().min(1).max(10).default(2),
        jitter: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
  })
  .prefault({});

const sockets = z
  .strictObject({
    intake: z
      .strictObject({
        path: absolutePath.default('/var/run/carp-failover/intake.sock'),
        /** Root only: whoever writes here drains the node. */
        mode: socketMode('0600', 0o600, 'the intake socket takes write commands: root only'),
      })
      .prefault({}),
    status: z
      .strictObject({
        path: absolutePath.default('/var/run/carp-failover/status.sock'),
        mode: socketMode('0660', 0o660, 'status is for root and its group, never for every user'),
        /** Group that may read status (a name or a gid); null keeps root's group. */
        group: groupName.nullable().default(null),
      })
      .prefault({}),
    max_clients: z.number().int().min(1).max(1024).default(32),
    idle_timeout_ms: ms(100, 600_000).default(10_000),
  })
  .prefault({});

const journal = z
  .strictObject({
    max_bytes: z.number().int().min(4096).max(1 << 30).default(1 << 20),
    keep: z.number().int().min(1).max(20).default(3),
  })
  .prefault({});

const commands = z
  .strictObject({
    ifconfig: absolutePath.default('/sbin/ifconfig'),
    sysctl: absolutePath.default('/sbin/sysctl'),
    /** ping(8), for icmp path checks (FreeBSD flags: -S source, -W ms, -t s). */
    ping: absolutePath.default('/sbin/ping'),
    timeout_ms: ms(100, 120_000).default(5000),
  })
  .prefault({});

const greTunnel = z.strictObject({
  interface: interfaceName,
  /** follow-carp: up on MASTER, down otherwise; always-up: only ensured to exist and be up. */
  mode: z.enum(['follow-carp', 'always-up']).default('follow-carp'),
  /** Create the interface and set its tunnel and addresses when missing. */
  create: z.boolean().default(false),
  tunnel: z.strictObject({ source: ipAny, destination: ipAny }).optional(),
  inner: z
    .strictObject({ local: ipAny, remote: ipAny, prefixlen: z.number().int().min(1).max(128).optional() })
    .optional(),
});

const gre = z
  .strictObject({
    tunnels: z.array(greTunnel).default([]),
  })
  .prefault({});

const ospfInterface = z.strictObject({
  interface: interfaceName,
  cost: z.strictObject({
    master: z.number().int().min(1).max(65535),
    backup: z.number().int().min(1).max(65535),
  }),
  /** Readiness: hold the readiness demotion until this many neighbours are Full here. */
  require_neighbors: z.number().int().min(0).max(64).default(0),
});

const ospf = z
  .strictObject({
    vtysh: absolutePath.default('/usr/local/bin/vtysh'),
    /** FRR's --vty_socket directory, for a non-default FRR instance (tests, pathspaces). */
    vty_socket: absolutePath.nullable().default(null),
    /** auto asks vtysh once (show version) and remembers. */
    flavour: z.enum(['auto', 'frr', 'quagga']).default('auto'),
    timeout_ms: ms(100, 120_000).default(5000),
    /** Run `write memory` after a change; off by default so ospfd's file stays the operator's. */
    write_memory: z.boolean().default(false),
    interfaces: z.array(ospfInterface).default([]),
  })
  .prefault({});

const ovh = z
  .strictObject({
    /** OVH SDK INI file (ovh.conf format); must be root-owned, mode 0600 or 0400. */
    credentials: absolutePath.default('/usr/local/etc/carp-failover/ovh.conf'),
    /** Overrides the endpoint's base URL (tests and the lab point it at the mock). */
    base_url: ovhBaseUrl.nullable().default(null),
    timeout_ms: ms(500, 120_000).default(10_000),
    /** While MASTER, re-read the binding this often and re-claim when it moved away. */
    verify_period_s: z.number().int().min(10).max(86_400).default(60),
    /** Re-claims are at least this far apart; the gap doubles while contested. */
    reclaim_min_interval_s: z.number().int().min(1).max(86_400).default(60),
    reclaim_max_interval_s: z.number().int().min(1).max(86_400).default(900),
    task_poll_ms: ms(100, 600_000).default(5000),
    task_timeout_s: z.number().int().min(5).max(7200).default(300),
    /**
     * A node that stopped being MASTER keeps its side of the path (tunnels up) while OVH still
     * routes a failover IP here, at most this long; null: task_timeout_s; 0: never.
     */
    keep_path_s: z.number().int().min(0).max(7200).nullable().default(null),
    ips: z.array(failoverIp).default([]),
  })
  .prefault({});

const metrics = z
  .strictObject({
    /** host:port of the Prometheus listener; loopback only; null disables it. */
    listen: z
      .string()
      .superRefine((listen, ctx) => {
        // The listener's own parser: check-config refuses exactly what the daemon could not bind.
        // Port 0 (any free port) is for tests that start the listener directly, never a config.
        const parsed = parseLoopbackListen(listen);
        const problem = 'problem' in parsed ? parsed.problem : parsed.port === 0 ? 'the port must be 1-65535' : null;
        if (problem) ctx.addIssue({ code: 'custom', message: `must be a loopback host:port such as 127.0.0.1:9807 (127.x.x.x with numbers 0-255, [::1] or localhost; port 1-65535): ${problem}` });
      })
      .nullable()
      .default(null),
  })
  .prefault({});

/** The whole file. */
export const configSchema = z.strictObject({
  /** This router's name (router-002), shown in status and logs. */
  node: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be a host name'),
  carp,
  settle,
  reconcile,
  sockets,
  state_dir: stateDirectory.default('/var/db/carp-failover'),
  journal,
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
    .prefault({}),
  commands,
  gre,
  ospf,
  ovh,
  metrics,
  health,
  failback,
});

/** A validated configuration; loaded configs are deep-frozen. */
export type Config = z.output<typeof configSchema>;
export type GreTunnelConfig = Config['gre']['tunnels'][number];
export type OspfInterfaceConfig = Config['ospf']['interfaces'][number];
export type FailoverIpConfig = Config['ovh']['ips'][number];
export type SharedVmacConfig = Extract<FailoverIpConfig, { strategy: 'shared-vmac' }>;

/** Where the service looks when -c is not given. */
export const DEFAULT_CONFIG_PATH = '/usr/local/etc/carp-failover.yaml';
