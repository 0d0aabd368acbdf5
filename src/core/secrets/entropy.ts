/**
 * Shannon entropy in bits per character: the detectors' `entropy` floor separates random tokens
 * (≈ 4–6 bits/char) from words, repeated characters and most identifiers (< 3.5).
 *
 * One counting routine serves both callers: the engine's `entropy` floor counts UTF-16 code units
 * (`shannonEntropy`), the false-positive filters count code points (`codePointEntropy`: a
 * surrogate pair is one character, a lone surrogate one too, as the string iterator yields them).
 * Both divide by the length in code units.
 */
export function shannonEntropy(value: string): number {
  return countEntropy(value, false);
}

/** Entropy over code points; `entropyDistinct()` then tells how many distinct ones there were. */
export function codePointEntropy(value: string): number {
  return countEntropy(value, true);
}

/** The number of distinct characters the last `shannonEntropy` / `codePointEntropy` call counted. */
export function entropyDistinct(): number {
  return lastDistinct;
}

let lastDistinct = 0;
const COUNTS = new Int32Array(256);
const SEEN = new Int32Array(1024);

/**
 * Counts go to a reused Latin-1 table (a map for wider characters) and the distinct characters
 * are listed in first-seen order: the terms are summed in that order, as a Map of the counts sums
 * them, so every result is the same to the last bit as the plain Map version, which takes over
 * when a value has more distinct characters than the scratch list holds.
 */
function countEntropy(value: string, codePoints: boolean): number {
  const length = value.length;
  if (length === 0) {
    lastDistinct = 0;
    return 0;
  }
  const counts = COUNTS;
  const seen = SEEN;
  let distinct = 0;
  let wide: Map<number, number> | undefined;
  for (let i = 0; i < length; i++) {
    let code = value.charCodeAt(i);
    if (codePoints && code >= 0xd800 && code <= 0xdbff && (code = pairAt(value, i, code)) > 0xffff) i++;
    if (code < 256) {
      if (counts[code]++ === 0) seen[distinct++] = code;
    } else {
      wide ??= new Map();
      const count = wide.get(code);
      if (count === undefined) {
        wide.set(code, 1);
        seen[distinct++] = code;
      } else wide.set(code, count + 1);
    }
    if (distinct === seen.length) return mapEntropy(value, codePoints);
  }
  let bits = 0;
  for (let i = 0; i < distinct; i++) {
    const code = seen[i];
    let count: number;
    if (code < 256) {
      count = counts[code];
      counts[code] = 0;
    } else count = wide!.get(code)!;
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  lastDistinct = distinct;
  return bits;
}

/** The plain version, for values with more distinct characters than `SEEN` holds. */
function mapEntropy(value: string, codePoints: boolean): number {
  COUNTS.fill(0);
  const length = value.length;
  const counts = new Map<number, number>();
  for (let i = 0; i < length; i++) {
    let code = value.charCodeAt(i);
    if (codePoints && code >= 0xd800 && code <= 0xdbff && (code = pairAt(value, i, code)) > 0xffff) i++;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  lastDistinct = counts.size;
  return bits;
}

/** The code point of the surrogate pair that starts at `i` with `high`, or `high` itself when no low surrogate follows. */
function pairAt(value: string, i: number, high: number): number {
  const low = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
  return low >= 0xdc00 && low <= 0xdfff ? (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000 : high;
}
