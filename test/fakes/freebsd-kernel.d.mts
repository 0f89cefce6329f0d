// Types for freebsd-kernel.mjs (the one model of FreeBSD's CARP sysctls; see there).
export interface KernelSysctls {
  demotion: number;
  preempt: number;
  allow: number;
  /** kern.boottime, epoch ms. */
  boottime: number;
}
export const CARP_MAXSKEW: 240;
export function addDemotion(counter: number, delta: number): number;
export function advertisedSkew(advskew: number, demotion: number): number;
export function runSysctl(args: readonly string[], values: KernelSysctls): { stdout: string; stderr: string; exitCode: number; writes: number[] };
