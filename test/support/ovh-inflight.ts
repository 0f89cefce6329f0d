// Tests that drive real Engines against the in-process OVH mock on a fake clock must not move
// fake time on while a real HTTP call is still in flight (its reply would land in the wrong
// period): a client that counts its calls in flight, and a wait until every client has none.
import { OvhClient, type CallOptions, type HttpMethod } from '../../src/ovh/client.js';
import { flush } from '../fakes/clock.js';

/** The real OvhClient, counting its calls in flight so the driver can wait for real HTTP. */
export class CountingClient extends OvhClient {
  inflight = 0;
  override async call<T>(method: HttpMethod, path: string, options?: CallOptions): Promise<T> {
    this.inflight++;
    try {
      return await super.call<T>(method, path, options);
    } finally {
      this.inflight--;
    }
  }
}

export interface SettleOptions {
  /** How many rounds (event-loop turns, or 1 ms sleeps while a call is out) before giving up. */
  maxRounds?: number;
  /** Event-loop turns a quiet moment must last before it counts as settled. */
  confirmTurns?: number;
}

/** Resolves once no client has a call in flight and that holds for `confirmTurns` more turns
 *  (a finished call may start the next); throws after `maxRounds` so a stuck run fails loudly.
 *  `clients` is read each round: a driver may add routers after it made the settle function. */
export async function settleOvhCalls(clients: () => readonly CountingClient[], options: SettleOptions = {}): Promise<void> {
  const { maxRounds = 2000, confirmTurns = 4 } = options;
  const quiet = () => clients().every((c) => c.inflight === 0);
  for (let i = 0; i < maxRounds; i++) {
    await flush(2);
    if (quiet()) {
      await flush(confirmTurns);
      if (quiet()) return;
    } else await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('OVH calls did not settle');
}
