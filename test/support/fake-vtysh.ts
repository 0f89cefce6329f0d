// A file-backed stand-in for FRR's vtysh, for tests that run the real daemon process: it answers
// `show version` with FRR 8.4's (test/fixtures/ospf/frr-8.4-version.txt), `show ip ospf interface
// IF json` with FRR 8.4's r1e0 entry (frr-8.4-interface.json.txt) served for each configured
// interface at the cost it holds, and sets that cost on `configure terminal` / `interface IF` /
// `ip ospf cost N`, as ospfd would. Every call's start and end times go to calls.jsonl.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../resources/ospf/fixture.js';

const VTYSH = String.raw`#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const started = performance.timeOrigin;
const file = path.join(__dirname, 'state.json');
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
process.on('exit', () => fs.appendFileSync(path.join(__dirname, 'calls.jsonl'), JSON.stringify({ argv: ['vtysh', ...args], start: started, end: Date.now() }) + '\n'));
const commands = [];
for (let i = 0; i < args.length; i++) if (args[i] === '-c') commands.push(args[++i]);
if (commands[0] === 'show version') { process.stdout.write(fs.readFileSync(path.join(__dirname, 'version.txt'), 'utf8')); process.exit(0); }
const show = /^show ip ospf interface (\S+) json$/.exec(commands[0] || '');
if (show) {
  const entry = JSON.parse(fs.readFileSync(path.join(__dirname, 'interface.json'), 'utf8')).interfaces.r1e0;
  const out = { interfaces: {} };
  if (show[1] in state.costs) out.interfaces[show[1]] = { ...entry, cost: state.costs[show[1]] };
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}
const iface = /^interface (\S+)$/.exec(commands[1] || '');
const cost = /^ip ospf cost (\d+)$/.exec(commands[2] || '');
if (commands[0] === 'configure terminal' && iface && cost && iface[1] in state.costs) {
  state.costs[iface[1]] = Number(cost[1]);
  fs.writeFileSync(file + '.tmp', JSON.stringify(state));
  fs.renameSync(file + '.tmp', file);
  process.exit(0);
}
process.stdout.write('% Unknown command: ' + commands.join(' / ') + '\n');
process.exit(1);
`;

/** A temp dir holding `vtysh`, its state (cost per interface) and its call log. */
export class FakeVtysh {
  readonly dir: string;
  readonly vtysh: string;

  constructor(costs: Record<string, number>) {
    this.dir = mkdtempSync(join(tmpdir(), 'cf-fakevtysh-'));
    this.vtysh = join(this.dir, 'vtysh');
    writeFileSync(this.vtysh, VTYSH);
    chmodSync(this.vtysh, 0o755);
    writeFileSync(join(this.dir, 'version.txt'), fixture('frr-8.4-version.txt'));
    writeFileSync(join(this.dir, 'interface.json'), fixture('frr-8.4-interface.json.txt'));
    writeFileSync(join(this.dir, 'state.json'), JSON.stringify({ costs }));
  }

  cost(iface: string): number | undefined {
    return (JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8')) as { costs: Record<string, number> }).costs[iface];
  }

  /** Every call so far: argv, process start and end (epoch ms). */
  calls(): Array<{ argv: string[]; start: number; end: number }> {
    const file = join(this.dir, 'calls.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
