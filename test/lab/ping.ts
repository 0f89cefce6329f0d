// A continuous ping of the IPFO from upstream (every 10 ms, iputils `-D -O`), parsed into replies
// with their time and the answering router (each router replies with its own TTL, see plan.ts).
import { createInterface } from 'node:readline';
import { nsSpawn } from '../support/netns.js';
import type { Lab } from './lab.js';
import { IPFO, NS_UP, UPSTREAM_ADDR, routerForTtl, type RouterId } from './plan.js';

export interface PingReply {
  /** Epoch ms, from ping's -D timestamp. */
  at: number;
  seq: number;
  ttl: number;
  router: RouterId | null;
}

const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from [^:]+: icmp_seq=(\d+) ttl=(\d+)/;

/** One line of `ping -D -O` output → a reply, or null (no-answer lines, headers, summary). */
export function parsePingLine(line: string): PingReply | null {
  const m = REPLY.exec(line);
  if (!m) return null;
  const ttl = Number(m[3]);
  return { at: Math.round(Number(m[1]) * 1000), seq: Number(m[2]), ttl, router: routerForTtl(ttl)?.id ?? null };
}

export interface Outage {
  /** Time without replies: first reply after the gap minus last reply before it. */
  gapMs: number;
  lastBefore: PingReply;
  firstAfter: PingReply;
  /** Echo requests that got no reply in the gap. */
  lost: number;
}

/** The longest gap between consecutive replies at or after `since` (epoch ms), if any. */
export function longestGap(replies: readonly PingReply[], since = 0): Outage | null {
  let best: Outage | null = null;
  for (let i = 1; i < replies.length; i++) {
    const a = replies[i - 1]!;
    const b = replies[i]!;
    if (b.at < since) continue;
    const gap = b.at - a.at;
    if (!best || gap > best.gapMs) best = { gapMs: gap, lastBefore: a, firstAfter: b, lost: Math.max(0, b.seq - a.seq - 1) };
  }
  return best;
}

/**
 * Echo requests ping actually sent per second (from sequence numbers and reply times): ping's
 * -i 0.01 is a minimum interval, and on a busy machine it sends ~58/s, not 100/s.
 */
export function sendRate(replies: readonly PingReply[]): number {
  const first = replies[0];
  const last = replies.at(-1);
  if (!first || !last || last.at <= first.at) return 0;
  return ((last.seq - first.seq) * 1000) / (last.at - first.at);
}

/** The first reply at or after `since` answered by `router`. */
export function firstReplyFrom(replies: readonly PingReply[], router: RouterId, since: number): PingReply | undefined {
  return replies.find((r) => r.at >= since && r.router === router);
}

const NO_ANSWER = /no answer yet for icmp_seq=(\d+)/;

/** Who pings what: the namespace, the source address, the destination. */
export interface PingTarget {
  ns: string;
  source: string;
  address: string;
}

/**
 * Echo requests in [since, until] that never got a reply: the icmp_seq numbers missing between
 * the first and the last reply of the window (ping -i 0.01 sends 55–100 a second on a loaded
 * machine, so a count of seconds × 100 would overstate what was sent).
 */
export function lostBetween(replies: readonly PingReply[], since: number, until = Infinity): number[] {
  const seqs = replies.filter((r) => r.at >= since && r.at <= until).map((r) => r.seq).sort((a, b) => a - b);
  const lost: number[] = [];
  for (let i = 1; i < seqs.length; i++) for (let s = seqs[i - 1]! + 1; s < seqs[i]!; s++) lost.push(s);
  return lost;
}

export class PingProbe {
  readonly replies: PingReply[] = [];

  /** Echo requests sent so far (the highest icmp_seq seen, answered or not). */
  sent = 0;

  /** By default upstream pings the IPFO; `target` pings another address from another namespace. */
  constructor(
    private readonly lab: Lab,
    private readonly target: PingTarget = { ns: NS_UP, source: UPSTREAM_ADDR, address: IPFO },
  ) {}

  /** Starts pinging; the probe runs until stop() or teardown. */
  start(): void {
    const { ns, source, address } = this.target;
    const child = this.lab.track(
      nsSpawn(ns, ['ping', '-D', '-O', '-n', '-i', '0.01', '-W', '1', '-I', source, address], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    this.stopFn = () => child.kill('SIGINT');
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const reply = parsePingLine(line);
      if (reply) this.replies.push(reply);
      const seq = reply?.seq ?? Number(NO_ANSWER.exec(line)?.[1] ?? 0);
      this.sent = Math.max(this.sent, seq);
    });
  }

  private stopFn: () => void = () => {};

  stop(): void {
    this.stopFn();
  }

  /** The most recent reply, if any. */
  last(): PingReply | undefined {
    return this.replies[this.replies.length - 1];
  }
}
