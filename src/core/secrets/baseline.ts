import type { Finding } from '../types.js';

/**
 * The baseline file (docs/architecture.md, "Secrets"): accepted findings keyed by content fingerprint, not by line, so a
 * secret that moves stays suppressed and a new secret on an old line does not.
 *
 *   { "version": 1, "fingerprints": [ { "fingerprint": "…", "rule": "secret/…", "file": "…" } ] }
 *
 * `rule` and `file` are there for the reviewer of the baseline diff; only `fingerprint` matches.
 */
export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
}

export interface BaselineFile {
  version: 1;
  fingerprints: BaselineEntry[];
}

/** Fingerprints of a baseline file. Throws an Error naming the line and column of what is wrong. */
export function readBaseline(json: string): Set<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`not valid JSON${positionOf(json, (error as Error).message)}: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new Error('expected an object { "version": 1, "fingerprints": [...] }');
  if (parsed.version !== 1) throw new Error(`unsupported version ${JSON.stringify(parsed.version)} (expected 1)`);
  if (!Array.isArray(parsed.fingerprints)) throw new Error('"fingerprints" must be an array');
  const fingerprints = new Set<string>();
  parsed.fingerprints.forEach((entry: unknown, index: number) => {
    const fingerprint = isObject(entry) ? entry.fingerprint : entry;
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{16,}$/i.test(fingerprint)) {
      throw new Error(`fingerprints[${index}]${entryLine(json, index)}: expected { "fingerprint": "<hex digest>", … }`);
    }
    fingerprints.add(fingerprint.toLowerCase());
  });
  return fingerprints;
}

/** A baseline of these findings: one entry per fingerprint, sorted so that diffs stay small. */
export function writeBaseline(findings: readonly Finding[]): string {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (!byFingerprint.has(f.fingerprint)) byFingerprint.set(f.fingerprint, { fingerprint: f.fingerprint, rule: f.rule, file: f.file });
  }
  const fingerprints = [...byFingerprint.values()].sort(
    (a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.fingerprint, b.fingerprint),
  );
  const file: BaselineFile = { version: 1, fingerprints };
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
