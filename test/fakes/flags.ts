// Operator flags held in memory, for rigs that build a service without a state directory's flag
// files (the FlagStore is tested on its own in test/flags/). The object passed in is the one
// read, so a test may also flip a flag by hand, as an operator's file would, and request a run.
import type { OperatorFlags } from '../../src/model.js';
import type { FlagSource } from '../../src/service/api.js';

export class FakeFlags implements FlagSource {
  private readonly listeners = new Set<(change: { flag: keyof OperatorFlags; on: boolean }) => void>();

  constructor(readonly value: OperatorFlags = { drain: false, freeze: false }) {}

  get(): OperatorFlags {
    return this.value;
  }

  async set(flag: keyof OperatorFlags, on: boolean): Promise<OperatorFlags> {
    this.value[flag] = on;
    for (const listener of this.listeners) listener({ flag, on });
    return this.value;
  }

  onChange(listener: (change: { flag: keyof OperatorFlags; on: boolean }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
