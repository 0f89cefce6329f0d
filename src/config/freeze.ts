// Loaded configs are shared by the engine, the resources and the sockets; freezing them makes
// an accidental write throw instead of silently diverging from the file (and from status).

/** Deep-freezes plain data in place and returns it with a read-only type. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
