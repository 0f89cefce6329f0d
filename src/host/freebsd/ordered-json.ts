// A small JSON reader that keeps every key of an object in order, duplicates included.
// The proposed libxo ifconfig (see ifconfig-json.ts) emits one carp-state/vhid/advbase/advskew
// group per vhid into the same interface object, so JSON.parse would keep only the last vhid.

/** An object as a list of [key, value] in document order. */
export class OrderedObject {
  constructor(readonly entries: Array<[string, OrderedValue]>) {}

  /** The first value under key, or undefined. */
  get(key: string): OrderedValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
}

export type OrderedValue = null | boolean | number | string | OrderedValue[] | OrderedObject;

const MAX_DEPTH = 64;

/** Parses text; throws SyntaxError on anything that is not one complete JSON value. */
export function parseOrderedJson(text: string): OrderedValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  };
  const parseString = (): string => {
    if (text[at] !== '"') fail('expected a string');
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('unterminated string');
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const parseValue = (depth: number): OrderedValue => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    skipSpace();
    const c = text[at];
    if (c === '{') {
      at++;
      const entries: Array<[string, OrderedValue]> = [];
      skipSpace();
      if (text[at] === '}') {
        at++;
        return new OrderedObject(entries);
      }
      for (;;) {
        skipSpace();
        const key = parseString();
        skipSpace();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        entries.push([key, parseValue(depth + 1)]);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return new OrderedObject(entries);
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      const items: OrderedValue[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return items;
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return items;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(at, at + 64));
    if (!literal) return fail('unexpected character');
    at += literal[0].length;
    return JSON.parse(literal[0]) as OrderedValue;
  };
  const value = parseValue(0);
  skipSpace();
  if (at !== text.length) fail('trailing characters');
  return value;
}
