/**
 * `target.push(...items)` without the spread: a spread passes every item as a call argument, and
 * some 120k of them overflow V8's stack (a repository full of test tokens then never finishes a
 * scan). Use this wherever `items` is not bounded by a small constant.
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  // Most files contribute nothing: an empty (often frozen, shared) list costs no iterator.
  if (items.length === 0) return target;
  for (const item of items) target.push(item);
  return target;
}
