import type { Detector } from '../detector.js';

/**
 * Building blocks for the provider catalog. Each provider module states a token's documented
 * shape (prefix, alphabet, length) and these helpers add the parts every detector needs the same
 * way: word boundaries so a token is never taken out of a longer identifier, and case-insensitive
 * provider words for formats that have no prefix of their own.
 */

/** Default boundary alphabet: a token glued to one of these characters is part of something longer. */
export const WORD = 'A-Za-z0-9_\\-';
/** Boundary alphabet before a base64 body (`=` may precede it: `KEY=…`). */
export const BASE64 = 'A-Za-z0-9+/';
/** Boundary alphabet after a base64 body: padding would mean the body is longer. */
export const BASE64_TAIL = 'A-Za-z0-9+/=';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A literal matched case-insensitively inside an otherwise case-sensitive regex: `ci('aws')` → `[aA][wW][sS]`. */
export function ci(word: string): string {
  return [...word]
    .map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegex(ch)))
    .join('');
}

/**
 * A prefix-anchored token: `body` (a regex source that includes the literal prefix) must not touch
 * a character of `edge` on either side, e.g. `ghp_…` inside `xghp_…` or followed by more base62 is
 * not a GitHub token.
 */
export function token(body: string, edge: string = WORD, tail: string = edge): RegExp {
  return new RegExp(`(?<![${edge}])(?<secret>${body})(?![${tail}])`);
}

/**
 * A secret without a prefix of its own (32 hex chars, a UUID…): taken only when one of the provider
 * `words` precedes it on the same line within `gap` characters, or names it on the line before in
 * a `name:`/`value:` env list. Every gap is bounded and lazy, so the regex stays linear.
 */
const nearPatterns = new WeakSet<RegExp>();
/** True for patterns built by `near`: their values are known only by a provider name nearby. */
export const isNearPattern = (pattern: RegExp): boolean => nearPatterns.has(pattern);

export function near(words: string[], body: string, opts: { gap?: number; edge?: string; tail?: string; nameBoundary?: boolean; wordTail?: string } = {}): RegExp {
  const gap = opts.gap ?? 40;
  const edge = opts.edge ?? WORD;
  const tail = opts.tail ?? edge;
  // `nameBoundary`: the word starts a name part — after a non-letter, or capitalised after a lower-case
  // letter (`myOktaToken`) — never inside another word (`rookTable` holds `okTa`).
  // `wordTail`: what must follow the word (`sumo` then `logic`, a separator or a capital, not `sumOf`).
  const names = words.map((w) => (opts.nameBoundary ? `(?<![A-Za-z])${ci(w)}|(?<=[a-z])${w[0].toUpperCase()}${ci(w.slice(1))}` : ci(w))).join('|');
  const alternatives = opts.wordTail ? `(?:${names})(?=${opts.wordTail})` : names;
  // Kubernetes/ECS env lists put the name on the line before the value:
  //   - name: FASTLY_API_TOKEN
  //     value: "…"
  const nextLineValue = `[\\w.-]{0,40}["']?[ \\t]*\\s{1,40}?value:[ \\t]*["']?`;
  const pattern = new RegExp(`(?:${alternatives})(?:[^\\n]{0,${gap}}?|${nextLineValue})(?<![${edge}])(?<secret>${body})(?![${tail}])`);
  nearPatterns.add(pattern);
  return pattern;
}

/** The keywords of a `near` detector: its provider words, lower-cased. */
export function lower(words: string[]): string[] {
  return words.map((w) => w.toLowerCase());
}

/** A positive sample: `context` is a realistic line where `§` stands for the secret. */
export function at(context: string, secret: string, path?: string): Detector['samples']['positive'][number] {
  if (!context.includes('§')) throw new Error(`sample context has no § placeholder: ${context}`);
  return path === undefined ? { text: context.replace('§', () => secret), secret } : { text: context.replace('§', () => secret), secret, path };
}

/** A lower-case hex UUID (Heroku keys, Snyk tokens, Postmark server tokens…). */
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Same, either case. */
export const UUID_ANY_CASE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
