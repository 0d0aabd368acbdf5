/**
 * Past the per-file limit, the engine builds and names only the findings it reports when nothing
 * else can drop one (src/core/secrets/engine.ts, `scanFile`: no baseline or ignore entry, no
 * inline-allow notice). Whichever way it goes, a file scanned with a limit must report exactly
 * what a scan without the limit reports, cut at the limit: the same findings in the same order
 * with the same fingerprints, the same count and line in the scan/limit finding, and the same
 * values handed to live verification.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScanner, limitFinding } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type Finding, type RevealedSecret, type ScanSettings } from '../../../src/core/types.js';
import { saltedSecretHash } from '../../../src/core/secrets/fingerprint.js';
import { acme, body, keyId, keySecret } from './engine-fixtures.js';

const scanner = createSecretScanner([acme, keyId, keySecret]);
const UNLIMITED = 1_000_000;

/**
 * One line of the file: a token, a key id and its secret (a pair), a line repeated as is, a marked
 * one, or two findings on one line whose columns and rules sort them in opposite orders.
 */
type Line = { kind: 'token'; n: number } | { kind: 'pair'; n: number } | { kind: 'same' } | { kind: 'allowed'; n: number } | { kind: 'two'; n: number } | { kind: 'plain' };

function render(lines: Line[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.kind === 'token') out.push(`t${line.n} = "acme_${body(line.n)}"`);
    else if (line.kind === 'pair') out.push(`id = ZKID${String(line.n).padStart(12, '7')}`, `zeta_secret = ${body(line.n + 9000).slice(0, 24)}AbCdEfGh`);
    // Identical lines: under location fingerprints they share a context, told apart by occurrence.
    else if (line.kind === 'same') out.push(`token = "acme_${body(4242)}"`);
    else if (line.kind === 'allowed') out.push(`a${line.n} = "acme_${body(line.n + 5000)}" // nhi-steward:allow`);
    else if (line.kind === 'two') out.push(`k = ZKID${String(line.n).padStart(12, '3')} + "acme_${body(line.n + 7000)}"`);
    else out.push('nothing here');
  }
  return out.join('\n');
}

const lineArb: fc.Arbitrary<Line> = fc.oneof(
  fc.record({ kind: fc.constant('token' as const), n: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('pair' as const), n: fc.integer({ min: 0, max: 400 }) }),
  fc.constant({ kind: 'same' as const }),
  fc.record({ kind: fc.constant('allowed' as const), n: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('two' as const), n: fc.integer({ min: 0, max: 400 }) }),
  fc.constant({ kind: 'plain' as const }),
);

function scan(content: string, settings: ScanSettings, addedLines?: ReadonlySet<number>): { findings: Finding[]; revealed: RevealedSecret[] } {
  const revealed: RevealedSecret[] = [];
  const findings = scanner.scan(addedLines ? { path: 'dump.ts', content, addedLines } : { path: 'dump.ts', content }, settings, (secret) => revealed.push(secret));
  return { findings, revealed };
}

/** A cheap scrypt cost (the lowest accepted): the salted entries below are hashed per run. */
const COST = { N: 1024, r: 1, p: 1 };

/** What a scan with `limit` must give, from the same scan without one. */
function cut(all: Finding[], limit: number): Finding[] {
  if (all.length <= limit) return all;
  return [...all.slice(0, limit), limitFinding('dump.ts', all[limit].line, `${all.length - limit} more secret findings in this file not reported (limit ${limit} per file)`)];
}

describe('the per-file limit', () => {
  it('reports what a scan without it reports, cut at the limit, whether or not a baseline or an allow notice can drop findings', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('keyed' as const, 'location' as const),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.boolean(),
        (lines, limit, mode, legacy, baselinePicks, saltedPicks, changeMode) => {
          const content = render(lines);
          const lineCount = content.split('\n').length;
          // Change modes: every other line added, so allow markers become notices on some of them.
          const added = changeMode ? new Set(Array.from({ length: lineCount }, (_, i) => i + 1).filter((l) => l % 2 === 1)) : undefined;
          const fingerprint = mode === 'keyed' ? undefined : ({ kind: 'location' } as const);
          const base = defaultSettings({ fingerprint, legacyFingerprints: legacy });
          // A baseline of some findings of the unlimited scan (by their published fingerprints), and
          // an ignore file's salted entries for others (by detector and value).
          const unlimited = scan(content, { ...base, limits: { secretsPerFile: UNLIMITED } }, added);
          const everything = unlimited.findings.filter((f) => f.rule.startsWith('secret/'));
          const baseline = new Set(baselinePicks.filter(() => everything.length > 0).map((p) => everything[p % everything.length].fingerprint));
          const secrets = unlimited.revealed;
          const hashes = new Set(saltedPicks.filter(() => secrets.length > 0).map((p) => secrets[p % secrets.length]).map((r) => saltedSecretHash('salt', COST, r.detector, r.parts.join('\n'))));
          const salted = [{ source: '.nhi-stewardignore', salt: 'salt', cost: COST, hashes, rules: new Set<string>() }];
          const settings = { ...base, baseline, salted };
          const all = scan(content, { ...settings, limits: { secretsPerFile: UNLIMITED } }, added);
          const limited = scan(content, { ...settings, limits: { secretsPerFile: limit } }, added);
          // In the order of their place in the file, as ever.
          const places = all.findings.map((f) => [f.line, f.column]);
          expect(places).toEqual([...places].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
          expect(limited.findings).toEqual(cut(all.findings, limit));
          expect(limited.revealed).toEqual(all.revealed.slice(0, limit));
          // The picks did what they are for: what they name is not reported.
          if (hashes.size > 0 && secrets.length > 0) expect(all.revealed.length).toBeLessThan(secrets.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a fixture of many tokens over the limit: the first ones in file order, then the count and where the rest start', () => {
    const content = render(Array.from({ length: 900 }, (_, i): Line => (i % 3 === 2 ? { kind: 'pair', n: i } : { kind: 'token', n: i })));
    const { findings } = scan(content, { ...defaultSettings(), limits: { secretsPerFile: 100 } });
    expect(findings).toHaveLength(101);
    const lines = findings.slice(0, 100).map((f) => f.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(findings.slice(0, 100).every((f) => f.fingerprint.length === 64)).toBe(true);
    const notice = findings[100];
    expect(notice.rule).toBe('scan/limit');
    // 900 lines: 600 tokens and 300 key id + secret pairs (two lines each), 900 findings in all.
    expect(notice.message).toContain('800 more secret findings in this file not reported (limit 100 per file)');
    expect(notice.line).toBeGreaterThan(lines[99]);
  });
});
