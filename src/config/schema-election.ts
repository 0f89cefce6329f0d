// The election keys: path checks (health.checks[]) and fail-back control (failback). Kept beside
// schema.ts so each file stays one concern; schema.ts mounts them. Defaults live here only.
import { z } from 'zod';

/** A check's name: shown in status, metrics labels and logs, so plain and short. */
export const CHECK_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const name = z.string().regex(CHECK_NAME, 'must be a check name (lower-case letters, digits, "_", "-"; at most 32; starts with a letter)');
const ipAny = z.union([z.ipv4(), z.ipv6()]);

// Timing and hysteresis shared by every kind. fall/rise: consecutive results needed to change
// state (keepalived vrrp_script's fall/rise; FreeBSD's own senderr hysteresis uses 3).
const common = {
  name,
  /** Between the starts of two probes of this check. */
  interval_ms: z.number().int().min(100).max(3_600_000).default(2000),
  /** A probe that takes longer fails (and is killed). */
  timeout_ms: z.number().int().min(50).max(600_000).default(1000),
  fall: z.number().int().min(1).max(100).default(3),
  rise: z.number().int().min(1).max(100).default(3),
  /** Added to our `path` demotion while the check is down. */
  weight: z.number().int().min(1).max(240).default(240),
};

const icmp = z.strictObject({
  type: z.literal('icmp'),
  /** IPv4 address to ping (ping -S source ... target). */
  target: z.ipv4(),
  /** Source address of the echo request; null lets the kernel choose. */
  source: z.ipv4().nullable().default(null),
  ...common,
});

const tcp = z.strictObject({
  type: z.literal('tcp'),
  host: ipAny,
  port: z.number().int().min(1).max(65535),
  ...common,
});

const route = z.strictObject({
  type: z.literal('route'),
  /** A prefix that must be in zebra's routing table (show ip route PREFIX json), e.g. 0.0.0.0/0. */
  prefix: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 prefix such as "0.0.0.0/0"'),
  /** Only a route learned from this protocol counts (ospf, bgp, static…); null: any. */
  protocol: z.enum(['ospf', 'bgp', 'static', 'connected', 'kernel', 'rip', 'isis']).nullable().default(null),
  ...common,
});

/** One path check. */
export const pathCheck = z.discriminatedUnion('type', [icmp, tcp, route]);

export const health = z
  .strictObject({
    checks: z.array(pathCheck).max(32, 'at most 32 path checks').default([]),
  })
  .prefault({});

export const failback = z
  .strictObject({
    /** auto: take MASTER back at once; hold: wait hold_s once ready; manual: wait for `release`. */
    mode: z.enum(['auto', 'hold', 'manual']).default('auto'),
    hold_s: z.number().int().min(1).max(86_400).default(300),
  })
  .prefault({});

export type PathCheckConfig = z.output<typeof pathCheck>;
export type FailbackConfig = z.output<typeof failback>;
