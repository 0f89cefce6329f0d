// What the sockets may ask of the running service. The daemon (src/daemon.ts) implements it on
// top of the engine; the socket servers only parse, dispatch and answer.
import type { StatusReport, Timeline } from '../status/model.js';

/** A devd notification line, parsed (src/events/devd.ts). */
export interface DevdEvent {
  system: string;
  subsystem: string;
  type: string;
  /** Set for system=CARP with a well-formed subsystem. */
  vhid?: number;
  interface?: string;
}

/** Why an intake line was dropped; counted per reason in status. */
export type DropReason = 'malformed' | 'oversized' | 'not-utf8' | 'unknown-system' | 'unfollowed-vhid' | 'bad-request';

export interface ServiceApi {
  status(): StatusReport;
  /** The last `limit` failovers as timelines, newest last. */
  history(limit: number): Promise<Timeline[]>;
  /** A devd event arrived: a hint to re-observe, never the state itself. */
  onEvent(event: DevdEvent): void;
  /** A line was dropped: counted and logged by the caller's logger. */
  onDrop(reason: DropReason): void;
  /** Runs a reconcile now and resolves when it has run (the `reconcile` command). */
  reconcileNow(): Promise<{ reconcileId: string; ok: boolean }>;
  /** drain/undrain/freeze/thaw: persists the flag, then reconciles. */
  setFlag(flag: 'drain' | 'freeze', on: boolean): Promise<StatusReport>;
  /** `release`: ends a fail-back hold (failback.mode hold or manual), then reconciles. */
  releaseFailback(): Promise<{ released: boolean; report: StatusReport }>;
}
