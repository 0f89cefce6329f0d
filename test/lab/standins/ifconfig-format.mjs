// FreeBSD's `ifconfig` text, rendered from a Linux namespace's `ip -j addr` objects and the
// router's emulated CARP state. Formats follow freebsd/freebsd-src sbin/ifconfig: the flags line
// (ifconfig.c status(): printb("flags", …) then " metric %d mtu %d"), inet lines (af_inet.c:
// "\tinet %s netmask 0x%x broadcast %s" plus " vhid %d"; "--> %s" for point-to-point), the tunnel
// line (af_inet.c: "\ttunnel inet %s --> %s"), and the CARP lines (ifcarp.c carp_status():
// "\tcarp: %s vhid %d advbase %d advskew %d" then FreeBSD 14's "\t      peer %s peer6 %s").
// Line order and the LOWER_UP flag follow FreeBSD 14, as in test/fixtures/freebsd/fbsd14-*.txt.

// sys/net/if.h IFF_* bits, in the order printb() walks them.
const IFF = [
  ['UP', 0x1], ['BROADCAST', 0x2], ['LOOPBACK', 0x8], ['POINTOPOINT', 0x10],
  ['RUNNING', 0x40], ['NOARP', 0x80], ['PROMISC', 0x100], ['ALLMULTI', 0x200],
  ['SIMPLEX', 0x800], ['MULTICAST', 0x8000], ['LOWER_UP', 0x1000000],
];

/** Linux name → FreeBSD name shown to the service (only the loopback differs). */
export function freebsdName(linuxName) {
  return linuxName === 'lo' ? 'lo0' : linuxName;
}

/** FreeBSD name → Linux name in the namespace. */
export function linuxName(freebsd) {
  return freebsd === 'lo0' ? 'lo' : freebsd;
}

function flagsWord(link, kind) {
  const set = new Set();
  const linuxFlags = new Set(link.flags ?? []);
  if (linuxFlags.has('UP')) set.add('UP');
  if (linuxFlags.has('LOWER_UP')) {
    set.add('RUNNING');
    set.add('LOWER_UP');
  }
  if (linuxFlags.has('MULTICAST')) set.add('MULTICAST');
  if (kind === 'loopback') set.add('LOOPBACK');
  if (kind === 'tunnel') set.add('POINTOPOINT');
  if (kind === 'ether') {
    set.add('BROADCAST');
    set.add('SIMPLEX');
  }
  let bits = 0;
  const names = [];
  for (const [name, bit] of IFF) {
    if (set.has(name)) {
      bits |= bit;
      names.push(name);
    }
  }
  return `flags=${bits.toString(16)}<${names.join(',')}>`;
}

/** 24 → "0xffffff00", as af_inet.c prints the netmask. */
export function hexNetmask(prefixlen) {
  const mask = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
  return `0x${mask.toString(16).padStart(8, '0')}`;
}

function broadcastOf(address, prefixlen) {
  const n = address.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
  const host = prefixlen >= 32 ? 0 : (0xffffffff >>> prefixlen);
  const b = (n | host) >>> 0;
  return [24, 16, 8, 0].map((shift) => (b >>> shift) & 0xff).join('.');
}

function inetLines(link, kind, settings) {
  const lines = [];
  const inet6 = [];
  const carpVhids = settings.vhids.filter((v) => v.interface === freebsdName(link.ifname));
  const seen = new Set();
  for (const a of link.addr_info ?? []) {
    if (a.family === 'inet6') {
      const scoped = a.scope === 'link' ? `${a.local}%${freebsdName(link.ifname)}` : a.local;
      const scope = a.scope === 'link' ? ` scopeid 0x${link.ifindex.toString(16)}` : '';
      inet6.push(`\tinet6 ${scoped} prefixlen ${a.prefixlen}${scope}`);
      continue;
    }
    if (a.family !== 'inet') continue;
    seen.add(a.local);
    const vhid = carpVhids.find((v) => v.vip === a.local);
    const suffix = vhid ? ` vhid ${vhid.vhid}` : '';
    if (kind === 'tunnel') {
      const remote = a.address ?? settings.tunnels?.[link.ifname]?.remote ?? a.local;
      lines.push(`\tinet ${a.local} --> ${remote} netmask ${hexNetmask(a.prefixlen)}${suffix}`);
    } else if (kind === 'loopback') {
      lines.push(`\tinet ${a.local} netmask ${hexNetmask(a.prefixlen)}${suffix}`);
    } else {
      lines.push(`\tinet ${a.local} netmask ${hexNetmask(a.prefixlen)} broadcast ${a.broadcast ?? broadcastOf(a.local, a.prefixlen)}${suffix}`);
    }
  }
  // On FreeBSD a CARP address stays configured in BACKUP too (it only stops answering); ucarp
  // removes it, so show it from the settings when the namespace does not have it right now.
  for (const v of carpVhids) {
    if (seen.has(v.vip)) continue;
    lines.push(`\tinet ${v.vip} netmask ${hexNetmask(v.prefixlen)} broadcast ${broadcastOf(v.vip, v.prefixlen)} vhid ${v.vhid}`);
  }
  return [...lines, ...inet6];
}

function carpLines(link, settings, carpState) {
  return settings.vhids
    .filter((v) => v.interface === freebsdName(link.ifname))
    .flatMap((v) => [
      `\tcarp: ${carpState} vhid ${v.vhid} advbase ${v.advbase} advskew ${v.advskew}`,
      `\t      peer 224.0.0.18 peer6 ff02::12`,
    ]);
}

/** One interface's block, newline-terminated, as `ifconfig <name>` prints it. */
export function formatInterface(link, settings, carpState) {
  const tunnel = settings.tunnels?.[link.ifname];
  const kind = link.ifname === 'lo' ? 'loopback' : tunnel ? 'tunnel' : 'ether';
  const out = [`${freebsdName(link.ifname)}: ${flagsWord(link, kind)} metric 0 mtu ${link.mtu}`];
  if (kind === 'loopback') {
    out.push('\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>');
    out.push(...inetLines(link, kind, settings));
    out.push('\tgroups: lo', '\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>');
  } else if (kind === 'tunnel') {
    out.push('\toptions=80000<LINKSTATE>');
    out.push(`\ttunnel inet ${tunnel.source} --> ${tunnel.destination}`);
    out.push(...inetLines(link, kind, settings));
    out.push('\tgroups: gre', '\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>');
  } else {
    out.push('\toptions=80028<VLAN_MTU,JUMBO_MTU,LINKSTATE>');
    if (link.address) out.push(`\tether ${link.address}`);
    // FreeBSD also prints the NIC's own address, only while the link-level address differs from it
    // (sbin/ifconfig/af_link.c print_ether, freebsd-src aeba9097: "\tether %s" then "\thwaddr %s").
    const hwaddr = settings.hwaddrs?.[link.ifname];
    if (hwaddr && link.address && hwaddr !== link.address) out.push(`\thwaddr ${hwaddr}`);
    out.push(...inetLines(link, kind, settings));
    out.push(...carpLines(link, settings, carpState));
    out.push('\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)');
    out.push(`\tstatus: ${(link.flags ?? []).includes('LOWER_UP') ? 'active' : 'no carrier'}`);
    out.push('\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>');
  }
  return out.join('\n') + '\n';
}
