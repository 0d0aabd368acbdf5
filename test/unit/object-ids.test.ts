import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ObjectIdMap } from '../../src/workspace/object-ids.js';

/** The history walk's record of every blob met (src/workspace/object-ids.ts), checked against a plain Map. */
const id = (n: number, algorithm: 'sha1' | 'sha256' = 'sha1') => createHash(algorithm).update(`blob ${n}`).digest('hex');

describe('ObjectIdMap', () => {
  for (const algorithm of ['sha1', 'sha256'] as const) {
    it(`holds what a Map holds through growth and updates (${algorithm} ids)`, () => {
      const map = new ObjectIdMap<{ tag: number }>();
      const reference = new Map<string, { tag: number } | number>();
      // Deterministic mix: new ids, numbers replaced by objects and back, lookups of absent ids.
      for (let i = 0; i < 60_000; i++) {
        const oid = id(i % 3 === 0 ? i >> 1 : i, algorithm);
        const value = i % 7 === 0 ? { tag: i } : (i % 1000) - 500;
        map.set(oid, value);
        reference.set(oid, value);
        if (i % 5 === 0) expect(map.get(id(i + 1_000_000, algorithm))).toBeUndefined();
      }
      expect(map.size).toBe(reference.size);
      for (const [oid, value] of reference) expect(map.get(oid)).toBe(value);
      // An object's slot given a number drops the object.
      const [first] = [...reference].find(([, v]) => typeof v === 'object')!;
      map.set(first, -1);
      expect(map.get(first)).toBe(-1);
      expect(map.size).toBe(reference.size);
    });
  }

  it('tells ids apart that share their first 32 bits (the hash) or their last', () => {
    const map = new ObjectIdMap<object>();
    const base = 'ab'.repeat(20);
    const variants = [base, `${base.slice(0, 8)}${'0'.repeat(32)}`, `${base.slice(0, 39)}c`, `${'0'.repeat(32)}${base.slice(32)}`];
    variants.forEach((v, i) => map.set(v, i));
    variants.forEach((v, i) => expect(map.get(v)).toBe(i));
    expect(map.get(`${base.slice(0, 39)}d`)).toBeUndefined();
  });

  it('refuses what is not an id, and the two values it reserves', () => {
    const map = new ObjectIdMap<object>();
    expect(() => map.set('not an id', 1)).toThrow(/not a git object id/);
    map.set(id(1), 1);
    expect(() => map.set(`${id(2).slice(0, 39)}G`, 1)).toThrow(/not a git object id/);
    expect(() => map.set(id(2).toUpperCase(), 1)).toThrow(/not a git object id/);
    expect(() => map.set(id(2, 'sha256'), 1)).toThrow(/not a git object id/);
    expect(map.get('xyz')).toBeUndefined();
    expect(() => map.set(id(3), -0x80000000)).toThrow(RangeError);
    expect(() => map.set(id(3), 1.5)).toThrow(RangeError);
    expect(map.get(id(1))).toBe(1);
  });

  it('holds 200,000 ids in at most 64 bytes each (a Map of id strings: ~120)', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => id(i));
    const map = new ObjectIdMap<object>();
    for (const oid of ids) map.set(oid, 3);
    // The table's own arrays: 200,000 ids in 2^19 slots of 24 bytes (20 of id, 4 of value).
    const bytes = (map as unknown as { words: Uint32Array; values: Int32Array }).words.byteLength + (map as unknown as { values: Int32Array }).values.byteLength;
    expect(bytes).toBeLessThanOrEqual(200_000 * 64);
    expect(ids.every((oid) => map.get(oid) === 3)).toBe(true);
  });
});
