/**
 * Shannon entropy in bits per character: the detectors' `entropy` floor separates random tokens
 * (≈ 4–6 bits/char) from words, repeated characters and most identifiers (< 3.5).
 */
export function shannonEntropy(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
  // Counts per code unit in a reused table (one Latin-1 table covers nearly every secret; wider
  // code units go to a map), and the distinct units in first-seen order: the terms are summed in
  // that order, as a Map of the counts would, so the result is the same to the last bit.
  const counts = COUNTS;
  const seen = SEEN;
  let distinct = 0;
  let wide: Map<number, number> | undefined;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
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
    if (distinct === seen.length) return mapEntropy(value); // more distinct units than the scratch holds
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
  return bits;
}

const COUNTS = new Int32Array(256);
const SEEN = new Int32Array(1024);

/** The plain version, for values with more distinct code units than `SEEN` holds. */
function mapEntropy(value: string): number {
  COUNTS.fill(0);
  const length = value.length;
  const counts = new Map<number, number>();
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
