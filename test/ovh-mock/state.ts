// The mock's world: failover IPs and where they are routed, dedicated servers with their virtual
// MACs, credentials, and tasks that run init → todo → doing → done on an injectable clock. A
// binding changes only when its task reaches done (reference/ovh-api.md §11).

export type TaskStatus = 'init' | 'todo' | 'doing' | 'done' | 'customerError' | 'ovhError' | 'cancelled';
/** How the next tasks end: normally, stuck in doing, or in one of OVH's error states. */
export type TaskOutcome = 'done' | 'stuck' | 'customerError' | 'ovhError' | 'cancelled';
export const PENDING_STATUSES: ReadonlySet<TaskStatus> = new Set(['init', 'todo', 'doing']);

export interface TaskDurations {
  initMs: number;
  todoMs: number;
  doingMs: number;
}

export interface MockTask {
  id: number;
  scope: 'ip' | 'server';
  /** The IP block (ip scope) or server name (server scope) the task is listed under. */
  owner: string;
  /** The failover IP the task changes, as a /32 block. */
  ip: string;
  function: string;
  status: TaskStatus;
  createdAt: number;
  lastUpdate: number | null;
  doneAt: number | null;
  comment: string | null;
  destination: string | null;
  outcome: TaskOutcome;
  durations: TaskDurations;
  apply: () => void;
}

export interface MockVmac {
  type: 'ovh' | 'vmware';
  /** Bare IPv4 → virtualMachineName. */
  ips: Map<string, string>;
}

export interface MockServer {
  vmacSupported: boolean;
  vmacs: Map<string, MockVmac>;
}

export interface MockLegacyCredential {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  status: 'validated' | 'pendingValidation' | 'expired' | 'refused';
  /** Access rules; '*' in a path matches anything. */
  rules: Array<{ method: string; path: string }>;
}

export interface MockOAuthClient {
  clientId: string;
  clientSecret: string;
  /** IAM actions granted; ['*'] grants everything. */
  actions: string[];
}

/** The JSON a test or the lab gives to seed the mock (also the standalone --state file). */
export interface MockStateInit {
  ips?: Array<{ ip: string; routedTo: string | null }>;
  servers?: Array<{ name: string; vmacSupported?: boolean; vmacs?: Array<{ mac: string; type?: 'ovh' | 'vmware'; ips: Array<{ ip: string; vmName: string }> }> }>;
  legacy?: Array<Partial<MockLegacyCredential> & { applicationKey: string; applicationSecret: string; consumerKey: string }>;
  oauth2?: Array<Partial<MockOAuthClient> & { clientId: string; clientSecret: string }>;
  durations?: Partial<TaskDurations>;
  /** Durations by task function ('virtualMacDelete', 'virtualMacAdd'…), over `durations`. */
  durationsByFunction?: Record<string, TaskDurations>;
  tokenLifetimeS?: number;
}

/** Runs fn after ms on the mock's clock (a test's FakeClock): tasks then advance on time. */
export type MockScheduler = (ms: number, fn: () => void) => void;

export const ALL_RULES = [
  { method: 'GET', path: '/*' },
  { method: 'POST', path: '/*' },
  { method: 'PUT', path: '/*' },
  { method: 'DELETE', path: '/*' },
];

export type BindingListener = (ip: string, target: string | null, kind: 'routedTo' | 'vmac') => void;

export class MockState {
  readonly ips = new Map<string, { routedTo: string | null }>();
  readonly servers = new Map<string, MockServer>();
  readonly tasks = new Map<number, MockTask>();
  readonly legacy = new Map<string, MockLegacyCredential>();
  readonly oauthClients = new Map<string, MockOAuthClient>();
  readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  durations: TaskDurations;
  durationsByFunction: Record<string, TaskDurations>;
  tokenLifetimeS: number;
  /**
   * When set, each task moves on at its own phase boundaries, as OVH's do, not only when a
   * request comes: a binding then changes at the exact time its task ends, even if nobody asks.
   */
  schedule: MockScheduler | null = null;
  /** How tasks created from now on end. */
  nextOutcome: TaskOutcome = 'done';
  private nextTaskId = 559_188_894;
  private nextMac = 0x3e98;
  private listeners: BindingListener[] = [];

  constructor(
    readonly now: () => number,
    init: MockStateInit = {},
  ) {
    this.durations = { initMs: 0, todoMs: 0, doingMs: 0, ...init.durations };
    this.durationsByFunction = { ...init.durationsByFunction };
    this.tokenLifetimeS = init.tokenLifetimeS ?? 3599;
    for (const { ip, routedTo } of init.ips ?? []) this.ips.set(ip, { routedTo });
    for (const server of init.servers ?? []) {
      const vmacs = new Map<string, MockVmac>();
      for (const v of server.vmacs ?? []) vmacs.set(v.mac, { type: v.type ?? 'ovh', ips: new Map(v.ips.map((a) => [a.ip, a.vmName])) });
      this.servers.set(server.name, { vmacSupported: server.vmacSupported ?? true, vmacs });
    }
    for (const c of init.legacy ?? []) this.legacy.set(c.consumerKey, { status: 'validated', rules: ALL_RULES, ...c });
    for (const c of init.oauth2 ?? []) this.oauthClients.set(c.clientId, { actions: ['*'], ...c });
  }

  onBindingChange(listener: BindingListener): void {
    this.listeners.push(listener);
  }

  /** Where a /32 is bound on its server's vMACs: the MAC, or null. */
  vmacOf(ipBlock: string): { server: string; mac: string } | null {
    const bare = ipBlock.replace(/\/32$/, '');
    for (const [name, server] of this.servers) {
      for (const [mac, vmac] of server.vmacs) if (vmac.ips.has(bare)) return { server: name, mac };
    }
    return null;
  }

  /** The pending task changing this IP, if any. */
  pendingTaskFor(ipBlock: string): MockTask | undefined {
    this.tick();
    return [...this.tasks.values()].find((t) => t.ip === ipBlock && PENDING_STATUSES.has(t.status));
  }

  /** Starts a task; `apply` runs when it reaches done. */
  startTask(spec: { scope: 'ip' | 'server'; owner: string; ip: string; function: string; destination?: string | null; apply: () => void }): MockTask {
    const task: MockTask = {
      id: this.nextTaskId++,
      scope: spec.scope,
      owner: spec.owner,
      ip: spec.ip,
      function: spec.function,
      status: 'init',
      createdAt: this.now(),
      lastUpdate: null,
      doneAt: null,
      comment: null,
      destination: spec.destination ?? null,
      outcome: this.nextOutcome,
      durations: { ...(this.durationsByFunction[spec.function] ?? this.durations) },
      apply: spec.apply,
    };
    this.tasks.set(task.id, task);
    if (this.schedule) {
      const { initMs, todoMs, doingMs } = task.durations;
      for (const at of [initMs, initMs + todoMs, initMs + todoMs + doingMs]) if (at > 0) this.schedule(at, () => this.tick());
    }
    this.tick();
    return task;
  }

  /** Moves every pending task along by the clock; bindings change here, at done. */
  tick(): void {
    const now = this.now();
    for (const task of this.tasks.values()) {
      if (!PENDING_STATUSES.has(task.status)) continue;
      const elapsed = now - task.createdAt;
      const { initMs, todoMs, doingMs } = task.durations;
      let status: TaskStatus;
      if (elapsed < initMs) status = 'init';
      else if (elapsed < initMs + todoMs) status = 'todo';
      else if (elapsed < initMs + todoMs + doingMs || task.outcome === 'stuck') status = 'doing';
      else status = task.outcome === 'done' ? 'done' : (task.outcome as TaskStatus);
      if (status === task.status) continue;
      task.status = status;
      task.lastUpdate = now;
      if (status === 'done') {
        task.doneAt = now;
        task.apply();
      } else if (!PENDING_STATUSES.has(status)) {
        task.doneAt = now;
        task.comment = status === 'customerError' ? 'The destination does not accept this IP' : status === 'ovhError' ? 'Internal error, our teams have been notified' : 'Task cancelled';
      }
    }
  }

  /** Routes an IP (at a move task's done, or directly for a test's "someone else moved it"). */
  setRoutedTo(ipBlock: string, target: string | null): void {
    const ip = this.ips.get(ipBlock);
    if (!ip) throw new Error(`mock: unknown IP ${ipBlock}`);
    const previous = ip.routedTo;
    ip.routedTo = target;
    // The vMAC follows a move between vMAC-capable servers (same MAC on the new server).
    const bound = this.vmacOf(ipBlock);
    if (bound && target && bound.server !== target) {
      const bare = ipBlock.replace(/\/32$/, '');
      const from = this.servers.get(bound.server)!;
      const vmac = from.vmacs.get(bound.mac)!;
      const vmName = vmac.ips.get(bare) ?? '';
      vmac.ips.delete(bare);
      if (vmac.ips.size === 0) from.vmacs.delete(bound.mac);
      const to = this.servers.get(target);
      if (to) {
        const moved = to.vmacs.get(bound.mac) ?? { type: vmac.type, ips: new Map<string, string>() };
        moved.ips.set(bare, vmName);
        to.vmacs.set(bound.mac, moved);
      }
    }
    if (previous !== target) this.emit(ipBlock, target, 'routedTo');
  }

  /** Binds a /32 to a vMAC (null: unbinds it); deleting the last IP deletes the vMAC. */
  setVmac(ipBlock: string, server: string, mac: string | null, vmName = 'vm'): void {
    const bare = ipBlock.replace(/\/32$/, '');
    const previous = this.vmacOf(ipBlock);
    if (previous) {
      const s = this.servers.get(previous.server)!;
      const v = s.vmacs.get(previous.mac)!;
      v.ips.delete(bare);
      if (v.ips.size === 0) s.vmacs.delete(previous.mac);
    }
    if (mac !== null) {
      const s = this.servers.get(server);
      if (!s) throw new Error(`mock: unknown server ${server}`);
      const v = s.vmacs.get(mac) ?? { type: 'ovh' as const, ips: new Map<string, string>() };
      v.ips.set(bare, vmName);
      s.vmacs.set(mac, v);
    }
    if ((previous?.mac ?? null) !== mac) this.emit(ipBlock, mac, 'vmac');
  }

  /** A fresh MAC as OVH generates them: 02:00:00:xx:xx:xx for ovh, 00:50:56:xx:xx:xx for vmware. */
  generateMac(type: 'ovh' | 'vmware'): string {
    const n = this.nextMac++;
    const tail = [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');
    return (type === 'ovh' ? '02:00:00:' : '00:50:56:') + tail;
  }

  /** A JSON snapshot for assertions and the admin route. */
  snapshot(): Record<string, unknown> {
    this.tick();
    return {
      ips: Object.fromEntries([...this.ips].map(([ip, v]) => [ip, { routedTo: v.routedTo, vmac: this.vmacOf(ip)?.mac ?? null }])),
      servers: Object.fromEntries(
        [...this.servers].map(([name, s]) => [name, { vmacSupported: s.vmacSupported, vmacs: Object.fromEntries([...s.vmacs].map(([mac, v]) => [mac, { type: v.type, ips: Object.fromEntries(v.ips) }])) }]),
      ),
      tasks: [...this.tasks.values()].map((t) => ({ id: t.id, scope: t.scope, owner: t.owner, ip: t.ip, function: t.function, status: t.status })),
    };
  }

  private emit(ip: string, target: string | null, kind: 'routedTo' | 'vmac'): void {
    for (const listener of this.listeners) listener(ip, target, kind);
  }
}
