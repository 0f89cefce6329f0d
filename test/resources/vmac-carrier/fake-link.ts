// A FreeBSD 14 interface behind a FakeHost `ifconfig`, with the kernel semantics the carrier
// relies on: `ether MAC` (SIOCSIFLLADDR → if_setlladdr → iflladdr_event → arp_iflladdr) sends one
// gratuitous ARP per non-CARP inet address, and only while the interface is UP; `up` alone sends
// none. Output is what sbin/ifconfig/af_link.c link_status_nl() prints (@e4452d45): `ether`, then
// `hwaddr` only while it differs; the rest of the block is test/fixtures/freebsd/fbsd14-vtnet1-hw.txt.
import { FakeHost } from '../../fakes/host.js';

export const IFCONFIG = '/sbin/ifconfig';

export interface Announcement {
  interface: string;
  ip: string;
  mac: string;
}

export class FakeLink {
  up = true;
  ether: string;
  /** Printed as `hwaddr` while it differs from ether; null: the interface has none (vlan, lagg). */
  hwaddr: string | null;
  /** inet addresses; `vhid` marks a CARP address (arp_ifinit skips it). */
  inet: Array<{ ip: string; mask: string; vhid?: number }> = [
    { ip: '203.0.113.12', mask: '0xffffff00' },
    { ip: '192.0.2.10', mask: '0xffffffff' },
  ];
  readonly announced: Announcement[] = [];
  exists = true;

  constructor(
    readonly name = 'vtnet1',
    hwaddr: string | null = '58:9c:fc:00:02:01',
  ) {
    this.hwaddr = hwaddr;
    this.ether = hwaddr ?? '02:00:00:00:0a:01';
  }

  /** Answers the libxo probe and `ifconfig <name> …` on this host (other rules stay). */
  host(host = new FakeHost()): FakeHost {
    return host.on([IFCONFIG, '--libxo'], (argv) => this.answer(argv)).on([IFCONFIG, this.name], (argv) => this.answer(argv));
  }

  text(): string {
    const flags = this.up ? '1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP>' : '1008802<BROADCAST,SIMPLEX,MULTICAST,LOWER_UP>';
    let out = `${this.name}: flags=${flags} metric 0 mtu 1500\n\toptions=4c07bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,TSO4,TSO6,LRO,VLAN_HWTSO,LINKSTATE,TXCSUM_IPV6>\n`;
    out += `\tether ${this.ether}\n`;
    if (this.hwaddr !== null && this.hwaddr !== this.ether) out += `\thwaddr ${this.hwaddr}\n`;
    for (const a of this.inet) out += `\tinet ${a.ip} netmask ${a.mask} broadcast ${a.ip}${a.vhid ? ` vhid ${a.vhid}` : ''}\n`;
    return `${out}\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n\tstatus: active\n\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n`;
  }

  private answer(argv: readonly string[]): string | { stdout?: string; stderr?: string; exitCode?: number } {
    if (argv[1] === '--libxo') return { exitCode: 1, stderr: 'usage: ifconfig [-j jail] [-f type:format] interface address_family' };
    if (argv[1] !== this.name || !this.exists) return { exitCode: 1, stderr: `ifconfig: interface ${argv[1]} does not exist` };
    if (argv.length === 2) return this.text();
    if (argv.length === 3 && (argv[2] === 'up' || argv[2] === 'down')) {
      this.up = argv[2] === 'up';
      return '';
    }
    if (argv.length === 4 && argv[2] === 'ether' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(argv[3]!)) {
      this.ether = argv[3]!;
      if (this.up) for (const a of this.inet) if (a.vhid === undefined) this.announced.push({ interface: this.name, ip: a.ip, mac: this.ether });
      return '';
    }
    return { exitCode: 1, stderr: `fake ifconfig: unexpected ${argv.join(' ')}` };
  }
}
