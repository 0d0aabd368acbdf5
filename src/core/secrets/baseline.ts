import type { Finding, SaltedSuppression } from '../types.js';
import { checkScryptCost, type ScryptCost } from './fingerprint.js';

/**
 * The baseline file (docs/architecture.md, "Secrets"): accepted secrets, matched by content, not by line, so a secret that
 * moves stays suppressed and a new secret on an old line does not. Version 2 (docs/security.md):
 *
 *   { "version": 2,
 *     "kdf": { "name": "scrypt", "N": 32768, "r": 8, "p": 1, "salt": "<base64, random per file>" },
 *     "fingerprints": [ { "hash": "<hex scrypt(detector + secret)>", "rule": "secret/…", "file": "…" } ] }
 *
 * so that checking one guessed secret against the file costs a full scrypt run. `rule` and `file`
 * are there for the reviewer of the baseline diff (and `rule` limits which findings pay for a hash).
 * Version 1 files (`{ "fingerprint": "<sha256>" }` entries, an unsalted hash) are still read, so
 * existing baselines keep working; `nhi-steward baseline` rewrites them as version 2.
 */
export interface BaselineEntry {
  hash?: string;
  fingerprint?: string;
  rule: string;
  file: string;
}

export interface BaselineKdf {
  salt: string;
  cost: ScryptCost;
}

export interface BaselineFile {
  version: 2;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  fingerprints: BaselineEntry[];
}

export interface LoadedBaseline {
  /** Published fingerprints (and version 1's unsalted ones), matched as they are. */
  fingerprints: Set<string>;
  /** Salted hashes (version 2). */
  salted?: SaltedSuppression;
  /** The file's salt and cost, reused when the baseline is rewritten (small diffs). */
  kdf?: BaselineKdf;
  version: 1 | 2;
}

const HEX = /^[0-9a-f]{16,}$/i;

/** A baseline file's entries. Throws an Error naming the line and column of what is wrong. */
export function readBaseline(json: string, source = 'baseline'): LoadedBaseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`not valid JSON${positionOf(json, (error as Error).message)}: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error('expected an object { "version": 2, "kdf": {...}, "fingerprints": [...] }');
  if (parsed.version !== 1 && parsed.version !== 2) throw new Error(`unsupported version ${JSON.stringify(parsed.version)} (expected 1 or 2)`);
  const version = parsed.version;
  let kdf: BaselineKdf | undefined;
  if (version === 2) {
    const k = parsed.kdf;
    if (!isObject(k) || k.name !== 'scrypt' || typeof k.salt !== 'string' || k.salt.length < 8) {
      throw new Error('"kdf" must be { "name": "scrypt", "N": …, "r": …, "p": …, "salt": "<base64>" }');
    }
    const cost = { N: Number(k.N), r: Number(k.r), p: Number(k.p) };
    const problem = checkScryptCost(cost);
    if (problem) throw new Error(`"kdf": ${problem}`);
    kdf = { salt: k.salt, cost };
  }
  if (!Array.isArray(parsed.fingerprints)) throw new Error('"fingerprints" must be an array');
  const fingerprints = new Set<string>();
  const hashes = new Set<string>();
  const rules = new Set<string>();
  let anyRule = false;
  parsed.fingerprints.forEach((entry: unknown, index: number) => {
    const hash = version === 2 && isObject(entry) ? entry.hash : undefined;
    const fingerprint = isObject(entry) ? entry.fingerprint : version === 1 ? entry : undefined;
    if (typeof hash === 'string' && HEX.test(hash)) {
      hashes.add(hash.toLowerCase());
      if (isObject(entry) && typeof entry.rule === 'string') rules.add(entry.rule);
      else anyRule = true;
      return;
    }
    if (typeof fingerprint !== 'string' || !HEX.test(fingerprint)) {
      const shape = version === 2 ? '{ "hash": "<hex digest>", … }' : '{ "fingerprint": "<hex digest>", … }';
      throw new Error(`fingerprints[${index}]${entryLine(json, index)}: expected ${shape}`);
    }
    fingerprints.add(fingerprint.toLowerCase());
  });
  const salted = kdf && hashes.size > 0 ? { source, salt: kdf.salt, cost: kdf.cost, hashes, rules: anyRule ? new Set<string>() : rules } : undefined;
  return { fingerprints, salted, kdf, version };
}

/**
 * A baseline of these findings: one entry per secret, sorted so that diffs stay small. Secret
 * findings must carry `saltedHash` under `kdf` (scan with `settings.hashSalt`); others keep their
 * published fingerprint, which is not derived from a secret.
 */
export function writeBaseline(findings: readonly Finding[], kdf: BaselineKdf): string {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (f.rule.startsWith('secret/') && !f.saltedHash) throw new Error(`writeBaseline: ${f.rule} in ${f.file} has no salted hash (scan with settings.hashSalt)`);
    const entry: BaselineEntry = f.saltedHash ? { hash: f.saltedHash, rule: f.rule, file: f.file } : { fingerprint: f.fingerprint, rule: f.rule, file: f.file };
    const key = entry.hash ?? entry.fingerprint!;
    if (!byKey.has(key)) byKey.set(key, entry);
  }
  const fingerprints = [...byKey.values()].sort(
    (a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.hash ?? a.fingerprint ?? '', b.hash ?? b.fingerprint ?? ''),
  );
  const file: BaselineFile = { version: 2, kdf: { name: 'scrypt', ...kdf.cost, salt: kdf.salt }, fingerprints };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** " at line L column C" of the first syntax error (Node 20's messages often carry no position). */
function positionOf(json: string, message: string): string {
  const position = /position (\d+)/.exec(message);
  let offset = position ? Number(position[1]) : undefined;
  if (offset === undefined) {
    try {
      offset = syntaxErrorOffset(json);
    } catch {
      return ''; // nesting too deep to walk: the parser's message has to do
    }
  }
  const before = json.slice(0, offset);
  return ` at line ${before.split('\n').length} column ${offset - before.lastIndexOf('\n')}`;
}

/** Offset where a JSON syntax check first fails (the input is known to be invalid). */
function syntaxErrorOffset(json: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const space = () => {
    while (at < json.length && ' \t\r\n'.includes(json[at])) at++;
  };
  const literal = (pattern: RegExp) => {
    pattern.lastIndex = at;
    const m = pattern.exec(json);
    if (!m) fail();
    at += m![0].length;
  };
  const value = (): void => {
    space();
    const ch = json[at];
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return literal(/"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y);
    literal(/-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y);
  };
  const container = (close: string, keyed: boolean): void => {
    at++;
    space();
    if (json[at] === close) {
      at++;
      return;
    }
    for (;;) {
      if (keyed) {
        space();
        if (json[at] !== '"') fail();
        literal(/"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y);
        space();
        if (json[at] !== ':') fail();
        at++;
      }
      value();
      space();
      if (json[at] === close) {
        at++;
        return;
      }
      if (json[at] !== ',') fail();
      at++;
    }
  };
  try {
    value();
    space();
    return at;
  } catch (thrown) {
    if (typeof thrown === 'number') return thrown;
    throw thrown;
  }
}

/** Best-effort line of the index-th entry, for error messages on large baseline files. */
function entryLine(json: string, index: number): string {
  const start = json.indexOf('"fingerprints"');
  if (start === -1) return '';
  let at = json.indexOf('[', start) + 1;
  let depth = 0;
  let seen = -1;
  for (; at > 0 && at < json.length; at++) {
    const ch = json[at];
    if (depth === 0 && !/[\s,\]]/.test(ch)) {
      seen++;
      if (seen === index) return ` (line ${json.slice(0, at).split('\n').length})`;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    if (depth < 0) break;
  }
  return '';
}
