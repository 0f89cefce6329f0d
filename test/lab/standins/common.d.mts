// Types for common.mjs, which the lab's TypeScript imports (the stand-ins themselves run as
// plain Node scripts, without tsx, to start fast).
export interface StandinSysctls {
  demotion: number;
  preempt: number;
  allow: number;
  /** kern.boottime, epoch ms: when the lab "booted" this router. */
  boottime: number;
}
export interface StandinSettings {
  ns: string;
  carpStateFile: string;
  sysctlFile: string;
  vhids: Array<{ vhid: number; interface: string; vip: string; prefixlen: number; advbase: number; advskew: number }>;
  tunnels: Record<string, { source: string; destination: string; remote: string; routes: string[] }>;
}
export function loadSettings(): StandinSettings;
export function ipJson(ns: string, args: string[]): unknown;
export function ipRun(ns: string, args: string[]): void;
export function readCarpState(file: string): 'MASTER' | 'BACKUP' | 'INIT';
export function readSysctls(file: string): StandinSysctls;
export function writeSysctls(file: string, values: StandinSysctls): void;
export function fail(code: number, message: string): never;
