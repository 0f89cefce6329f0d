// Lab stand-in for FreeBSD's ifconfig(8), answering from a Linux namespace's real state; run by
// the resident stand-in server (server.mjs) for the compiled client the service executes.
// Supported: `ifconfig [-a]`, `ifconfig -l`, `ifconfig <if>`, and on an interface any sequence of
// `up`, `down` and `ether|lladdr <MAC>` (sbin/ifconfig: af_link.c link_getaddr sets the
// link-level address with SIOCSIFLLADDR; FreeBSD then announces it with gratuitous ARPs,
// sys/netinet/if_ether.c arp_iflladdr, as Linux does with net.ipv4.conf.*.arp_notify=1).
import { formatInterface, freebsdName, linuxName } from './ifconfig-format.mjs';

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** What the command printed and its exit status. */
function answer(status, stdout = '', stderr = '') {
  return { status, stdout, stderr };
}

/** err(3)'s format: "ifconfig: <message>". */
function failure(message) {
  return answer(1, '', `ifconfig: ${message}\n`);
}

/** The operations after the interface name, or the error for the first word it cannot take. */
export function parseOperations(words) {
  const ops = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === 'up' || word === 'down') ops.push({ kind: word });
    else if (word === 'ether' || word === 'lladdr') {
      const mac = words[++i];
      if (mac === undefined || !MAC.test(mac)) return { error: `${word}: bad value${mac === undefined ? '' : ` ${mac}`}` };
      ops.push({ kind: 'ether', mac: mac.toLowerCase() });
    } else return { error: `lab stand-in does not support: ${words.join(' ')}` };
  }
  return { ops };
}

/** Runs one ifconfig invocation against ctx (settings, ip batch, CARP state). */
export async function ifconfig(ctx, args) {
  const { settings, ip } = ctx;
  let links;
  try {
    links = await ip.read('addr show');
  } catch (error) {
    return failure(`cannot read namespace ${settings.ns}: ${error.message}`);
  }
  const print = (list) => answer(0, list.map((link) => formatInterface(link, settings, ctx.carpState())).join(''));
  if (args.length === 0 || (args.length === 1 && args[0] === '-a')) return print(links);
  if (args.length === 1 && args[0] === '-l') return answer(0, links.map((l) => freebsdName(l.ifname)).join(' ') + '\n');
  if (args[0].startsWith('-')) return failure(`lab stand-in does not support: ${args.join(' ')}`);
  const name = linuxName(args[0]);
  const link = links.find((l) => l.ifname === name);
  if (!link) return failure(`interface ${args[0]} does not exist`);
  if (args.length === 1) return print([link]);
  const parsed = parseOperations(args.slice(1));
  if (parsed.error) return failure(parsed.error);
  for (const op of parsed.ops) {
    try {
      if (op.kind === 'ether') {
        await ip.write(`link set dev ${name} address ${op.mac}`);
        continue;
      }
      await ip.write(`link set dev ${name} ${op.kind}`);
      // The gre0 veth goes down the way `ifconfig gre0 down` takes a FreeBSD tunnel down. Linux
      // flushes routes through a link that goes down, FreeBSD keeps them: put them back on up.
      const tunnel = settings.tunnels?.[name];
      if (op.kind === 'up' && tunnel) {
        for (const dest of tunnel.routes ?? []) await ip.write(`route replace ${dest} via ${tunnel.remote} dev ${name}`);
      }
    } catch (error) {
      return failure(`${op.kind === 'ether' ? 'SIOCSIFLLADDR' : 'SIOCSIFFLAGS'}: ${error.message}`);
    }
  }
  return answer(0);
}
