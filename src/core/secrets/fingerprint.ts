import { createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';

/**
 * How a secret finding is named in what we publish (docs/security.md, "Fingerprints"). Nothing we
 * write may let a reader confirm a guessed secret offline, so no published value is a plain hash of
 * the secret:
 *
 * - `keyed`: HMAC-SHA256 under a key that never leaves the operator (the App's key, the Action's
 *   `fingerprint-key` input, the CLI's `NHI_STEWARD_FINGERPRINT_KEY`). Stable when the secret
 *   moves; without the key a guess cannot be checked.
 * - `location`: when there is no key, a hash of rule + file + the finding's line with every secret
 *   on it cut out (plus an occurrence number). It says nothing about the value; it changes when the
 *   secret moves to another file or its line is edited.
 *
 * The committed baseline and `.nhi-stewardignore` instead hold salted scrypt hashes
 * (`saltedSecretHash`): they must match the same secret wherever it moves, with no key to share.
 */
export type FingerprintMode = { kind: 'keyed'; key: string } | { kind: 'location' };

/**
 * The key used when the caller names none: random per process, so in-process callers (tests, the
 * library) get stable, unguessable fingerprints. Worker threads receive the settings (and so this
 * key) from the main thread. The CLI, Action and App always set their own mode.
 */
export const EPHEMERAL_KEY = randomBytes(32).toString('hex');

/** HMAC-SHA256 of detector id + secret value under `key`. */
export function keyedFingerprint(key: string, detectorId: string, secret: string): string {
  // A history scan meets the same secret in every version of its file (30,000 findings named, a few
  // hundred distinct on this repository): each HMAC is computed once, and the cache stays bounded.
  const cached = keyedCache.get(key, detectorId, secret);
  if (cached !== undefined) return cached;
  const digest = createHmac('sha256', key).update('nhi-steward/secret/v2\0').update(detectorId).update('\0').update(secret).digest('hex');
  const size = key.length + detectorId.length + secret.length + 2;
  if (size <= KEYED_CACHE_CHARS / 64) keyedCache.set(key, detectorId, secret, digest, size); // a private key block: not worth the memory
  return digest;
}

/**
 * A copy of `text` that does not keep the string it was cut from alive. V8 represents a substring
 * of 13 or more characters as a slice pointing into its parent; a concatenation, once flattened
 * (which `slice` does first), is a fresh string, so slicing it again keeps only that copy.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/**
 * A memo looked up by three strings, nested (no joined key is built and hashed per lookup), of at
 * most `maxEntries` entries and `maxChars` characters: once full, it starts again empty. The first
 * and last keys are kept as own copies (`detached`: a value or a line cut from a file would keep
 * the whole file alive); the middle one is a short name (a detector id, a rule).
 */
class NestedMemo<V> {
  private readonly map = new Map<string, Map<string, Map<string, V>>>();
  private entries = 0;
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(a: string, b: string, c: string): V | undefined {
    return this.map.get(a)?.get(b)?.get(c);
  }

  /** Remembers `value`, counting `size` characters against the bound. */
  set(a: string, b: string, c: string, value: V, size: number): void {
    if (this.entries >= this.maxEntries || this.chars + size > this.maxChars) {
      this.map.clear();
      this.entries = this.chars = 0;
    }
    let byB = this.map.get(a);
    if (byB === undefined) this.map.set(detached(a), (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    byC.set(detached(c), value);
    this.count(size);
  }

  /** Counts one more entry of `size` characters, for a value grown in place. */
  count(size: number): void {
    this.entries++;
    this.chars += size;
  }
}

/** Keyed fingerprints computed lately (key, detector and secret → digest): at most this many, of this many characters. */
const KEYED_CACHE_ENTRIES = 8192;
const KEYED_CACHE_CHARS = 1 << 20;
const keyedCache = new NestedMemo<string>(KEYED_CACHE_ENTRIES, KEYED_CACHE_CHARS);

/** Hash of rule, file, the finding's line with its secrets cut out, and the occurrence number. */
export function locationFingerprint(rule: string, file: string, context: string, occurrence: number): string {
  // History: the same line of the same file in many versions (133,000 findings named on this
  // repository's history, 2,800 distinct; bounded like the keyed cache). Looked up by file, rule,
  // context, then occurrence: a context string made once per line hashes once.
  const byOccurrence = locationCache.get(file, rule, context);
  const cached = byOccurrence?.[occurrence];
  if (cached !== undefined) return cached;
  const digest = createHash('sha256').update(`nhi-steward/location/v1\0${rule}\0${file}\0${context}\0${occurrence}`).digest('hex');
  const size = rule.length + file.length + context.length + 32;
  if (size > KEYED_CACHE_CHARS / 64 || occurrence > 64) return digest;
  if (byOccurrence === undefined) {
    const made: string[] = [];
    made[occurrence] = digest;
    locationCache.set(file, rule, context, made, size);
  } else {
    byOccurrence[occurrence] = digest;
    locationCache.count(size);
  }
  return digest;
}

/** `locationFingerprint`'s memo: file → rule → context → digest by occurrence. */
const locationCache = new NestedMemo<string[]>(KEYED_CACHE_ENTRIES, KEYED_CACHE_CHARS);

/**
 * The fingerprint nhi-steward published before keyed fingerprints (sha256 of detector + secret).
 * Computed only to recognise old baselines and issue markers; never written anywhere.
 */
export function legacyFingerprint(detectorId: string, secret: string): string {
  return createHash('sha256').update(detectorId).update('\0').update(secret).digest('hex');
}

/** Derives a fingerprint key from secret material (the App's private key, a configured secret). */
export function deriveFingerprintKey(material: string): string {
  return createHmac('sha256', 'nhi-steward fingerprint key v1').update(material.trim()).digest('hex');
}

/** scrypt cost of baseline and ignore-file hashes: N=2^15, r=8 (32 MiB), p=1. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * ~100 ms and 32 MiB per guess on a 2024 laptop core (docs/security.md has the measurements): an
 * attacker pays that for every guess against every baseline entry, since each file has its own salt.
 */
export const DEFAULT_SCRYPT: ScryptCost = { N: 1 << 15, r: 8, p: 1 };
/** Upper bounds accepted from a file, so a hostile baseline cannot make a scan allocate gigabytes. */
const MAX_N = 1 << 17;
const MAX_R = 16;
const MAX_P = 4;

export function checkScryptCost(cost: ScryptCost): string | undefined {
  const { N, r, p } = cost;
  if (!Number.isInteger(N) || N < 1024 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two between 1024 and ${MAX_N}`;
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) return `r must be an integer from 1 to ${MAX_R}`;
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) return `p must be an integer from 1 to ${MAX_P}`;
  return undefined;
}

export function newSalt(): string {
  return randomBytes(16).toString('base64');
}

/** A salted, memory-hard hash of detector id + secret value, as the baseline and ignore file store it. */
export function saltedSecretHash(salt: string, cost: ScryptCost, detectorId: string, secret: string): string {
  const cached = cache.get(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret}`);
  if (cached) return cached;
  const hash = scryptSync(`${detectorId}\0${secret}`, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }).toString('hex');
  if (cache.size >= 4096) cache.clear();
  cache.set(`${salt}\0${cost.N}\0${cost.r}\0${cost.p}\0${detectorId}\0${secret}`, hash);
  return hash;
}

/** One scan meets the same secret many times (tests, copies): hash each once per process. */
const cache = new Map<string, string>();
