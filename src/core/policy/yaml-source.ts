/**
 * YAML documents with positions, for the owners file and the config file: parse errors, ajv
 * schema errors and our own checks all end up as `{ line, column, message }` pointing at the
 * offending key or value, so a person can jump straight to it.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Document, LineCounter, Node, Pair } from 'yaml';

export interface Problem {
  line: number;
  column: number;
  message: string;
  /** Where in the document, when known (schema and hand-written checks). */
  path?: YamlPath;
}

export interface YamlSource {
  doc: Document.Parsed;
  lines: LineCounter;
  /** Plain JS value of the document; undefined when it has syntax errors. */
  value: unknown;
  /** Syntax errors (the YAML could not be read). */
  errors: Problem[];
}

/** A path into the document: map keys and sequence indexes. */
export type YamlPath = (string | number)[];

const ALIAS_LIMIT = 100;

let yamlModule: typeof import('yaml') | undefined;

/**
 * The `yaml` package, loaded on the first document (~40 ms of CPU): a scan of a folder with no
 * config or owners file never needs it (docs/performance.md, "Start-up"). Loaded as ajv is, below.
 */
function yaml(): typeof import('yaml') {
  yamlModule ??= (
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('yaml')
      : createRequire(import.meta.url)('yaml')
  ) as typeof import('yaml');
  return yamlModule;
}

export function readYaml(content: string): YamlSource {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const errors = doc.errors.map((error) => {
    const [line, column] = error.linePos ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
    return { line, column, message: yamlMessage(error.code, error.message) };
  });
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: ALIAS_LIMIT });
    } catch (error) {
      errors.push({ line: 1, column: 1, message: `cannot read the YAML: ${(error as Error).message}` });
    }
  }
  return { doc, lines, value, errors };
}

/** The commonest owners-file mistake gets a fix, not just a parser message. */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'BAD_SCALAR_START' && /@/.test(message)) return `${first}: quote values that start with @, e.g. owner: "@acme/payments"`;
  return `invalid YAML: ${first}`;
}

/** Position (1-based) of the node at `path`: its key when `at` is 'key', else its value. */
export function positionOf(source: YamlSource, path: YamlPath, at: 'key' | 'value' = 'value'): { line: number; column: number } {
  const { isMap, isPair, isScalar } = yaml();
  let node: unknown = source.doc.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    pair = undefined;
    if (isMap(node)) {
      pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      node = pair?.value;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      node = (node as { items: unknown[] }).items[Number(segment)];
    } else {
      break;
    }
    if (node === undefined || node === null) break;
  }
  const target = at === 'key' && pair && isScalar(pair.key) ? (pair.key as Node) : (node as Node | undefined) ?? (pair?.key as Node | undefined);
  const offset = target?.range?.[0] ?? rangeStart(source.doc.contents) ?? 0;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** Levenshtein distance, for did-you-mean on misspelt keys. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest known word when it is close enough to be a typo (at most a third of it differs). */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { word: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.word.length / 3)) ? best.word : undefined;
}

export function unknownKeyMessage(key: string, known: readonly string[], where: string): string {
  const suggestion = didYouMean(key, known);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : `; known keys: ${known.join(', ')}`;
  return `unknown key "${key}" in ${where}${hint}`;
}

/** Keywords whose ajv messages we translate; the rest (patterns, if/then) get hand-written checks. */
const STRUCTURAL = new Set(['type', 'additionalProperties', 'required', 'enum', 'minimum', 'minLength']);

/**
 * Structural problems (wrong types, unknown keys, missing keys, enums) from the JSON Schema.
 * `describe` names a path for messages ("entry 3", "detectors").
 */
export function schemaProblems(source: YamlSource, validate: ValidateFunction, describe: (path: YamlPath) => string): Problem[] {
  if (validate(source.value)) return [];
  const problems: Problem[] = [];
  for (const error of validate.errors ?? []) {
    if (!STRUCTURAL.has(error.keyword) || /\/(anyOf|then|if)\//.test(error.schemaPath)) continue;
    const problem = schemaProblem(source, error, describe);
    if (!problem) continue;
    // An unknown key belongs to the key itself, not to its parent mapping.
    const path = instancePath(error);
    if (error.keyword === 'additionalProperties') path.push(String((error.params as { additionalProperty: string }).additionalProperty));
    problems.push({ ...problem, path });
  }
  return problems;
}

function schemaProblem(source: YamlSource, error: ErrorObject, describe: (path: YamlPath) => string): Problem | undefined {
  const path = instancePath(error);
  const where = describe(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      return { ...positionOf(source, [...path, key], 'key'), message: unknownKeyMessage(key, known, describe(path)) };
    }
    case 'required':
      return { ...positionOf(source, path, 'value'), message: `${where} is missing "${String(params.missingProperty)}"` };
    case 'type': {
      const expected = ([] as unknown[]).concat(params.type).map((t) => (t === 'array' ? 'a list' : t === 'object' ? 'a mapping' : `a ${String(t)}`));
      return { ...positionOf(source, path, 'value'), message: `${where} must be ${expected.join(' or ')}, not ${kindOf(error.data)}` };
    }
    case 'enum':
      return { ...positionOf(source, path, 'value'), message: `${where} must be one of ${(params.allowedValues as unknown[]).join(', ')}, not "${String(error.data)}"` };
    case 'minimum':
      return { ...positionOf(source, path, 'value'), message: `${where} must be at least ${String(params.limit)}` };
    case 'minLength':
      return { ...positionOf(source, path, 'value'), message: `${where} must not be empty` };
  }
  return undefined;
}

function instancePath(error: ErrorObject): YamlPath {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

export type { Document };
