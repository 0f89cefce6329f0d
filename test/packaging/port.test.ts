// The port skeleton (packaging/freebsd/net/carp-failover), checked the way a port can be without
// a FreeBSD ports tree: the knobs that make it a Node service port like www/hedgedoc and
// net-mgmt/uptime-kuma, no step that needs the network, every staged file installed, and the
// rc.d templates the Makefile derives from rc.d/ with the same sed it runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAGED_FILES, BUNDLE_PATH, NOTICES_PATH } from '../../scripts/dist.js';
import { skipReason } from '../support/env.js';
import { readPort } from './port-files.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const port = readPort(`${repo}packaging/freebsd/net/carp-failover/`);
const targets = port.makefile.replace(/\\\n\s*/g, ' ');

describe('the FreeBSD port Makefile', () => {
  it('runs on the ports tree’s Node and installs both rc.d scripts with USE_RC_SUBR', () => {
    expect(port.vars.PORTNAME).toBe('carp-failover');
    expect(port.vars.CATEGORIES?.split(/\s+/)[0]).toBe('net');
    expect(port.vars.USES).toMatch(/(^|\s)nodejs:([a-z0-9]+,)*run(,[a-z0-9]+)*(\s|$)/);
    expect(port.vars.USES).not.toMatch(/nodejs:[^\s]*build/);
    expect(port.useRcSubr.sort()).toEqual(readdirSync(`${repo}rc.d`).sort());
    expect(port.vars.LICENSE).toBe('BSD2CLAUSE');
  });

  it('builds nothing and fetches nothing but its distfile', () => {
    expect(port.vars.NO_BUILD).toBe('yes');
    expect(port.vars.NO_ARCH).toBe('yes');
    expect(port.makefile).not.toMatch(/^do-build:/m);
    const recipes = port.makefile.split('\n').filter((line) => line.startsWith('\t')).join('\n');
    expect(recipes).toContain('${INSTALL_DATA}');
    expect(recipes).not.toMatch(/\b(npm|npx|yarn|pnpm|curl|wget|fetch|git)\b|FETCH_CMD/);
  });

  it('installs every staged file other than the rc.d scripts from WRKSRC', () => {
    const staged = [BUNDLE_PATH, NOTICES_PATH, ...STAGED_FILES.map((f) => f.to)].filter((path) => !path.startsWith('etc/rc.d/'));
    for (const path of staged) {
      const dir = path.slice(0, path.lastIndexOf('/'));
      expect(targets.includes(`\${WRKSRC}/${path} `) || targets.includes(`\${WRKSRC}/${dir}/* `), path).toBe(true);
    }
  });

  it('turns rc.d/ into %%PREFIX%% templates: no /usr/local left, node from LOCALBASE', () => {
    const seds = [...targets.matchAll(/-e '([^']+)'/g)].map((m) => m[1]!);
    expect(seds.length).toBe(2);
    for (const rc of port.useRcSubr) {
      const result = spawnSync('sed', [...seds.flatMap((e) => ['-e', e]), `${repo}rc.d/${rc}`], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).not.toContain('/usr/local');
      expect(result.stdout).toContain('%%PREFIX%%/');
      if (rc === 'carp_failover') expect(result.stdout).toContain(': "${carp_failover_node:=%%LOCALBASE%%/bin/node}"');
    }
  });
});

describe('pkg-message and pkg-descr', () => {
  it('pkg-message tells what to do after install', () => {
    expect(port.message.trimStart().startsWith('[')).toBe(true);
    expect(port.message).toMatch(/type: install/);
    expect(port.message).toContain('check-config --host');
    expect(port.message).toMatch(/install -m 0600 .*ovh\.conf/);
    expect(port.message).toContain('service devd restart');
    expect(port.message).toContain('sysrc carp_failover_enable=YES');
    expect(port.message).toContain('carp_load="YES"');
  });

  it('pkg-descr is plain text of at most 80 columns', () => {
    expect(port.descr.length).toBeGreaterThan(200);
    for (const line of port.descr.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

const shellcheckMissing = existsSync('/usr/bin/shellcheck') ? null : 'shellcheck not installed; run scripts/setup.sh as root';

describe.skipIf(skipReason('launcher shellcheck', shellcheckMissing) !== null)('bin/carp-failover, the launcher', () => {
  it('has no shellcheck finding as POSIX sh (every severity)', () => {
    const result = spawnSync('/usr/bin/shellcheck', ['-s', 'sh', '-S', 'style', '-f', 'gcc', `${repo}packaging/carp-failover.sh`], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
