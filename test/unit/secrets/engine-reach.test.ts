import { describe, expect, it } from 'vitest';
import { findMatches } from '../../../src/core/secrets/candidates.js';
import { compileCatalog, lineBreaks, reachOf } from '../../../src/core/secrets/compile.js';
import { allDetectors } from '../../../src/core/secrets/detectors/index.js';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';

/**
 * How far past its keyword's line a detector's windows reach (compile.ts `Reach`): a pattern that
 * crosses at most two line ends through literal `\n` is `near`, not `block` (32 KiB after every
 * hit); anything that may cross more stays `block`, except a counted negated class (`far`:
 * FORWARD characters, whatever the lines).
 */
describe('lineBreaks', () => {
  it.each([
    ['abc', 0],
    ['a\\nb', 1],
    ['(?:[ \\t]*\\n[ \\t]*)?value', 1],
    ['a\\n|\\n\\n\\nb', 3],
    ['(?:x\\n){0,40}', 40],
    ['(?:x\\n)+', Infinity],
    ['(?:x\\n){2,}', Infinity],
    ['\\n*', Infinity],
    ['[\\r\\n]+', Infinity],
    ['[\\t\\n]?', 1],
    ['[^\\n]*', 0],
    ['(?=[^\\n]*\\nkind:)', 1], // lookarounds count: the keyword may sit in what they read
    ['(?<q>\\n)x\\k<q>', 2],
    ['(\\n)x\\1', 2],
    ['x\\k<later>(?<later>a)', Infinity],
    ['"(?:\\\\n[A-Za-z0-9+/=]{1,100}){4,300}\\\\n"', 301], // JSON-escaped PEM lines
    ['\\\\t', 0], // a JSON-escaped tab
    ['(?:a', Infinity], // unbalanced: assume the worst
  ])('%s → %s', (source, expected) => {
    expect(lineBreaks(source)).toBe(expected);
  });
});

describe('reachOf', () => {
  it.each([
    [/ghp_[A-Za-z0-9]{36}/, 'line'],
    [/password[ \t]*=[ \t]*"[^"]{6,}"/, 'near'],
    [/name: *\w+(?:\r?\n[ \t]*)?value: *(?<secret>\S+)/, 'near'],
    [/a\nb\nc\nd/, 'block'],
    [/-----BEGIN KEY-----[A-Za-z0-9+/=\s]{40,2000}-----END KEY-----/, 'block'],
    [/^[ \t]*password[ \t]*=[ \t]*(?<secret>\S{3,500})[ \t]*\r?$/m, 'block'], // `\r?$`: keyword lines away
    [/"private_key":"(?:\\n[A-Za-z0-9+/=]{1,100}){4,300}\\n"/, 'block'],
    [/x[\s\S]{0,40}y/, 'block'],
    [/x.{0,40}y/s, 'block'],
    // A negated class that admits a line end, repeated a counted number of times (a keyed row's gap
    // before its credential word): it may cross that many lines.
    [/bitmex[^\x00]{0,40}?key=(?<secret>\w{10,})/, 'far'],
    [/x[^"]{0,3}y/, 'far'],
    [/x[^"]{0,2}y/, 'near'],
    [/x[^"]*y/, 'near'], // unbounded: left to near, as before
    [/x[^\s"]{0,40}y/, 'near'], // \s: no line end
    [/x[^\n]{0,40}y/, 'line'],
  ])('%s → %s', (pattern, expected) => {
    expect(reachOf(pattern)).toBe(expected);
  });

  it('keeps every catalog pattern that crosses more than two line ends at block', () => {
    for (const d of allDetectors) {
      if (lineBreaks(d.pattern.source.replace(/\\r\??(?=\\n)/g, '')) > 2) expect(reachOf(d.pattern), d.id).toBe('block');
    }
  });

  it('finds a keyed row whose credential word comes lines after the provider\'s word, far into a large file', () => {
    // Found by the companion-word property (engine-companions.test.ts): blank lines between
    // `bitmex` and `key=` count toward the 40 characters the row allows, so windows must reach past
    // the two lines `near` searches. Whole-file mode (small files) always found it.
    const scanner = createSecretScanner(allDetectors.filter((d) => d.id === 'bitmex-api-secret'));
    const secret = 'Cm-Q9TwUH-NVUCOwDPUAEsr1xC5SBIdfeEqvSm589NSvbY0e';
    const pad = `${'// no values here\n'.repeat(400)}`;
    for (const [content, line] of [
      [`${pad}bitmex${'\n'.repeat(36)}key=${secret}\n${pad}`, 437],
      [`bitmex${'\n'.repeat(36)}key=${secret}\n`, 37],
    ] as const) {
      const findings = scanner.scan({ path: 'settings.py', content }, defaultSettings());
      expect(findings.map((f) => [f.rule, f.line])).toEqual([['secret/bitmex-api-secret', line]]);
    }
  });

  it('finds a name/value pair whose value is on the next line, far into a large file', () => {
    const scanner = createSecretScanner(allDetectors.filter((d) => d.id === 'generic-name-value'));
    const secret = 'Zq8vN2pL6xR4tY9w';
    const pad = `${'// token handling, no values here\n'.repeat(400)}`;
    const content = `${pad}env:\n  - name: "DB_PASSWORD",\n    "value": "${secret}"\n${pad}`;
    const findings = scanner.scan({ path: 'deploy/values.js', content }, defaultSettings());
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['secret/generic-name-value', 403]]);
  });
});

describe('a compiled catalog', () => {
  it("makes a detector's regexes and reads its reach on first use only: a scan that hits one detector leaves the others' unmade", () => {
    const catalog = compileCatalog(allDetectors);
    expect(catalog.detectors.every((c) => c.regex === null && c.sticky === null && c.reach === undefined)).toBe(true);
    const github = catalog.detectors.findIndex((c) => c.detector.id === 'github-classic-pat');
    const token = `ghp_${'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5'}`;
    const text = `${'x'.repeat(3000)}\nconst t = "${token}";\n${'y'.repeat(3000)}\n`; // over wholeFileBelow: planned in windows
    const found = findMatches(text, catalog, catalog.activeByDefault);
    expect(found.map((m) => [catalog.detectors[m.detector].detector.id, m.secret])).toContainEqual(['github-classic-pat', token]);
    expect(catalog.detectors[github].regex).toBeInstanceOf(RegExp);
    expect(catalog.detectors[github].reach).toBe(reachOf(catalog.detectors[github].detector.pattern));
    // The flags of the regexes made on first use are the pattern's, with `g` (and `d` for a secret group).
    expect(catalog.detectors[github].regex!.flags).toBe(new RegExp(catalog.detectors[github].detector.pattern.source, `${catalog.detectors[github].detector.pattern.flags.replace(/[gyd]/g, '')}dg`).flags);
    const made = catalog.detectors.filter((c) => c.regex !== null).length;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(catalog.detectors.length / 10);
  });
});
