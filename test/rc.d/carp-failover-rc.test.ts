// The rc.d script, shaped the way rc.subr(8) and daemon(8)
// expect (a script that runs only on FreeBSD cannot be started here, so its shape is checked).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../rc.d/carp_failover', import.meta.url));
const text = readFileSync(SCRIPT, 'utf8');

describe('rc.d/carp_failover', () => {
  it('has the rcorder header lines', () => {
    expect(text).toMatch(/^# PROVIDE: carp_failover$/m);
    expect(text).toMatch(/^# REQUIRE: .*\bNETWORKING\b.*\bdevd\b.*\bsyslogd\b/m);
    expect(text).toMatch(/^# BEFORE: \S+/m);
    expect(text).toMatch(/^# KEYWORD: shutdown$/m);
  });

  it('follows rc.subr conventions', () => {
    expect(text).toMatch(/^\. \/etc\/rc\.subr$/m);
    expect(text).toMatch(/^name="carp_failover"$/m);
    expect(text).toMatch(/^rcvar="carp_failover_enable"$/m);
    expect(text).toMatch(/^load_rc_config "\$\{name\}"$/m);
    for (const knob of ['enable', 'config', 'flags']) expect(text).toMatch(new RegExp(`^: "\\$\\{carp_failover_${knob}:=`, 'm'));
    expect(text).toMatch(/^: "\$\{carp_failover_enable:=NO\}"$/m);
    expect(text).toMatch(/^run_rc_command "\$\{1\}"$/m);
    expect(text).toMatch(/^extra_commands="reload status"$/m);
  });

  it('runs the service under daemon(8): restart on crash, both pidfiles, syslog with a tag', () => {
    const args = /^command_args="([^"]+)"$/m.exec(text)?.[1] ?? '';
    expect(text).toMatch(/^command="\/usr\/sbin\/daemon"$/m);
    expect(args).toMatch(/(^| )-(r|R \S+)( |$)/);
    expect(args).toMatch(/ -P \$\{pidfile\} /);
    expect(args).toMatch(/ -p \$\{carp_failover_child_pidfile\} /);
    expect(args).toMatch(/ -S /);
    expect(args).toMatch(/ -T carp-failover /);
    expect(args).toMatch(/\$\{carp_failover_node\} \$\{carp_failover_cli\} run -c \$\{carp_failover_config\} \$\{carp_failover_flags\}$/);
    expect(text).toMatch(/^: "\$\{carp_failover_node:=\/usr\/local\/bin\/node\}"$/m);
    // The flags went into command_args; rc.subr must not also hand them to daemon(8).
    expect(text.indexOf('carp_failover_flags=""')).toBeGreaterThan(text.indexOf('command_args='));
    // The bundle where the port installs it (scripts/dist.ts BUNDLE_PATH under /usr/local).
    expect(text).toMatch(/^: "\$\{carp_failover_home:=\/usr\/local\/libexec\/carp-failover\}"$/m);
    expect(text).toMatch(/^carp_failover_cli="\$\{carp_failover_home\}\/carp-failover\.mjs"$/m);
  });

  it('checks the configuration before start and reload, and reloads with SIGHUP to the service', () => {
    expect(text).toMatch(/^start_precmd="carp_failover_prestart"$/m);
    expect(text).toMatch(/^reload_precmd="carp_failover_checkconfig"$/m);
    expect(text).toMatch(/check-config -c "\$\{carp_failover_config\}"/);
    const reload = /carp_failover_reload\(\)\n\{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    expect(reload).toContain('carp_failover_child_pidfile');
    expect(reload).toMatch(/kill -HUP "\$\{_child\}"/);
  });

  it('status asks the service through the CLI', () => {
    expect(text).toMatch(/^status_cmd="carp_failover_status"$/m);
    expect(/carp_failover_status\(\)\n\{([\s\S]*?)\n\}/.exec(text)?.[1]).toMatch(/\$\{carp_failover_cli\}" status -c/);
  });
});
