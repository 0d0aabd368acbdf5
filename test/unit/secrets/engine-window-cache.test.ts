import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { findMatches, type RawMatch } from '../../../src/core/secrets/candidates.js';
import { compileCatalog } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { dropWindowCaches, windowCacheCounts } from '../../../src/core/secrets/window-cache.js';
import { defaultSettings } from '../../../src/core/types.js';
import { acme, body } from './engine-fixtures.js';

/**
 * The window cache (history mode) must return exactly what a regex run would: many versions of
 * real text dense with keywords and example credentials (the catalog's own source files), with
 * planted secrets, lines inserted, deleted and edited between versions, windows cut by slice ends
 * (long lines, merged windows split at MAX_MERGED), are scanned with and without the cache and
 * must give the same raw matches and the same findings.
 */
const root = new URL('../../../', import.meta.url);
const realText = ['src/core/secrets/detectors/generic.ts', 'src/core/secrets/detectors/cloud.ts', 'src/core/secrets/detectors/ai.ts', 'docs/history.md']
  .map((path) => readFileSync(new URL(path, root), 'utf8'))
  .join('\n');

/** Deterministic pseudo-random numbers (mulberry32): the same versions on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function token(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

/** Planted lines: provider tokens, generic assignments, a secret at the very end of a long line, a key block. */
function planted(next: () => number): string {
  const kinds = [
    () => `const githubToken = "ghp_${token(next, 36)}";`,
    () => `AWS_ACCESS_KEY_ID=AKIA${token(next, 16).toUpperCase()}`,
    () => `api_key: "${token(next, 40)}"`,
    () => `${'x'.repeat(Math.floor(next() * 6000))} secret_token = '${token(next, 48)}'`,
    () => `password=${token(next, 20)}`,
    () => `-----BEGIN RSA PRIVATE KEY-----\n${token(next, 64)}\n${token(next, 64)}\n-----END RSA PRIVATE KEY-----`,
    () => `Authorization: Bearer ${token(next, 60)}`,
  ];
  return kinds[Math.floor(next() * kinds.length)]();
}

/** The next version: a few lines inserted, deleted, edited (a character changed) or planted. */
function mutate(lines: string[], next: () => number): string[] {
  const out = lines.slice();
  const edits = 1 + Math.floor(next() * 12);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * out.length);
    const kind = next();
    if (kind < 0.25) out.splice(at, 1);
    else if (kind < 0.5) out.splice(at, 0, planted(next));
    else if (kind < 0.75) out.splice(at, 0, out[Math.floor(next() * out.length)]);
    else if (out[at].length > 0) {
      const p = Math.floor(next() * out[at].length);
      out[at] = out[at].slice(0, p) + alphabet[Math.floor(next() * alphabet.length)] + out[at].slice(p + 1);
    }
  }
  return out;
}

function versions(seed: number, count: number, lines: string[]): string[] {
  const next = random(seed);
  const result: string[] = [];
  let current = lines;
  for (let i = 0; i < count; i++) {
    current = mutate(current, next);
    result.push(current.join('\n'));
  }
  return result;
}

const plain = (matches: RawMatch[]) => matches.map((m) => `${m.detector}:${m.start}:${m.end}:${m.secret}`);

describe('secrets engine: window cache (history mode)', () => {
  afterAll(() => dropWindowCaches());

  it.each([
    ['a roomy cache', 2 << 20],
    ['a tiny cache (generations dropped every few windows)', 4096],
  ])('raw matches of 40 mutated versions equal an uncached run, with %s', (_name, chars) => {
    dropWindowCaches(chars);
    const catalog = compileCatalog(allDetectors);
    const active = catalog.activeByDefault;
    const hits = windowCacheCounts.hits;
    const stores = windowCacheCounts.stores;
    const texts = versions(chars, 40, realText.split('\n'));
    let total = 0;
    for (const text of texts) {
      const expected = plain(findMatches(text, catalog, active, { wholeFileBelow: 2048 }));
      const cached = plain(findMatches(text, catalog, active, { wholeFileBelow: 2048, cacheWindows: true }));
      expect(cached).toEqual(expected);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(1000);
    expect(windowCacheCounts.stores).toBeGreaterThan(stores);
    if (chars > 4096) expect(windowCacheCounts.hits - hits).toBeGreaterThan(1000); // the cache was used, not bypassed
  });

  it('a match running into its slice end is re-run on the text after it, never answered from the cache', () => {
    dropWindowCaches();
    const catalog = compileCatalog(allDetectors);
    const active = catalog.activeByDefault;
    // A JWT whose signature runs past the end of its window's slice (2,112 characters after the
    // keyword): the same window text in both versions, then the signature ends at different places.
    const head = `${'filler line\n'.repeat(300)}eyJ${'a'.repeat(100)}.ey${'b'.repeat(1900)}.${'c'.repeat(400)}`;
    const first = `${head}${'c'.repeat(600)}\n${'tail\n'.repeat(300)}`;
    const second = `${head}!${'c'.repeat(600)}\n${'tail\n'.repeat(300)}`;
    for (const text of [first, second, first]) {
      expect(plain(findMatches(text, catalog, active, { wholeFileBelow: 2048, cacheWindows: true }))).toEqual(plain(findMatches(text, catalog, active, { wholeFileBelow: 2048 })));
    }
  });

  it('findings of mutated versions are the same with the history scope (cache) and without', () => {
    dropWindowCaches();
    const scanner = createSecretScanner(allDetectors);
    const settings = defaultSettings({ mode: 'full', now: new Date(0) });
    for (const content of versions(7, 15, realText.split('\n'))) {
      const file = { path: 'dist/bundle.js', content };
      const strip = (f: object[]) => JSON.stringify(f);
      expect(strip(scanner.scan(file, settings, undefined, 'history'))).toEqual(strip(scanner.scan(file, settings)));
    }
  });

  it('a second scan of the same text is answered from the cache, with equal matches', () => {
    dropWindowCaches();
    const catalog = compileCatalog(allDetectors);
    const before = windowCacheCounts.stores;
    findMatches(realText, catalog, catalog.activeByDefault, { wholeFileBelow: 2048, cacheWindows: true });
    expect(windowCacheCounts.stores).toBeGreaterThan(before);
    const hits = windowCacheCounts.hits;
    const again = findMatches(realText, catalog, catalog.activeByDefault, { wholeFileBelow: 2048, cacheWindows: true });
    expect(windowCacheCounts.hits).toBeGreaterThan(hits);
    expect(plain(again)).toEqual(plain(findMatches(realText, catalog, catalog.activeByDefault, { wholeFileBelow: 2048 })));
  });

  it('keeps no file alive: 48 files of 1 MiB scanned with the cache leave none in memory once dropped', () => {
    dropWindowCaches();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const scanner = createSecretScanner([acme]);
    const settings = defaultSettings();
    const filler = `${'const unrelated = 1;\n'.repeat(26_000)}`;
    gc();
    const before = process.memoryUsage().heapUsed;
    const stores = windowCacheCounts.stores;
    let found = 0;
    for (let i = 0; i < 48; i++) {
      // Tokens 20 lines apart: one window (and one stored text) each.
      const tokens = Array.from({ length: 20 }, (_, k) => `const t${k} = "acme_${body(i * 20 + k + 5000)}";\n${'let gap = 0;\n'.repeat(30)}`).join('');
      const content = `// file ${i}\n${filler}${tokens}\n${filler}`.split('\n').join('\n');
      found += scanner.scan({ path: `dist/f${i}.js`, content }, settings, undefined, 'history').length;
    }
    gc();
    const retainedMB = (process.memoryUsage().heapUsed - before) / 1048576;
    expect(found).toBe(48 * 20);
    expect(windowCacheCounts.stores - stores).toBe(48 * 20); // every window was remembered
    // Were the stored texts or secrets slices of their files, ~100 MB (48 files of ~2 MiB) stayed reachable.
    expect(retainedMB).toBeLessThan(16);
  });
});
