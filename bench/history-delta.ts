/**
 * How much of a history's unique blob bytes differ from the next version of the same file, and
 * what the engine would save by scanning only those parts (docs/history.md, "2026-12-05, fifth
 * session: what scanning only the changed part of each version could save"). An analysis, not a
 * product path: it holds every blob of the history in memory, so use it on repositories of a few
 * hundred MB.
 *
 *   npx tsx bench/history-delta.ts [REPO] [--margin BYTES] [--min-size BYTES]
 *
 * For each blob a one-parent commit brought in, its "next version" is the blob that replaced it
 * at the same path in the newest commit that did (the walk lists commits newest first). Its
 * region is the part between the common prefix and the common suffix of the two, widened by
 * `--margin` bytes either side and cut at line boundaries; a blob with no next version, or
 * smaller than `--min-size`, counts whole. The engine (`scanBlobBytes`) then scans every blob
 * whole and every region, alternated for three rounds.
 */
import { resolve } from 'node:path';
import { defaultSettings } from '../src/core/types.js';
import { BlobReader, gitLineBatches } from '../src/workspace/git-objects.js';
import { scanBlobBytes } from '../src/workspace/history-blob.js';
import { logArgs, rawEntry } from '../src/workspace/history.js';

const MB = 1e6;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** The part of `older` that differs from `newer`, widened by `margin` bytes and cut at line boundaries. */
function changedRegion(older: Uint8Array, newer: Uint8Array, margin: number): Uint8Array {
  const shorter = Math.min(older.length, newer.length);
  let prefix = 0;
  while (prefix < shorter && older[prefix] === newer[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && older[older.length - 1 - suffix] === newer[newer.length - 1 - suffix]) suffix++;
  const from = Math.max(0, prefix - margin);
  const start = from === 0 ? 0 : older.lastIndexOf(10, from) + 1;
  const lineEnd = older.indexOf(10, Math.min(older.length, older.length - suffix + margin));
  return older.subarray(start, lineEnd < 0 ? older.length : lineEnd + 1);
}

async function main(): Promise<void> {
  const repo = resolve(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : process.env.NHI_BENCH_HISTORY_REPO ?? '.');
  const margin = option('--margin', 8192);
  const minSize = option('--min-size', 2048);

  const pathOf = new Map<string, string>();
  const next = new Map<string, string>();
  for await (const lines of gitLineBatches(repo, logArgs(['--all']), (message) => console.error(message))) {
    for (const line of lines) {
      const entry = line.charCodeAt(0) === 58 ? rawEntry(line) : undefined;
      if (!entry) continue;
      if (!pathOf.has(entry.oid)) pathOf.set(entry.oid, entry.path);
      if (line.charCodeAt(1) === 58) continue; // a merge's combined line: several older versions
      const older = line.split(' ')[2];
      if (!/^0+$/.test(older) && !next.has(older)) next.set(older, entry.oid);
    }
  }

  const bytes = new Map<string, Uint8Array>();
  const reader = new BlobReader<string>(repo, (blob) => {
    if (blob.ok) bytes.set(blob.tag, Uint8Array.from(blob.bytes));
  }, Infinity);
  await reader.requestMany([...pathOf.keys()].map((oid) => ({ oid, tag: oid })));
  await reader.finish();

  const blobs = [...bytes].map(([oid, whole]) => {
    const newer = next.get(oid);
    const nextBytes = newer === undefined ? undefined : bytes.get(newer);
    const region = nextBytes === undefined || whole.length < minSize ? whole : changedRegion(whole, nextBytes, margin);
    return { path: pathOf.get(oid)!, whole, region };
  });
  const sum = (pick: (b: (typeof blobs)[number]) => Uint8Array) => blobs.reduce((total, b) => total + pick(b).length, 0);
  console.log(`${repo}: ${blobs.length} unique blobs, ${(sum((b) => b.whole) / MB).toFixed(1)} MB; regions (margin ${margin} bytes, blobs under ${minSize} bytes whole) ${(sum((b) => b.region) / MB).toFixed(1)} MB`);

  const settings = defaultSettings();
  for (let round = 1; round <= 3; round++) {
    let started = performance.now();
    for (const b of blobs) scanBlobBytes(b.path, b.whole, settings);
    const whole = performance.now() - started;
    started = performance.now();
    for (const b of blobs) scanBlobBytes(b.path, b.region, settings);
    const regions = performance.now() - started;
    console.log(`  round ${round}: the engine on every blob whole ${whole.toFixed(0)} ms, on the regions ${regions.toFixed(0)} ms`);
  }
}

await main();
