// Every script in rc.d/: an executable /bin/sh script, shellcheck-clean as POSIX sh at every
// severity (rc.d scripts run only on FreeBSD, so what can be checked here is checked for all).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipReason } from '../support/env.js';

const RC_D = fileURLToPath(new URL('../../rc.d/', import.meta.url));
const SCRIPTS = readdirSync(RC_D).sort();
const shellcheckMissing = existsSync('/usr/bin/shellcheck') ? null : 'shellcheck not installed; run scripts/setup.sh as root';

describe('rc.d scripts', () => {
  it('are the service and its early boot hold', () => {
    expect(SCRIPTS).toEqual(['carp_failover', 'carp_failover_early']);
  });

  it.each(SCRIPTS)('%s is executable and a /bin/sh script', (name) => {
    expect(readFileSync(join(RC_D, name), 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    expect(statSync(join(RC_D, name)).mode & 0o111).not.toBe(0);
  });
});

describe.skipIf(skipReason('rc.d shellcheck', shellcheckMissing) !== null)('rc.d scripts, shellcheck', () => {
  it.each(SCRIPTS)('%s has no shellcheck finding as POSIX sh (every severity)', (name) => {
    const result = spawnSync('/usr/bin/shellcheck', ['-s', 'sh', '-S', 'style', '-f', 'gcc', join(RC_D, name)], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
