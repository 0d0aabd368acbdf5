/**
 * The shipped bundles carry none of the detector catalog's samples (scripts/drop-samples.mjs;
 * docs/architecture.md, "The shipped bundles carry no samples"): not the committed Action bundle
 * (dist/), not the CLI's (lib/bundle/, built by `npm ci`), not an Action bundle built now with the
 * real build script. The samples are read from the sources, where the tests need them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { dropSamples } from '../../scripts/drop-samples.mjs';
import { buildBundle } from './action/runner.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * What of a positive sample's secret must not appear in a bundle: the secret itself, or for a
 * secret of several lines (a PEM key) each of its lines of 16 characters or more but the armour
 * (`-----BEGIN … PRIVATE KEY-----`, which the detectors' patterns spell too).
 */
function telltales(): string[] {
  const out = new Set<string>();
  for (const detector of allDetectors) {
    for (const sample of detector.samples.positive) {
      const lines = sample.secret.split(/\\n|\n/).map((l) => l.trim());
      for (const line of lines.length === 1 ? lines : lines.filter((l) => l.length >= 16 && !l.startsWith('-----'))) if (line.length >= 6) out.add(line);
    }
  }
  return [...out];
}

function bundleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(?:c|m)?js$/.test(f))
    .map((f) => join(dir, f));
}

function samplesIn(files: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    for (const secret of secrets) if (text.includes(secret)) found.push(`${file}: ${secret.slice(0, 12)}…`);
  }
  return found;
}

describe('the shipped bundles carry no detector samples', () => {
  let fresh: ReturnType<typeof buildBundle> | undefined;
  beforeAll(() => {
    fresh = buildBundle();
  }, 120_000);
  afterAll(() => fresh?.cleanup());

  const secrets = telltales();

  it('the sources do have them (the check below is not vacuous)', () => {
    // ~1,600 positive samples over ~830 detectors; every detector has at least one.
    expect(secrets.length).toBeGreaterThan(1000);
    for (const d of allDetectors) expect(d.samples.positive.length, d.id).toBeGreaterThan(0);
    // A secret of the sources is found by the same check in a file that holds it.
    const source = join(ROOT, 'src/core/secrets/detectors/code-hosts.ts');
    expect(samplesIn([source], secrets).length).toBeGreaterThan(10);
  });

  it('an Action bundle built now, the committed dist/ and the CLI bundle hold none of them', () => {
    const dirs = [fresh!.dir, join(ROOT, 'dist'), join(ROOT, 'lib/bundle')];
    for (const dir of dirs) {
      expect(existsSync(dir), `${dir}: build it first (npm run build, npm run build:action)`).toBe(true);
      const files = bundleFiles(dir);
      expect(files.length, dir).toBeGreaterThanOrEqual(3); // the entry and its two scanning workers at least
      expect(samplesIn(files, secrets), dir).toEqual([]);
    }
  });

  // The Action's bundle (dist/, not minified) keeps the sources' comments: one of them, "access
  // token: `<the Bitbucket prefix>`", was reported by the generic detector until it was reworded.
  it.each(['lib/bundle', 'dist'])('nhi-steward scanning the committed %s reports nothing (500+ findings a file before)', (dir) => {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin/nhi-steward.js'), 'scan', join(ROOT, dir), '--format', 'json', '--fail-on', 'none'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const report = JSON.parse(out) as { findings: { rule: string; file: string; line: number; redacted?: string }[]; stats?: unknown };
    expect(report.findings.filter((f) => f.rule.startsWith('secret/')).map((f) => `${f.file}:${f.line} ${f.rule} ${f.redacted}`)).toEqual([]);
  });
});

describe('dropSamples (scripts/drop-samples.mjs)', () => {
  it('empties every `samples` value, written out, quoted or shorthand, and leaves the rest as it is', () => {
    const source = [
      "const TABLE = { a: 'AKIAQWERTYUIOPASDFGH' };",
      'const samples = { positive: [], negative: [] };',
      'export const d = [',
      "  { id: 'x', pattern: /x/, samples: { positive: [at('K=§', TABLE.a)], negative: ['K=1'] } },",
      "  { id: 'y', 'samples': makeSamples('y'), keywords: ['y'] },",
      "  { id: 'z', samples },",
      "  { id: 'w', nested: { samples: [1, 2] } },",
      '];',
    ].join('\n');
    const { code, dropped } = dropSamples(source);
    expect(dropped).toBe(4);
    expect(code).not.toContain('TABLE.a');
    expect(code).not.toContain("makeSamples('y')");
    expect(code).not.toContain('[1, 2]');
    expect(code).toContain("{ id: 'x', pattern: /x/, samples: { positive: [], negative: [] } },");
    expect(code).toContain("{ id: 'y', 'samples': { positive: [], negative: [] }, keywords: ['y'] },");
    expect(code).toContain("{ id: 'z', samples: { positive: [], negative: [] } },");
    // Declarations are not properties: the table and the variable stay (the bundler drops what is unused).
    expect(code).toContain("const TABLE = { a: 'AKIAQWERTYUIOPASDFGH' };");
    expect(code).toContain('const samples = { positive: [], negative: [] };');
  });

  it('every detector module still has its detectors once its samples are dropped', () => {
    const dir = join(ROOT, 'src/core/secrets/detectors');
    let dropped = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      const result = dropSamples(source, file);
      dropped += result.dropped;
      // Only `samples` values change: the ids stay.
      expect(result.code.match(/\bid: '[^']+'/g) ?? [], file).toEqual(source.match(/\bid: '[^']+'/g) ?? []);
    }
    expect(dropped).toBeGreaterThan(250);
  });
});
