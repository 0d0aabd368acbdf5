import { minimatch } from 'minimatch';
import type { CustomDetectorSpec } from '../types.js';
import type { Detector } from './detector.js';

/**
 * Users' own detectors (`detectors.custom` in .github/nhi-steward.yml), held to the rules of the
 * built-in catalog: a regex that compiles, has at most one `secret` group, no `g`/`y` semantics,
 * keywords the prefilter can find, and no catastrophic backtracking on adversarial input.
 */

/** Longest time one adversarial input may take; linear regexes need a few milliseconds. */
const HANG_MS = 250;
const PROBE_SIZE = 20_000;

/** A deterministic run over `alphabet`. */
function run(alphabet: string, size: number): string {
  let x = 0x9e3779b9;
  let out = '';
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

/**
 * The adversarial inputs of test/unit/secrets/redos.test.ts in small: runs of typical token
 * characters, the keyword repeated, keyword + long runs, whitespace runs. Returns the name of the
 * first input that takes longer than HANG_MS, or undefined when the regex stays linear.
 */
export function backtrackingProbe(regex: RegExp, keywords: readonly string[]): string | undefined {
  const global = new RegExp(regex.source, regex.flags.replace(/[gy]/g, '') + 'g');
  const keyword = keywords[0] ?? 'key';
  const shapes: [string, (n: number) => string][] = [
    ['a run of letters and digits', (n) => run('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', n)],
    ['the keyword repeated', (n) => keyword.repeat(Math.ceil(n / keyword.length))],
    ['the keyword and a space repeated', (n) => `${keyword} `.repeat(Math.ceil(n / (keyword.length + 1)))],
    ['the keyword, then a long run', (n) => `${keyword} = ${run('abcdef0123456789-_=.:/+', n)}`],
    ['whitespace', (n) => `${keyword}${' \t'.repeat(Math.ceil(n / 2))}x`],
    ['a run of symbols', (n) => run('"\'=:;,.-_/+\\ ', n)],
  ];
  // Growing sizes: an exponential regex is caught at a few dozen characters, before it can hang
  // this check itself; a quadratic one at a few thousand.
  const sizes = [8, 12, 16, 20, 24, 28, 32, 48, 64, 128, 512, 2048, 8192, PROBE_SIZE];
  for (const [name, make] of shapes) {
    for (const size of sizes) {
      const input = make(size);
      const started = performance.now();
      for (const m of input.matchAll(global)) void m;
      if (performance.now() - started > HANG_MS) return name;
    }
  }
  return undefined;
}

/** Problems with one custom detector, as messages; empty when it is usable. */
export function customDetectorProblems(spec: CustomDetectorSpec, builtInIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (builtInIds.has(spec.id)) problems.push(`id "${spec.id}" is a built-in detector; choose another id`);
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(spec.regex);
  } catch (error) {
    problems.push(`regex does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (regex) {
    const groups = spec.regex.match(/\(\?<secret>/g)?.length ?? 0;
    if (groups > 1) problems.push('regex has more than one (?<secret>…) group');
    if (regex.test('')) problems.push('regex matches the empty string');
    const hang = backtrackingProbe(regex, spec.keywords.map((k) => k.toLowerCase()));
    if (hang) problems.push(`regex backtracks catastrophically (more than ${HANG_MS} ms on ${hang}); use bounded, non-nested quantifiers`);
  }
  for (const [i, pattern] of (spec.allowlist?.regexes ?? []).entries()) {
    try {
      new RegExp(pattern);
    } catch (error) {
      problems.push(`allowlist.regexes[${i}] does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  return problems;
}

/** A regex matching the paths that none of `globs` matches. */
function outsideGlobs(globs: readonly string[]): RegExp {
  const sources = globs.map((g) => minimatch.makeRe(g, { dot: true })).filter((re): re is RegExp => re instanceof RegExp).map((re) => re.source);
  return new RegExp(`^(?!(?:${sources.join('|')}))`);
}

/** A validated spec as a catalog detector. */
export function customDetector(spec: CustomDetectorSpec): Detector {
  const allow = (spec.allowlist?.regexes ?? []).map((r) => new RegExp(r));
  const paths = spec.allowlist?.paths ?? [];
  return {
    id: spec.id,
    title: spec.title ?? spec.id,
    provider: 'Custom',
    level: spec.severity ?? 'error',
    keywords: [...new Set(spec.keywords.map((k) => k.toLowerCase()))],
    pattern: new RegExp(spec.regex),
    entropy: spec.entropy,
    validate: allow.length > 0 ? (secret) => !allow.some((re) => re.test(secret)) : undefined,
    pathPattern: paths.length > 0 ? outsideGlobs(paths) : undefined,
    samples: { positive: [], negative: [] },
  };
}
