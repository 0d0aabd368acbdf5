import { describe, expect, it } from 'vitest';
import { createHistoryProgress, createProgress } from '../../../src/cli/progress.js';

/** The CLI's progress lines (src/cli/progress.ts) under a clock the test moves. */
function clock(): { now: () => number; at: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, at: (ms) => (t = 1_000 + ms) };
}

describe('progress lines', () => {
  it('history: redrawn at most every 200 ms with commits, blobs, MB, skips and rate; erased at the end', () => {
    const out: string[] = [];
    const c = clock();
    const progress = createHistoryProgress((text) => out.push(text), c.now);
    c.at(100);
    progress.onProgress({ commits: 10, blobs: 5, bytes: 1_000_000, skipped: 0 });
    expect(out).toEqual([]); // too soon after the start
    c.at(2_000);
    progress.onProgress({ commits: 1200, blobs: 340, bytes: 50_000_000, skipped: 2 });
    c.at(2_100);
    progress.onProgress({ commits: 1300, blobs: 350, bytes: 51_000_000, skipped: 2 });
    expect(out).toEqual(['\r\u001b[2Kscanning history: 1200 commit(s) walked, 340 unique blob(s), 50.0 MB, 2 skipped, 25.0 MB/s, 2s']);
    c.at(2_300);
    progress.onProgress({ commits: 1400, blobs: 360, bytes: 52_000_000, skipped: 3 });
    expect(out).toHaveLength(2);
    expect(out[1]).toContain('1400 commit(s) walked, 360 unique blob(s), 52.0 MB, 3 skipped');
    progress.done();
    expect(out[2]).toBe('\r\u001b[2K');
    progress.done();
    expect(out).toHaveLength(3); // erased once
  });

  it('a scan over before the first redraw writes nothing at all', () => {
    const out: string[] = [];
    const c = clock();
    const tree = createProgress((text) => out.push(text), c.now);
    c.at(50);
    tree.onItem({ path: 'a.ts', chars: 10 });
    tree.done();
    const history = createHistoryProgress((text) => out.push(text), c.now);
    history.onProgress({ commits: 1, blobs: 1, bytes: 10, skipped: 0 });
    history.done();
    expect(out).toEqual([]);
  });
});
