/**
 * A history scan reads each version of a file against the last one: it takes over the keyword
 * hits, windows, matches, verdicts, line starts and contexts of the text the two share, reads
 * long versions from their bytes and non-ASCII ones as stand-ins (docs/history.md). Whatever it
 * takes over, it must report what scanning every version whole reports. Here, on random histories
 * of a committed bundle (over 512 KiB, with characters past ASCII: read from its bytes, as a
 * stand-in), a medium file and a small one, edited commit by commit with detector samples put in,
 * moved and taken out near the edits, the history scan is checked against the engine run on each
 * version whole (`scanSecrets`, no memory of earlier versions):
 * - the same secrets (by content id);
 * - each attributed to the first commit that brought it, at the first path, line and column it has there;
 * - present at HEAD exactly when a file at HEAD holds it.
 * Six histories a run; NHI_DIFF_RUNS=40 tries more (40 took 16 s on the project machine).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { prng } from '../../src/core/secrets/detectors/table.js';
import { scanSecrets } from '../../src/core/secrets/engine.js';
import { sameSecret, secretKeys } from '../../src/core/commits.js';
import { defaultSettings } from '../../src/core/types.js';
import { scanHistory } from '../../src/workspace/history.js';
import { HistoryRepo } from '../support/history-repo.js';
import { pick, variant } from '../support/random-edits.js';

/** One line of each of many detectors' samples: the values the histories carry. */
const SAMPLES = allDetectors.filter((_, i) => i % 19 === 0).flatMap((d) => d.samples.positive.slice(0, 1).map((p) => p.text.split('\n')[0]));
/** Lines with keywords but no secret, lines past ASCII, a long minified one. */
const FILLER = [
  'const token = getToken(options);',
  '  return apiKey ?? process.env.API_KEY;',
  'function add(a, b) { return a + b; }',
  '// café — naïve ✓ 日本語 (non-ASCII text in a comment)',
  '  "description": "Schlüssel für den Zugriff",',
  '',
  `var m=${'a.b(c,d);'.repeat(250)}`,
];

const FILES = [
  { path: 'dist/index.js', lines: 8_000 }, // ~560 KB: read from its bytes, as a stand-in
  { path: 'src/settings.ts', lines: 600 }, // kept as a string between versions
  { path: 'config/app.env', lines: 40 }, // under the size a version is kept at
];

function fillerLine(next: () => number, n: number): string {
  return next() < 0.9 ? `var v${n} = function (a) { return a * ${n} + ${Math.floor(next() * 1000)}; };` : pick(next, FILLER);
}

const SAMPLE_SET = new Set(SAMPLES);

/**
 * Edits a file's lines in place: 1-3 edits, each a few lines replaced, taken out or put in, often
 * at or next to a line holding a secret (taking it out, changing it, or putting one beside it).
 */
function edit(next: () => number, lines: string[], counter: { n: number }): void {
  for (let e = 1 + Math.floor(next() * 3); e > 0; e--) {
    const secrets = lines.flatMap((line, i) => (SAMPLE_SET.has(line) || line.startsWith('  secret ') ? [i] : []));
    const near = secrets.length > 0 && next() < 0.6;
    const at = near ? Math.max(0, Math.min(lines.length, pick(next, secrets) + Math.floor(next() * 5) - 2)) : Math.floor(next() * (lines.length + 1));
    const remove = Math.floor(next() * 3);
    const add: string[] = [];
    for (let k = Math.floor(next() * 3); k > 0; k--) {
      const r = next();
      add.push(r < 0.3 ? pick(next, SAMPLES) : r < 0.5 ? `  secret ${variant(next, pick(next, SAMPLES))}` : fillerLine(next, counter.n++));
    }
    lines.splice(at, remove, ...add);
  }
}

interface Occurrence {
  commit: number;
  path: string;
  line: number;
  column: number;
}

describe('a history scan against every version scanned whole', () => {
  it('reports the same secrets, each at the commit, path and line that first brought it, and present at HEAD when it is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 6, max: 14 }), async (seed, commits) => {
        const next = prng(seed); // a history is a function of its seed
        const counter = { n: 0 };
        const repo = new HistoryRepo('nhi-history-diff-');
        try {
          const settings = defaultSettings();
          const contents = FILES.map((f) => Array.from({ length: f.lines }, () => (next() < 0.002 ? pick(next, SAMPLES) : fillerLine(next, counter.n++))));
          const shas: string[] = [];
          const first = new Map<string, Occurrence>();
          for (let c = 0; c < commits; c++) {
            // The first commit adds every file; each later one edits one to three of them.
            const changed = c === 0 ? FILES.map((_, i) => i) : FILES.map((_, i) => i).filter(() => next() < 0.6);
            if (changed.length === 0) changed.push(0);
            for (const i of c === 0 ? [] : changed) edit(next, contents[i], counter);
            const files = Object.fromEntries(changed.map((i) => [FILES[i].path, `${contents[i].join('\n')}\n`]));
            shas.push(repo.commit(`Author ${c}`, new Date(Date.UTC(2024, 0, 1 + c)).toISOString(), files));
            // The reference: each version of this commit scanned whole; the first place of each secret.
            for (const [path, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
              for (const f of scanSecrets({ path, content }, settings)) {
                if (!f.rule.startsWith('secret/')) continue;
                const known = first.get(sameSecret(f));
                if (known === undefined || (known.commit === c && known.path === path && f.line < known.line)) first.set(sameSecret(f), { commit: c, path, line: f.line, column: f.column });
              }
            }
          }
          // Present at HEAD: a file there holds it, alone or as a half of a pair (`secretKeys`).
          const atHead = new Set(FILES.flatMap((f, i) => scanSecrets({ path: f.path, content: `${contents[i].join('\n')}\n` }, settings).flatMap(secretKeys)));

          const { result } = await scanHistory(repo.dir, { settings, parallel: { workers: 0 } });
          const found = result.findings.filter((f) => f.rule.startsWith('secret/'));
          expect(new Set(found.map(sameSecret))).toEqual(new Set(first.keys()));
          expect(found).toHaveLength(first.size); // one finding per secret
          for (const f of found) {
            const want = first.get(sameSecret(f))!;
            expect({ secret: f.redacted, commit: f.commit?.sha, file: f.file, line: f.line, column: f.column, presentAtHead: f.presentAtHead }).toEqual({
              secret: f.redacted,
              commit: shas[want.commit],
              file: want.path,
              line: want.line,
              column: want.column,
              presentAtHead: secretKeys(f).some((key) => atHead.has(key)),
            });
          }
          return first.size > 0;
        } finally {
          repo.cleanup();
        }
      }),
      { numRuns: Number(process.env.NHI_DIFF_RUNS ?? 6), endOnFailure: true },
    );
  }, 120_000);
});
