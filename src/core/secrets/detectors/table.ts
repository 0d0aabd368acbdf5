import type { Level } from '../../types.js';
import type { Detector } from '../detector.js';
import { isIdentifierLike } from '../identifiers.js';
import { at, ci, WORD } from './shapes.js';

/**
 * Declarative detectors: a token format is written once, as a list of parts (`lit('cfut_')`,
 * `run('base62', 40)`), and this module derives from it the regex, the entropy floor, fixed
 * samples, near-misses and a generator of random true positives for the tests. Two kinds of rows:
 *
 * - `PrefixedRow`: a format with a distinctive prefix (`cfut_`, `NRJS-`): no context needed.
 * - `KeyedRow`: a bare hex/alnum/UUID value that only the provider's name nearby identifies
 *   (`CIRCLECI_TOKEN=<40 hex>`). The name must be followed, on the same line, by a credential word
 *   (`key`, `token`, `secret`…) unless the row says otherwise, and the value must not read as an
 *   identifier (`getCircleBuildNumber`, `CIRCLE_BUILD_URL_PREFIX`).
 *
 * Adding a provider is one row; its samples are derived from the format and checked by
 * test/unit/secrets/catalog.test.ts, and test/unit/secrets/random-samples.test.ts draws fresh values
 * from the same format on every run.
 */

export const ALPHABETS = {
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lower: '0123456789abcdefghijklmnopqrstuvwxyz',
  upper: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  b64url: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-',
  b64: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/',
  digits: '0123456789',
  word: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_',
  dotted: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._',
  b64dot: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._+/',
  bbdc: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/@_-',
  hexAny: '0123456789abcdefABCDEF',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lowerDash: '0123456789abcdefghijklmnopqrstuvwxyz-',
  alnumDash: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-',
} as const;
export type Alphabet = keyof typeof ALPHABETS;

const CLASS: Record<Alphabet, string> = {
  hex: '0-9a-f',
  HEX: '0-9A-F',
  base62: '0-9A-Za-z',
  lower: '0-9a-z',
  upper: '0-9A-Z',
  b64url: '0-9A-Za-z_\\-',
  b64: '0-9A-Za-z+/',
  digits: '0-9',
  word: '0-9A-Za-z_',
  dotted: '0-9A-Za-z._',
  b64dot: '0-9A-Za-z._+/',
  bbdc: '0-9A-Za-z+/@_\\-',
  hexAny: '0-9a-fA-F',
  alpha: 'A-Za-z',
  lowerDash: '0-9a-z\\-',
  alnumDash: '0-9A-Za-z\\-',
};

export type Part =
  | { kind: 'lit'; options: string[] }
  | { kind: 'run'; alphabet: Alphabet; min: number; max: number }
  | { kind: 'uuid'; upper: boolean; v4: boolean };

/** A literal, or one of several (`lit('sk_live_', 'sk_test_')`). */
export const lit = (...options: string[]): Part => ({ kind: 'lit', options });
/** `min` (to `max`) characters of an alphabet. */
export const run = (alphabet: Alphabet, min: number, max = min): Part => ({ kind: 'run', alphabet, min, max });
/** A hex UUID (8-4-4-4-12), lower-case unless `upper`. */
export const uuid = (upper = false): Part => ({ kind: 'uuid', upper, v4: false });
/** A version-4 UUID (`…-4xxx-[89ab]xxx-…`), lower-case. */
export const uuid4 = (): Part => ({ kind: 'uuid', upper: false, v4: true });

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function partsSource(parts: readonly Part[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'lit') return p.options.length === 1 ? escape(p.options[0]) : `(?:${p.options.map(escape).join('|')})`;
      if (p.kind === 'uuid') {
        const h = p.upper ? '[0-9A-Fa-f]' : '[0-9a-f]';
        if (p.v4) return `${h}{8}-${h}{4}-4${h}{3}-[89ab]${h}{3}-${h}{12}`;
        return `${h}{8}-${h}{4}-${h}{4}-${h}{4}-${h}{12}`;
      }
      return `[${CLASS[p.alphabet]}]{${p.min}${p.max === p.min ? '' : `,${p.max}`}}`;
    })
    .join('');
}

/** A deterministic PRNG (mulberry32): the same seed always draws the same samples. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function draw(alphabet: string, n: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A random value of the format (lengths drawn within their ranges). */
export function generate(parts: readonly Part[], random: () => number): string {
  return parts
    .map((p) => {
      if (p.kind === 'lit') return p.options[Math.floor(random() * p.options.length)];
      if (p.kind === 'uuid') {
        const a = p.upper ? ALPHABETS.HEX : ALPHABETS.hex;
        const groups = [8, 4, 4, 4, 12].map((n) => draw(a, n, random));
        if (p.v4) {
          groups[2] = '4' + groups[2].slice(1);
          groups[3] = '89ab'[Math.floor(random() * 4)] + groups[3].slice(1);
        }
        return groups.join('-');
      }
      return draw(ALPHABETS[p.alphabet], p.min + Math.floor(random() * (p.max - p.min + 1)), random);
    })
    .join('');
}

/** The same format one character short (its ranges at their minimum): a near-miss every row gets for free. */
function truncated(parts: readonly Part[], random: () => number): string {
  const shortest = parts.map((p) => (p.kind === 'run' ? { ...p, max: p.min } : p));
  return generate(shortest, random).slice(0, -1);
}

/**
 * A floor that random values of the format clear with a wide margin (the random-sample tests draw
 * thousands), yet that rejects runs such as `aaaaaaaa…` or `0123abcd0123abcd…`.
 */
function defaultEntropy(parts: readonly Part[]): number {
  const body = parts.filter((p) => p.kind !== 'lit');
  const length = body.reduce((n, p) => n + (p.kind === 'uuid' ? 32 : p.kind === 'run' ? p.min : 0), 0);
  if (length < 8) return 0;
  const small = body.every((p) => p.kind === 'uuid' || (p.kind === 'run' && (p.alphabet === 'hex' || p.alphabet === 'HEX' || p.alphabet === 'hexAny' || p.alphabet === 'digits')));
  // Several standard deviations under the mean entropy of random values of that length, so the
  // random-sample tests (thousands of draws per run) never trip on an unlucky draw.
  if (small) return length < 24 ? 2.3 : 2.5;
  return length < 20 ? 2.5 : length < 28 ? 2.8 : 3.1;
}

export interface RowSamples {
  /** Realistic lines where `§` stands for the value; one positive per context. */
  contexts?: string[];
  /** Extra fixed positives (e.g. a documented shape variant). */
  positive?: Detector['samples']['positive'];
  /** Extra near-misses besides the derived ones. */
  negative?: Detector['samples']['negative'];
}

interface RowBase {
  id: string;
  provider: string;
  title: string;
  parts: Part[];
  level?: Level;
  entropy?: number;
  samples?: RowSamples;
}

export interface PrefixedRow extends RowBase {
  /** Defaults to the lower-cased first literal. */
  keywords?: string[];
  /** Characters that may not touch the token; default word characters. */
  edge?: string;
  tail?: string;
}

export interface KeyedRow extends RowBase {
  /** Provider names, matched case-insensitively; they are the keywords. */
  words: string[];
  /** A credential word must sit between the provider's name and the value (default true). */
  credential?: boolean;
  /** Words that say the value is a credential; default `key`, `token`, `secret`, `password`… */
  credentialWords?: string[];
  /** How far the value may sit after the name on the line (default 40). */
  gap?: number;
}

/** Words that say the value is a credential (`SHODAN_API_KEY`, `shodan.token`, `Authorization`). */
const CREDENTIAL_WORDS = ['key', 'token', 'secret', 'passw', 'pwd', 'auth', 'cred', 'bearer', 'sig', 'license'];

/**
 * Credential words too common in code to be worth a keyword of their own (`path`, `pattern`,
 * `private` members): a row naming one keeps a window at every hit of its provider's name instead
 * of having the keyword pass look for its credential words (`companions`). With them, the keyword
 * pass over expressjs/express's history met 792,104 hits instead of 596,419 (docs/performance.md,
 * "Companion words").
 */
const COMMON_IN_CODE = new Set(['pat', 'private']);

/** Extra data every table-built detector carries for the tests and the docs generator. */
export interface TableInfo {
  kind: 'prefixed' | 'keyed';
  parts: Part[];
  /** Lines with `§` for the value, used by the random-sample tests. */
  contexts: string[];
}
const info = new WeakMap<Detector, TableInfo>();
export const tableInfo = (d: Detector): TableInfo | undefined => info.get(d);

/** Characters that may not touch the value: word characters, plus the alphabet of the part at that end. */
function edgesOf(parts: readonly Part[]): { edge: string; tail: string } {
  const classAt = (p: Part | undefined, end: boolean): string => {
    if (!p || p.kind !== 'run') return '';
    const b64 = p.alphabet === 'b64' || p.alphabet === 'b64dot' || p.alphabet === 'bbdc';
    return CLASS[p.alphabet] + (end && b64 ? '=' : '');
  };
  return { edge: WORD + classAt(parts[0], false), tail: WORD + classAt(parts[parts.length - 1], true) };
}

/**
 * A row's detector with its samples drawn on first use: they are evidence for the tests, and
 * drawing them for ~800 rows at every start-up (in every worker thread too) cost ~60-100 ms of a
 * scan's start (docs/performance.md, "Start-up"). The draw is seeded by the row's id, so the
 * samples are the same whenever they are first read.
 */
function withSamples(fields: Omit<Detector, 'samples'>, draw: () => Detector['samples']): Detector {
  let samples: Detector['samples'] | undefined;
  return Object.defineProperty(fields, 'samples', {
    enumerable: true,
    configurable: true,
    get: () => (samples ??= draw()),
  }) as Detector;
}

export function prefixed(row: PrefixedRow): Detector {
  const first = row.parts[0];
  if (first.kind !== 'lit' && !row.keywords) throw new Error(`${row.id}: a row without a leading literal names its keywords`);
  const prefix = first.kind === 'lit' && first.options.length === 1 ? first.options[0] : undefined;
  const edges = edgesOf(row.parts);
  const edge = row.edge ?? edges.edge;
  const tail = row.tail ?? edges.tail;
  const contexts = row.samples?.contexts ?? [`${row.provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TOKEN=§`, `  token: "§"`];
  const detector = withSamples(
    {
      id: row.id,
      title: row.title,
      provider: row.provider,
      level: row.level ?? 'error',
      keywords: row.keywords ?? (first.kind === 'lit' ? [...new Set(first.options.map((o) => o.toLowerCase()))] : []),
      pattern: new RegExp(`(?<![${edge}])(?<secret>${partsSource(row.parts)})(?![${tail}])`),
      entropy: row.entropy ?? defaultEntropy(row.parts),
      redactPrefix: prefix,
    },
    () => {
      const random = prng(seedOf(row.id));
      const short = truncated(row.parts, random);
      return {
        positive: [...contexts.map((c) => at(c, generate(row.parts, random))), ...(row.samples?.positive ?? [])],
        negative: [contexts[0].replace('§', () => short), ...(row.samples?.negative ?? [])],
      };
    },
  );
  info.set(detector, { kind: 'prefixed', parts: row.parts, contexts });
  return detector;
}

export function keyed(row: KeyedRow): Detector {
  const { edge, tail } = edgesOf(row.parts);
  const gap = row.gap ?? 40;
  const credential = row.credential ?? true;
  const words = row.words.map(ci).join('|');
  const ownWords = new Set(row.words.map((w) => w.toLowerCase()));
  const credentialWords = row.credentialWords ?? CREDENTIAL_WORDS;
  const CREDENTIAL = `(?:${credentialWords.map(ci).join('|')})`;
  const body = `(?<![${edge}])(?<secret>${partsSource(row.parts)})(?![${tail}])`;
  // The name part: before the value (`SHODAN_API_KEY = "…"`, `shodan.Shodan(key='…')`), or a
  // Kubernetes/ECS env list naming it on the line before (`- name: SHODAN_KEY` / `value: …`).
  // `[^\x00]` crosses a line break: the name may sit on the line before (`aha:` then `  api_key: …`);
  // the gaps stay bounded, so the value is at most a line or two away (the engine's `near` reach).
  const sameLine = credential ? `[^\\x00]{0,${gap}}?${CREDENTIAL}[^\\n]{0,${gap}}?` : `[^\\x00]{0,${gap}}?`;
  const nextLine = credential ? `[\\w.-]{0,40}?${CREDENTIAL}[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?` : `[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?`;
  const pattern = new RegExp(`(?:${words})(?:${sameLine}|${nextLine})${body}`);
  const plain = row.words.find((w) => /^[a-z0-9_-]+$/i.test(w));
  const name = (plain ?? row.words[0]).toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/_$/, '');
  // A host-like name (`aha.io`) is written as is: `aha.io api_key = "…"`.
  const contexts = row.samples?.contexts ?? (plain ? [`${name}_API_KEY=§`, `${name.toLowerCase()}_token: "§"`] : [`${row.words[0]} api_key = "§"`, `# ${row.words[0]} token: §`]);
  const detector = withSamples(
    {
      id: row.id,
      title: row.title,
      provider: row.provider,
      level: row.level ?? 'error',
      keywords: [...new Set(row.words.map((w) => w.toLowerCase()))],
      pattern,
      entropy: row.entropy ?? defaultEntropy(row.parts),
      // A value that is the provider's own word (`words: ["myintervals"]` in a table like this one) names it, it is not a key.
      validate: (secret) => !isIdentifierLike(secret) && !ownWords.has(secret.toLowerCase()),
      contextual: true,
      // Both name parts put the credential word at most `gap` (same line) or 40 (the `name:` line)
      // characters after the provider's word the match opens with.
      companions: credential && !credentialWords.some((w) => COMMON_IN_CODE.has(w.toLowerCase())) ? { words: [...new Set(credentialWords.map((w) => w.toLowerCase()))], within: Math.max(gap, 40) } : undefined,
    },
    () => {
      const random = prng(seedOf(row.id));
      const short = truncated(row.parts, random);
      const negatives: Detector['samples']['negative'] = [];
      negatives.push(contexts[0].replace('§', () => short));
      // A value without the provider's name, and (for credential rows) the name without a credential word.
      negatives.push(`BUILD_ID=${generate(row.parts, random)}`);
      if (credential) negatives.push(`${name}_BUILD_NUMBER=${generate(row.parts, random)}`);
      return {
        positive: [...contexts.map((c) => at(c, generate(row.parts, random))), ...(row.samples?.positive ?? [])],
        negative: [...negatives, ...(row.samples?.negative ?? [])],
      };
    },
  );
  info.set(detector, { kind: 'keyed', parts: row.parts, contexts });
  return detector;
}
