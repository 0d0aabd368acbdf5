/**
 * Shannon entropy in bits per character: the detectors' `entropy` floor separates random tokens
 * (≈ 4–6 bits/char) from words, repeated characters and most identifiers (< 3.5).
 */
export function shannonEntropy(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
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
