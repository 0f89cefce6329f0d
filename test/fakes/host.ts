// A Host that answers commands from a script of rules and records every call.
import type { Host, RunOptions, RunResult } from '../../src/host/ports.js';
import { CommandError } from '../../src/host/command-error.js';

export type Answer =
  | string
  | { stdout?: string; stderr?: string; exitCode?: number; timedOut?: boolean }
  | ((argv: readonly string[], options: RunOptions | undefined) => string | { stdout?: string; stderr?: string; exitCode?: number; timedOut?: boolean });

interface Rule {
  match: (argv: readonly string[]) => boolean;
  answer: Answer;
}

export class FakeHost implements Host {
  readonly calls: string[][] = [];
  private rules: Rule[] = [];

  /** Answers argv that starts with `prefix` (later rules win). */
  on(prefix: readonly string[] | ((argv: readonly string[]) => boolean), answer: Answer): this {
    const match = typeof prefix === 'function' ? prefix : (argv: readonly string[]) => prefix.every((p, i) => argv[i] === p);
    this.rules.unshift({ match, answer });
    return this;
  }

  /** The calls as single strings, for readable assertions. */
  commandLines(): string[] {
    return this.calls.map((argv) => argv.join(' '));
  }

  async run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push([...argv]);
    const rule = this.rules.find((r) => r.match(argv));
    if (!rule) throw new CommandError({ argv, exitCode: 127, stderr: `fake host: no rule for ${argv.join(' ')}`, stdout: '', durationMs: 0, timedOut: false });
    const raw = typeof rule.answer === 'function' ? rule.answer(argv, options) : rule.answer;
    const out = typeof raw === 'string' ? { stdout: raw } : raw;
    const result = { argv, stdout: out.stdout ?? '', stderr: out.stderr ?? '', exitCode: out.exitCode ?? 0, durationMs: 0 };
    if (out.timedOut || result.exitCode !== 0) {
      throw new CommandError({ ...result, timedOut: out.timedOut ?? false });
    }
    return result;
  }
}
