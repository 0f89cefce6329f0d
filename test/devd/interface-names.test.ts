// One source of truth for interface names (issue 14 item 16): the devd rule's subsystem
// expression is built from the schema's INTERFACE_NAME_PATTERN, and a real POSIX ERE engine
// (grep -E -x, the regcomp(3) family devd uses, anchored as devd anchors) agrees with the schema
// on every name, both ways: a name the config accepts reaches the service, and no other does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { INTERFACE_NAME_PATTERN } from '../../src/config/fields.js';
import { parseDevdLine } from '../../src/events/devd.js';

const CONF = readFileSync(new URL('../../devd/carp-failover.conf', import.meta.url), 'utf8');
const subsystemExpression = /match\s+"subsystem"\s+"([^"]+)"/.exec(CONF.replace(/^\s*#.*$/gm, ''))![1]!;

const ACCEPTED = ['LAN0', 'vmx0', 'em0', 'lagg0.100', 'vtnet_1', 'igb-wan', 'a', 'Abcdefghijklmno'];
const REFUSED = ['0em', '-em0', 'em0;x', 'em 0', 'Abcdefghijklmnop', 'em0$', 'é0', '.em0', '_em0'];

/** The lines of `input` that grep -E -x (C locale) matches with `expression`. */
function posixMatches(expression: string, input: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const grep = spawn('grep', ['-E', '-x', '-e', expression], { env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    grep.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    grep.on('error', reject);
    grep.on('close', (code) => (code === 0 || code === 1 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(`grep exited ${code}`))));
    grep.stdin.end(`${input.join('\n')}\n`);
  });
}

function configAccepts(name: string): boolean {
  try {
    parseConfigText(`node: r2\ncarp:\n  vhids:\n    - { vhid: 1, interface: ${JSON.stringify(name)} }\n`, 't.yaml');
    return true;
  } catch {
    return false;
  }
}

describe('interface names: devd rule and schema are one', () => {
  it('the rule carries the schema pattern verbatim', () => {
    expect(subsystemExpression).toBe(`[0-9]{1,3}@${INTERFACE_NAME_PATTERN}`);
  });

  it('the schema accepts exactly the names the test calls accepted', () => {
    expect(ACCEPTED.filter(configAccepts)).toEqual(ACCEPTED);
    expect(REFUSED.filter(configAccepts)).toEqual([]);
  });

  it('devd (a POSIX ERE, anchored) passes every name the config accepts, and none it refuses', async () => {
    const subsystems = [...ACCEPTED, ...REFUSED].map((name) => `1@${name}`);
    const passed = await posixMatches(subsystemExpression, subsystems);
    expect(passed).toEqual(ACCEPTED.map((name) => `1@${name}`));
  });

  it('the intake parser agrees with both', () => {
    for (const name of ACCEPTED) expect(parseDevdLine(`!system=CARP subsystem=1@${name} type=MASTER`).ok).toBe(true);
    for (const name of REFUSED.filter((n) => !/[\s$]/.test(n))) expect(parseDevdLine(`!system=CARP subsystem=1@${name} type=MASTER`).ok).toBe(false);
  });

  it('vhids 1-255 pass, a 4-digit one does not', async () => {
    expect(await posixMatches(subsystemExpression, ['1@em0', '255@em0', '1000@em0'])).toEqual(['1@em0', '255@em0']);
  });
});
