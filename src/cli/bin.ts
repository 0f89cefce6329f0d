#!/usr/bin/env node
// The `carp-failover` executable: binds runCli to the real process. The exit status is set, not
// forced with process.exit, so output still queued on a pipe is flushed before the process ends.
import { holdEarlySignals } from '../early-signals.js';

// The daemon's signals are held from the first line on (src/early-signals.ts); the rest of the
// program is loaded only after that, so a SIGHUP during loading is a reload, not a death.
if (process.argv.slice(2).includes('run')) holdEarlySignals(['SIGHUP', 'SIGTERM', 'SIGINT']);
const { runCli } = await import('./main.js');

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
};

process.on('uncaughtException', (error) => {
  process.stderr.write(`carp-failover: internal error: ${error.stack ?? error.message}\n`);
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`carp-failover: internal error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  process.exit(70);
});

runCli(process.argv.slice(2), io, process.env).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`carp-failover: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
