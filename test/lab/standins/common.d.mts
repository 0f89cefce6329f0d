export interface StandinSysctls {
  demotion: number;
  preempt: number;
  allow: number;
  /** kern.boottime, epoch ms: when the lab "booted" this router. */
  boottime: number;
}
export const CARP_MAXSKEW: number;
export function demotedAdvskew(advskew: number, demotion: number): number;
export function readCarpState(file: string): 'MASTER' | 'BACKUP' | 'INIT';
export function readSysctls(file: string): StandinSysctls;
export function writeSysctls(file: string, values: StandinSysctls): void;
