/**
 * `target.push(...items)` without the spread: a spread passes every item as a call argument, and
 * some 120k of them overflow V8's stack (a repository full of test tokens then never finishes a
 * scan). Use this wherever `items` is not bounded by a small constant.
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
