export function carpStateOf(line: string): 'MASTER' | 'BACKUP' | 'INIT' | null;
export function devdLine(vhid: number, ifname: string, state: 'MASTER' | 'BACKUP' | 'INIT'): string;
export class CarpEvents {
  constructor(r: unknown);
  state: string;
  close(): void;
}
