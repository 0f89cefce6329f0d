// A secret value that cannot leak by accident: JSON, String(), template literals and
// util.inspect all print "[redacted]"; only reveal() gives the value, at the point of use. Every
// Secret is also registered with redactSecrets(), so the value is removed from any text that
// carries it back (an OVH error echoing a request), whatever its source.
import { inspect } from 'node:util';
import { forgetSecret, rememberSecret } from '../redact.js';

export class Secret {
  readonly #value: string;
  #forgotten = false;

  constructor(value: string) {
    this.#value = value;
    rememberSecret(value);
  }

  /** The value itself: call only where it is put on the wire or into a signature. */
  reveal(): string {
    return this.#value;
  }

  /** Stops redacting this value (a replaced access token), once no other holder has it. */
  forget(): void {
    if (this.#forgotten) return;
    this.#forgotten = true;
    forgetSecret(this.#value);
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
