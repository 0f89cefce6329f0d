#!/usr/bin/env node
// Lab stand-in for FreeBSD's ifconfig(8), answering from a Linux namespace's real state.
// Supported: `ifconfig [-a]`, `ifconfig -l`, `ifconfig <if>`, `ifconfig <if> up|down`.
import { fail, ipJson, ipRun, loadSettings, readCarpState } from './common.mjs';
import { formatInterface, freebsdName, linuxName } from './ifconfig-format.mjs';

const settings = loadSettings();
const args = process.argv.slice(2);

function links() {
  const all = ipJson(settings.ns, ['addr', 'show']);
  if (all === null) fail(1, `cannot read namespace ${settings.ns}`);
  return all;
}

function print(list) {
  const state = readCarpState(settings.carpStateFile);
  process.stdout.write(list.map((link) => formatInterface(link, settings, state)).join(''));
}

if (args.length === 0 || (args.length === 1 && args[0] === '-a')) {
  print(links());
} else if (args.length === 1 && args[0] === '-l') {
  process.stdout.write(links().map((l) => freebsdName(l.ifname)).join(' ') + '\n');
} else if (!args[0].startsWith('-')) {
  const name = linuxName(args[0]);
  const link = links().find((l) => l.ifname === name);
  if (!link) fail(1, `interface ${args[0]} does not exist`);
  if (args.length === 1) {
    print([link]);
  } else if (args.length === 2 && (args[1] === 'up' || args[1] === 'down')) {
    // The gre0 veth goes down the way `ifconfig gre0 down` takes a FreeBSD tunnel down. Linux
    // flushes routes through a link that goes down, FreeBSD keeps them: put them back on up.
    try {
      ipRun(settings.ns, ['link', 'set', name, args[1]]);
      const tunnel = settings.tunnels?.[name];
      if (args[1] === 'up' && tunnel) {
        for (const dest of tunnel.routes ?? []) ipRun(settings.ns, ['route', 'replace', dest, 'via', tunnel.remote, 'dev', name]);
      }
    } catch (error) {
      fail(1, `SIOCSIFFLAGS: ${String(error.stderr ?? error.message).trim()}`);
    }
  } else {
    fail(1, `lab stand-in does not support: ${args.join(' ')}`);
  }
} else {
  fail(1, `lab stand-in does not support: ${args.join(' ')}`);
}
