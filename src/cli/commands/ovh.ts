// `carp-failover ovh check | status | vmac create`: talk to OVH directly (no daemon needed) with
// the daemon's config and credentials. check proves the credentials, the access rules and that
// each failover IP is visible; status says where each one points; vmac create is the one-time
// setup step that has OVH generate this router's virtual MAC.
import { CarpFailoverError } from '../../errors.js';
import { requiredCalls, ruleCovers } from '../../ovh/access.js';
import type { LegacyAuth, OAuth2Auth } from '../../ovh/auth.js';
import { strategyFor as strategyOf, type BindingStrategy } from '../../resources/failover-ip/strategies.js';
import type { CommandContext, CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { sanitize } from '../format-text.js';
import { openOvhSession, type OvhCommandDeps, type OvhSession } from './ovh-session.js';
import { vmacCreate } from './ovh-vmac.js';

const json = { name: 'json', type: 'boolean', summary: 'print JSON' } as const;

function strategyFor(session: OvhSession, ip: OvhSession['config']['ovh']['ips'][number]): BindingStrategy {
  return strategyOf(session.client, ip);
}

interface Finding {
  check: string;
  ok: boolean;
  detail: string;
}

async function ovhCheck(ctx: CommandContext, deps: OvhCommandDeps): Promise<number> {
  const session = await openOvhSession(ctx, deps);
  const { client, config } = session;
  const findings: Finding[] = [];
  const note = async (check: string, fn: () => Promise<string>) => {
    try {
      findings.push({ check, ok: true, detail: await fn() });
    } catch (error) {
      findings.push({ check, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  };
  const signal = AbortSignal.timeout(config.ovh.timeout_ms * 20);
  let rules = null as Array<{ method: string; path: string }> | null;
  if (client.auth.kind === 'legacy') {
    const auth = client.auth as LegacyAuth;
    await note('time delta', async () => `${await auth.syncTime(signal)} s between this host and OVH`);
    await note('credential valid', async () => {
      const credential = await client.get<{ status: string; rules: Array<{ method: string; path: string }>; expiration: string | null }>('/auth/currentCredential', { signal });
      if (credential.status !== 'validated') throw new CarpFailoverError('OVH_AUTH', `consumer key is ${credential.status}, not validated`);
      rules = credential.rules;
      return `validated, ${credential.expiration ? `expires ${credential.expiration}` : 'no expiry'}, ${credential.rules.length} access rules`;
    });
  } else {
    const auth = client.auth as OAuth2Auth;
    await note('credential valid', async () => {
      await auth.currentToken(signal);
      return `OAuth2 token obtained, valid ${Math.round((auth.tokenExpiresInMs() ?? 0) / 1000)} s`;
    });
  }
  for (const call of requiredCalls(config)) {
    const label = `access ${call.method} ${call.path}`;
    if (rules) {
      const granted = rules.some((rule) => ruleCovers(rule, call));
      findings.push({ check: label, ok: granted, detail: granted ? call.why : `not granted: add the access rule ${call.method} ${call.rule} (${call.why})` });
    } else findings.push({ check: label, ok: true, detail: `needs IAM action ${call.iam} (${call.why}); checked by the reads below` });
  }
  for (const ip of config.ovh.ips) {
    const strategy = strategyFor(session, ip);
    await note(`${ip.ip} (${ip.strategy})`, async () => {
      const read = await strategy.readBinding(signal, 'full');
      const create = ip.strategy === 'shared-vmac' ? 'carp-failover ovh vmac create --shared' : 'carp-failover ovh vmac create';
      if (read.oursMissing) throw new CarpFailoverError('CONFIG_INVALID', `our vMAC ${strategy.ours} does not exist on ${ip.service}; run ${create}`);
      // shared-vmac: bound once and for all; anywhere else means someone re-bound it.
      if (ip.strategy === 'shared-vmac' && read.target !== strategy.ours) {
        throw new CarpFailoverError('CONFIG_INVALID', `bound to ${read.target ?? 'no vMAC'}, not the shared vMAC ${strategy.ours}: the MASTER repairs it (or add it: POST …/virtualMac/${strategy.ours}/virtualAddress)`);
      }
      if (ip.strategy === 'move') {
        const destinations = await client.get<{ dedicatedServer?: Array<{ service: string }> | null }>(`/ip/${encodeURIComponent(ip.ip)}/move`, { signal });
        const here = read.target === strategy.ours;
        if (!here && !(destinations.dedicatedServer ?? []).some((d) => d.service === strategy.ours)) {
          throw new CarpFailoverError('CONFIG_INVALID', `points at ${read.target ?? 'nothing'}; ${strategy.ours} is not among its move destinations`);
        }
      }
      return `points at ${read.target ?? 'nothing (parked/unbound)'}${read.target === strategy.ours ? ' (here)' : ''}`;
    });
  }
  const ok = findings.every((f) => f.ok);
  if (ctx.options.json === true) ctx.io.stdout(`${JSON.stringify({ ok, findings }, null, 2)}\n`);
  else {
    for (const f of findings) (f.ok ? ctx.io.stdout : ctx.io.stderr)(`${f.ok ? 'ok  ' : 'FAIL'}  ${sanitize(f.check)}: ${sanitize(f.detail)}\n`);
    ctx.io.stdout(ok ? 'ovh check: ok\n' : '');
    if (!ok) ctx.io.stderr('ovh check: FAILED\n');
  }
  return ok ? EXIT.OK : EXIT.FAILURE;
}

async function ovhStatus(ctx: CommandContext, deps: OvhCommandDeps): Promise<number> {
  const session = await openOvhSession(ctx, deps);
  const signal = AbortSignal.timeout(session.config.ovh.timeout_ms * 20);
  const rows = [];
  for (const ip of session.config.ovh.ips) {
    const strategy = strategyFor(session, ip);
    const read = await strategy.readBinding(signal, 'full');
    const pending = [];
    for (const id of await strategy.pendingTaskIds(signal)) pending.push(await strategy.readTask(id, signal));
    rows.push({ ip: ip.ip, strategy: ip.strategy, target: read.target, ours: read.target === strategy.ours, pendingTasks: pending });
  }
  if (ctx.options.json === true) ctx.io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    if (rows.length === 0) ctx.io.stdout('no failover IPs configured (ovh.ips)\n');
    for (const r of rows) {
      const tasks = r.pendingTasks.map((t) => `task ${t.taskId} ${t.function} ${t.status}`).join(', ');
      ctx.io.stdout(`${r.ip}  ${r.strategy}  -> ${sanitize(r.target ?? 'nothing')}${r.ours ? ' (here)' : ''}${tasks ? `  pending: ${sanitize(tasks)}` : ''}\n`);
    }
  }
  return EXIT.OK;
}

/** OVH and secrets failures are findings for the operator, not internal errors: one line, a fitting exit. */
function guarded(run: (ctx: CommandContext, deps: OvhCommandDeps) => Promise<number>, deps: OvhCommandDeps) {
  return async (ctx: CommandContext): Promise<number> => {
    try {
      return await run(ctx, deps);
    } catch (error) {
      if (!(error instanceof CarpFailoverError) || error.code === 'USAGE' || error.code.startsWith('CONFIG_')) throw error;
      ctx.io.stderr(`carp-failover: ${sanitize(error.message)}\n`);
      if (error.code === 'SECRETS_UNSAFE') return EXIT.NOPERM;
      return error.transient ? EXIT.TEMPFAIL : EXIT.FAILURE;
    }
  };
}

/** The specs with their dependencies injectable (tests pass a clock and a fast poll). */
export function makeOvhCommands(deps: OvhCommandDeps = {}): CommandSpec[] {
  return [
    { words: ['ovh', 'check'], summary: 'check OVH credentials, clock, access rules and that each failover IP is visible', options: [json], run: guarded(ovhCheck, deps) },
    { words: ['ovh', 'status'], summary: 'where each failover IP points now at OVH, and pending tasks', options: [json], run: guarded(ovhStatus, deps) },
    {
      words: ['ovh', 'vmac', 'create'],
      summary: 'have OVH generate a virtual MAC (one-time setup): this router’s own, or with --shared the one carried by the MASTER',
      options: [
        { name: 'shared', type: 'boolean', summary: 'the one shared vMAC of strategy shared-vmac, with the failover IP as its only IP (ip, service, vm_name from the config)' },
        { name: 'ip', type: 'string', summary: 'IPv4 the new vMAC carries first: this router’s own additional IP (default with --shared: the shared-vmac entry’s IP)' },
        { name: 'type', type: 'string', summary: 'ovh, or vmware for ESXi guests', default: 'ovh' },
        { name: 'vm-name', type: 'string', summary: 'virtualMachineName (default: config node)' },
        { name: 'service', type: 'string', summary: 'dedicated server (default: the vmac entries’ service)' },
        { name: 'timeout', type: 'number', summary: 'seconds to wait for OVH’s task', default: 300 },
      ],
      run: guarded(vmacCreate, deps),
    },
  ];
}

/** `carp-failover ovh …` for the grammar table. */
export const ovhCommands: CommandSpec[] = makeOvhCommands();
