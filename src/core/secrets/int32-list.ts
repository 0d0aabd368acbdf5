/**
 * `data`, or when it holds fewer than `needed` numbers a larger copy of its first `used` ones
 * (twice its length, or `needed` if that is more): how the engine's growing lists of numbers
 * (keyword hits, planning and window logs, line starts) make room.
 */
export function withRoom(data: Int32Array, used: number, needed: number): Int32Array {
  if (needed <= data.length) return data;
  const grown = new Int32Array(Math.max(data.length * 2, needed));
  grown.set(used === data.length ? data : data.subarray(0, used));
  return grown;
}
