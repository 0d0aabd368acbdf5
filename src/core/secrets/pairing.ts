import type { Detector } from './detector.js';

/** A filtered, de-overlapped candidate with its position resolved. */
export interface Located {
  detector: Detector;
  secret: string;
  start: number;
  end: number;
  line: number;
}

export interface Pair<T extends Located> {
  first: T;
  second: T;
}

export const DEFAULT_PAIR_WITHIN = 5;

/**
 * Paired credentials (an AWS key id and its secret, a Twilio SID and its token) become one
 * finding. Each first half (a detector declaring `pair`) takes the nearest unused second half
 * (`pair.with`) within `pair.within` lines; the earlier one wins a tie. Halves left over stay
 * single findings. Input order is file order, so the result is deterministic.
 */
export function pairCandidates<T extends Located>(candidates: readonly T[]): { pairs: Pair<T>[]; singles: T[] } {
  const used = new Set<T>();
  const pairs: Pair<T>[] = [];
  const byDetector = new Map<string, T[]>();
  for (const c of candidates) {
    const list = byDetector.get(c.detector.id);
    if (list) list.push(c);
    else byDetector.set(c.detector.id, [c]);
  }
  for (const first of candidates) {
    const pair = first.detector.pair;
    if (!pair || used.has(first)) continue;
    const best = nearest(first, byDetector.get(pair.with) ?? [], pair.within ?? DEFAULT_PAIR_WITHIN, used);
    if (best) {
      used.add(first).add(best);
      pairs.push({ first, second: best });
    }
  }
  return { pairs, singles: candidates.filter((c) => !used.has(c)) };
}

/** Looks at most MAX_LOOK partners (a minified line full of key ids must not go quadratic). */
const MAX_LOOK = 64;

function nearest<T extends Located>(first: T, seconds: readonly T[], within: number, used: ReadonlySet<T>): T | undefined {
  let lo = 0;
  let hi = seconds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seconds[mid].line < first.line - within) lo = mid + 1;
    else hi = mid;
  }
  let best: T | undefined;
  for (let i = lo, looked = 0; i < seconds.length && looked < MAX_LOOK && seconds[i].line <= first.line + within; i++) {
    const second = seconds[i];
    if (second === first || used.has(second)) continue;
    looked++;
    if (!best || Math.abs(second.line - first.line) < Math.abs(best.line - first.line)) best = second;
  }
  return best;
}
