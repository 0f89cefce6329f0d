// rc.d/carp_failover_early: ordered before netif (which configures the vhids)
// and after what node needs, enabled with carp_failover, and never failing the boot.
// rcorder(8) lines follow FreeBSD's libexec/rc/rc.d/netif (REQUIRE: FILESYSTEMS iovctl serial
// sppp sysctl) and rc.d/ldconfig (REQUIRE: FILESYSTEMS), freebsd/freebsd-src@023fc80e.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../rc.d/carp_failover_early', import.meta.url));
const text = readFileSync(SCRIPT, 'utf8');
const service = readFileSync(fileURLToPath(new URL('../../rc.d/carp_failover', import.meta.url)), 'utf8');

describe('rc.d/carp_failover_early', () => {
  it('runs before netif, after the filesystems, ldconfig and sysctl', () => {
    expect(text).toMatch(/^# PROVIDE: carp_failover_early$/m);
    const require = /^# REQUIRE: (.*)$/m.exec(text)?.[1]?.split(/\s+/) ?? [];
    expect(require).toEqual(expect.arrayContaining(['FILESYSTEMS', 'ldconfig', 'sysctl']));
    expect(require).not.toContain('NETWORKING');
    expect(text).toMatch(/^# BEFORE: netif$/m);
  });

  it('is enabled with carp_failover and reads its knobs, with the same defaults', () => {
    expect(text).toMatch(/^rcvar="carp_failover_enable"$/m);
    expect(text).toMatch(/^load_rc_config carp_failover$/m);
    for (const knob of ['enable', 'config', 'node', 'home']) {
      const line = new RegExp(`^: "\\$\\{carp_failover_${knob}:=[^}]*\\}"$`, 'm');
      expect(text).toMatch(line);
      expect(service).toContain(line.exec(text)![0]);
    }
  });

  it('runs boot-hold with the configuration and never fails the boot', () => {
    const start = /carp_failover_early_start\(\)\n\{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    expect(start).toMatch(/"\$\{carp_failover_node\}" "\$\{carp_failover_cli\}" boot-hold -c "\$\{carp_failover_config\}"/);
    expect(start.trim().split('\n').at(-1)?.trim()).toBe('return 0');
    expect(start).not.toMatch(/return 1/);
    expect(text).toMatch(/^start_cmd="carp_failover_early_start"$/m);
    expect(text).toMatch(/^stop_cmd=":"$/m);
    expect(text).toMatch(/^run_rc_command "\$\{1\}"$/m);
  });
});
