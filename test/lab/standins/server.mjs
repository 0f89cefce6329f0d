#!/usr/bin/env node
// The lab's resident stand-in server: one Node process for the whole lab, started by
// test/lab/standins.ts with a JSON file listing the routers. Per router it answers the compiled
// ifconfig/sysctl client on <router>/bin/standin.sock from the namespace's real state (through a
// resident `ip -batch`, ip-batch.mjs), follows keepalived's notify FIFO (carp-events.mjs), and
// hands each demotion change to keepalived's track file at once. Requests of one router run one
// after another, as the kernel serialises them. Prints "ready" once every socket listens.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { CarpEvents } from './carp-events.mjs';
import { demotedAdvskew, readSysctls } from './common.mjs';
import { ifconfig } from './ifconfig.mjs';
import { IpBatch } from './ip-batch.mjs';
import { sysctl } from './sysctl.mjs';

function frame({ status, stdout, stderr }) {
  const out = Buffer.from(stdout);
  const err = Buffer.from(stderr);
  return Buffer.concat([Buffer.from(`${status} ${out.length} ${err.length}\n`), out, err]);
}

function serveRouter(r) {
  const settings = JSON.parse(readFileSync(r.settingsFile, 'utf8'));
  const ip = new IpBatch(settings.ns);
  const carp = new CarpEvents({ ...r, settings });
  const advskew = settings.vhids[0]?.advskew ?? 0;
  // keepalived lowers its priority by the file's value (weight -1): what the demotion adds to the skew.
  const writeTrack = (demotion) => writeFileSync(r.trackFile, `${demotedAdvskew(advskew, demotion) - advskew}\n`);
  writeTrack(readSysctls(settings.sysctlFile).demotion);
  const ctx = { settings, ip, carpState: () => carp.state, onDemotion: writeTrack };
  let chain = Promise.resolve();
  // allowHalfOpen: the client shuts its side down after the request and still reads the answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => {
      const [tool, ...args] = Buffer.concat(chunks).toString('utf8').split('\0').slice(0, -1);
      const run = async () => {
        if (tool === 'ifconfig') return ifconfig(ctx, args);
        if (tool === 'sysctl') return sysctl(ctx, args);
        return { status: 1, stdout: '', stderr: `lab stand-in: unknown tool ${tool}\n` };
      };
      chain = chain.then(run).then(
        (result) => socket.end(frame(result)),
        (error) => socket.end(frame({ status: 70, stdout: '', stderr: `lab stand-in: ${error.message}\n` })),
      );
    });
  });
  rmSync(r.socket, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(r.socket, () => resolve({ server, ip, carp }));
  });
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const served = await Promise.all(config.routers.map(serveRouter));
const stop = () => {
  for (const s of served) {
    s.server.close();
    s.ip.close();
    s.carp.close();
  }
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdout.write('ready\n');
