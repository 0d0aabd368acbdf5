import { withRoom } from './int32-list.js';

/**
 * Keyword hits (`KeywordAutomaton.scan`): flat pairs [state, endOffset, state, endOffset, …],
 * endOffset exclusive, ascending.
 */
export type Hits = Int32Array;

/** A `HitBuffer`'s first size, in numbers… */
const START = 16 * 1024;
/** …and the most it keeps between texts (4 MiB; a text of ~100 MB of code, at 4.6 hits a KiB, needs more). */
const KEPT = 1 << 20;

/**
 * A growing list of hits, reused from text to text: `take` hands out a copy of exactly the hits
 * gathered. Hits were gathered into arrays that grew pair by pair as they went, and a history
 * version took the last one's over the same way, one `push` a pair: that cost this repository's
 * history scan ~0.1 s of ~2 s (docs/history.md, "seventeenth session").
 */
export class HitBuffer {
  /** The hits gathered are `data[0, length)`. */
  data: Int32Array = new Int32Array(START);
  length = 0;

  push(state: number, end: number): void {
    if (this.length + 2 > this.data.length) this.data = withRoom(this.data, this.length, this.length + 2);
    this.data[this.length] = state;
    this.data[this.length + 1] = end;
    this.length += 2;
  }

  /** `hits[from, to)`, their ends moved by `by`. */
  append(hits: Hits, from: number, to: number, by: number): void {
    if (to <= from) return;
    const data = (this.data = withRoom(this.data, this.length, this.length + (to - from)));
    let at = this.length;
    if (by === 0) {
      data.set(hits.subarray(from, to), at);
      at += to - from;
    } else {
      for (let h = from; h < to; h += 2) {
        data[at] = hits[h];
        data[at + 1] = hits[h + 1] + by;
        at += 2;
      }
    }
    this.length = at;
  }

  /** The hits gathered, in an array of their own; the buffer is empty again. */
  take(): Hits {
    const out = this.data.slice(0, this.length);
    this.clear();
    return out;
  }

  /** The hits gathered, in a view of this buffer (valid until it is next written to). */
  view(): Hits {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
    if (this.data.length > KEPT) this.data = new Int32Array(START);
  }
}

/** No hits. */
export const NO_HITS: Hits = new Int32Array(0);
