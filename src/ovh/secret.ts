// A secret value that cannot leak by accident: JSON, String(), template literals and
// util.inspect all print "[redacted]"; only reveal() gives the value, at the point of use.
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: call only where it is put on the wire or into a signature. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
