/**
 * Nearest candidates for an owners-file glob that matches nothing: the identity ids (or declaring
 * files) a typo most likely meant. Compared segment by segment (`/`), so a wildcard segment that
 * fits costs nothing and the misspelt segment is what counts.
 */
import { globMatches } from './owners-file.js';
import { editDistance } from './yaml-source.js';

const WILDCARDS = /\*\*?|[?[\]{}]/g;

export function nearestIds(pattern: string, candidates: readonly string[], limit = 2): string[] {
  const bare = pattern.replace(WILDCARDS, '');
  if (bare.length < 3) return [];
  const budget = Math.max(2, Math.floor(bare.length / 8));
  const scored: Array<[string, number]> = [];
  for (const candidate of new Set(candidates)) {
    const d = cost(pattern, candidate, budget);
    if (d <= budget) scored.push([candidate, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  return scored.slice(0, limit).map(([c]) => c);
}

function cost(pattern: string, candidate: string, budget: number): number {
  const ps = pattern.split('/');
  const cs = candidate.split('/');
  if (ps.length !== cs.length) {
    const bare = pattern.replace(WILDCARDS, '');
    // Cheap bound first: lengths this far apart cannot be within budget.
    return Math.abs(bare.length - candidate.length) > budget ? Infinity : editDistance(bare, candidate);
  }
  let total = 0;
  for (let i = 0; i < ps.length && total <= budget; i++) {
    if (globMatches(cs[i], ps[i])) continue;
    total += editDistance(ps[i].replace(WILDCARDS, ''), cs[i]) - (ps[i] !== ps[i].replace(WILDCARDS, '') ? Math.max(0, cs[i].length - ps[i].replace(WILDCARDS, '').length) : 0);
  }
  return total;
}
