/** Narrowing helpers for loosely-typed parsed YAML/JSON values. */

export type Mapping = Record<string, unknown>;

export function asMapping(value: unknown): Mapping | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Mapping) : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Strings as-is, numbers and booleans as text; anything else (maps, null) is not a name. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Follows a key path through nested mappings. */
export function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    const map = asMapping(current);
    if (!map) return undefined;
    current = map[key];
  }
  return current;
}
