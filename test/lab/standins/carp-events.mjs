// The CARP side of the stand-in server: reads keepalived's notify FIFO for one router, in order,
// and does for each transition what FreeBSD's CARP does around it: the state the ifconfig
// stand-in prints (kept in memory and in the router's carp-state file for the tests), a timeline
// line, devd's line to the router's intake socket (ip_carp.c carp_set_state → devctl_notify
// "CARP" "<vhid>@<ifname>" "MASTER|BACKUP|INIT"; devd's rule hands it to the service), and the
// optional per-event handler of the bench's baseline.
import { spawn } from 'node:child_process';
import { accessSync, appendFileSync, constants, existsSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { readCarpState } from './common.mjs';

/** keepalived's FIFO line (`INSTANCE "VI_1" MASTER 254`) → CARP's state, or null. */
export function carpStateOf(line) {
  const m = /^INSTANCE "[^"]+" (MASTER|BACKUP|FAULT|STOP)\b/.exec(line);
  if (!m) return null;
  // FAULT (interface down) and STOP (keepalived stopping) are CARP's INIT: no election running.
  return m[1] === 'MASTER' || m[1] === 'BACKUP' ? m[1] : 'INIT';
}

/** devd's line for a CARP transition. */
export function devdLine(vhid, ifname, state) {
  return `!system=CARP subsystem=${vhid}@${ifname} type=${state}`;
}

/** Sends one line to a service's intake socket; nothing (quickly) when none listens. */
function sendDevd(socketPath, line) {
  if (!existsSync(socketPath)) return;
  const socket = connect(socketPath);
  socket.setTimeout(2000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.end(`${line}\n`);
}

export class CarpEvents {
  /** r: { id, settings, fifo, eventsFile, intakeSocket, hook } */
  constructor(r) {
    this.r = r;
    this.state = readCarpState(r.settings.carpStateFile);
    // Read-write, so the FIFO never reads end-of-file when keepalived exits or restarts, and the
    // lab can write a transition itself (a stopped CARP, which keepalived killed cannot report).
    const fd = openSync(r.fifo, constants.O_RDWR | constants.O_NONBLOCK);
    this.stream = new Socket({ fd, readable: true, writable: false });
    createInterface({ input: this.stream }).on('line', (line) => {
      const state = carpStateOf(line);
      if (state) this.transition(state);
    });
  }

  transition(state) {
    const { id, settings, eventsFile, intakeSocket, hook } = this.r;
    this.state = state;
    const tmp = `${settings.carpStateFile}.tmp`;
    writeFileSync(tmp, `${state}\n`);
    renameSync(tmp, settings.carpStateFile);
    appendFileSync(eventsFile, `${Date.now()} ${id} carp ${state}\n`);
    for (const v of settings.vhids) sendDevd(intakeSocket, devdLine(v.vhid, v.interface, state));
    if (hook && executable(hook)) spawn(hook, [state], { stdio: 'ignore', detached: true }).unref();
  }

  close() {
    this.stream.destroy();
  }
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
