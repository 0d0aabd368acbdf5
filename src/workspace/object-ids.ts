/**
 * A map from git object ids to small integers, or to objects, for the history walk's record of
 * every blob it has met (history.ts, `seen`). A history scan meets each unique blob once and keeps
 * its state to the end, so this map grows with the history: as a `Map` of id strings it cost about
 * 120 bytes per blob (a million blobs: ~120 MB of a 256 MB heap), and every id was one more object
 * for the garbage collector to trace. Here an id is stored as its 20 (or 32, SHA-256) bytes in an
 * open-addressing table of typed arrays, with an int32 beside it: 24–36 bytes per slot, about 35–50
 * bytes per blob with the table's free slots. The few entries whose value is an object (a blob
 * whose scan is pending) live in a side `Map` until they are given a number.
 */
export class ObjectIdMap<T extends object> {
  /** Per slot, the id's bytes as 32-bit words (big-endian hex order); `width` words a slot. */
  private words = new Uint32Array(0);
  /** Per slot, its value, EMPTY, or OBJECT (the value is in `objects`). */
  private values = new Int32Array(0);
  private width = 0;
  private mask = -1;
  private used = 0;
  private readonly objects = new Map<string, T>();
  /** The id being looked up, decoded (scratch, `width` words). */
  private key = new Uint32Array(8);

  get size(): number {
    return this.used;
  }

  get(oid: string): T | number | undefined {
    if (this.used === 0 || !this.decode(oid)) return undefined;
    const slot = this.find();
    const value = this.values[slot];
    if (value === EMPTY) return undefined;
    return value === OBJECT ? this.objects.get(oid) : value;
  }

  /** Numbers must be int32 and not one of the two reserved values (-2^31, -2^31 + 1). */
  set(oid: string, value: T | number): void {
    if (typeof value === 'number' && (value !== (value | 0) || value === EMPTY || value === OBJECT)) throw new RangeError(`ObjectIdMap: ${value} cannot be stored`);
    if (this.width === 0) this.start(oid.length);
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow(); // before `key` is filled: growing uses it
    if (!this.decode(oid)) throw new Error(`not a git object id: ${JSON.stringify(oid.slice(0, 80))}`);
    const slot = this.find();
    const previous = this.values[slot];
    if (previous === EMPTY) {
      this.used++;
      this.words.set(this.key.subarray(0, this.width), slot * this.width);
    } else if (previous === OBJECT && typeof value === 'number') this.objects.delete(oid);
    if (typeof value === 'number') this.values[slot] = value;
    else {
      this.values[slot] = OBJECT;
      this.objects.set(oid, value);
    }
  }

  private start(length: number): void {
    if (length !== 40 && length !== 64) throw new Error(`not a git object id: ${length} characters`);
    this.width = length / 8;
    this.allocate(1 << 12);
  }

  private allocate(slots: number): void {
    this.words = new Uint32Array(slots * this.width);
    this.values = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
  }

  private grow(): void {
    const { words, values, width } = this;
    this.allocate((this.mask + 1) * 2);
    const key = this.key;
    for (let slot = 0; slot < values.length; slot++) {
      if (values[slot] === EMPTY) continue;
      for (let w = 0; w < width; w++) key[w] = words[slot * width + w];
      const to = this.find();
      this.words.set(key.subarray(0, width), to * width);
      this.values[to] = values[slot];
    }
  }

  /** The slot holding `key`, or the empty slot where it would go (linear probing; ids are uniformly random). */
  private find(): number {
    const { words, values, key, width, mask } = this;
    let slot = key[0] & mask;
    for (;;) {
      if (values[slot] === EMPTY) return slot;
      const at = slot * width;
      let same = true;
      for (let w = 0; w < width; w++) {
        if (words[at + w] !== key[w]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Hex id → `key`; false if it is not `width` × 8 lowercase hex digits (git's spelling). */
  private decode(oid: string): boolean {
    const { width, key } = this;
    if (oid.length !== width * 8) return false;
    for (let w = 0; w < width; w++) {
      let word = 0;
      for (let i = w * 8, end = i + 8; i < end; i++) {
        const code = oid.charCodeAt(i);
        const digit = code < 128 ? HEX[code] : -1;
        if (digit < 0) return false;
        word = (word << 4) | digit;
      }
      key[w] = word >>> 0;
    }
    return true;
  }
}

const EMPTY = -0x80000000;
const OBJECT = -0x7fffffff;

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;
