import { LineIndex } from '../yaml/lines.js';
import { parseJson } from '../yaml/json-outline.js';
import { HclExpression } from './ast.js';
import type { HclAttribute, HclBlock, HclBody, HclFile, HclValue } from './ast.js';

/**
 * Terraform's JSON syntax (`*.tf.json`) read into the same tree the HCL reader builds, so the
 * terraform extractor needs no second code path:
 *   {"resource": {"aws_iam_user": {"ci": {...}}}}  →  resource "aws_iam_user" "ci" {...}
 * Any level may also be a list of such objects, as Terraform allows.
 *
 * JSON has no schema-free way to tell a nested block from a map attribute, so an object (or list
 * of objects) inside a body is kept as both: an attribute and blocks of that type. The extractor
 * asks for attributes or blocks by name, so the extra view is harmless.
 *
 * Strings are templates: `"${aws_iam_user.ci.name}"` becomes the expression `aws_iam_user.ci.name`,
 * other strings with `${` keep their quoted text as an expression, plain strings stay literals.
 */

/** Top-level block types and how many labels each has. */
const LABELS: Record<string, number> = { resource: 2, data: 2, module: 1, variable: 1, output: 1, provider: 1, locals: 0, terraform: 0 };

export function parseTerraformJson(text: string): HclFile {
  const index = new LineIndex(text);
  const parsed = parseJson('', text, index);
  if (parsed.error) return { body: { attributes: [], blocks: [] }, errors: [{ line: parsed.error.line, column: parsed.error.column, message: parsed.error.message }] };
  if (!isPlainObject(parsed.value)) return { body: { attributes: [], blocks: [] }, errors: [{ line: 1, column: 1, message: 'the top level must be an object' }] };
  const keys = keyOffsets(text);
  const at = (path: readonly (string | number)[], fallback: number) => keys.get(pathKey(path)) ?? fallback;
  const blocks: HclBlock[] = [];
  for (const [type, value] of Object.entries(parsed.value)) {
    const labels = Object.hasOwn(LABELS, type) ? LABELS[type] : undefined;
    if (labels === undefined) continue;
    collect(value, [type], labels, [], (path, labelValues, body) => {
      const offset = at(lastKeyPath(path), 0);
      blocks.push(block(type, labelValues, body, path, offset, index, at));
    });
  }
  return { body: { attributes: [], blocks }, errors: [] };
}

/** Walks `labels` levels of objects (each level may be a list of objects) down to block bodies. */
function collect(
  value: unknown,
  path: (string | number)[],
  labels: number,
  labelValues: string[],
  emit: (path: (string | number)[], labelValues: string[], body: Record<string, unknown>) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, [...path, i], labels, labelValues, emit));
    return;
  }
  if (!isPlainObject(value)) return;
  if (labels === 0) {
    emit(path, labelValues, value);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key === '//') continue;
    collect(inner, [...path, key], labels - 1, [...labelValues, key], emit);
  }
}

/** A block's line is its last label's key (`"ci":`); for a list of bodies, still that key. */
function lastKeyPath(path: (string | number)[]): (string | number)[] {
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === 'number') end--;
  return path.slice(0, end);
}

function block(
  type: string,
  labels: string[],
  body: Record<string, unknown>,
  path: (string | number)[],
  offset: number,
  index: LineIndex,
  at: (path: readonly (string | number)[], fallback: number) => number,
): HclBlock {
  const line = index.line(offset);
  const column = index.column(offset);
  return { type, labels, line, column, openLine: line, closed: true, ...bodyOf(body, path, offset, index, at) };
}

function bodyOf(
  body: Record<string, unknown>,
  path: (string | number)[],
  fallback: number,
  index: LineIndex,
  at: (path: readonly (string | number)[], fallback: number) => number,
): HclBody {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === '//') continue;
    const offset = at([...path, name], fallback);
    attributes.push({ name, line: index.line(offset), column: index.column(offset), value: toValue(value), raw: rawOf(value) });
    const nested = Array.isArray(value) ? value.map((v, i) => [v, i] as const) : [[value, -1] as const];
    for (const [item, i] of nested) {
      if (!isPlainObject(item)) continue;
      const itemPath = i === -1 ? [...path, name] : [...path, name, i];
      // List items have no key of their own: they take the line of the key holding the list.
      const itemOffset = offset;
      const line = index.line(itemOffset);
      blocks.push({ type: name, labels: [], line, column: index.column(itemOffset), openLine: line, closed: true, ...bodyOf(item, itemPath, itemOffset, index, at) });
    }
  }
  return { attributes, blocks };
}

const WHOLE_INTERPOLATION = /^\$\{([^{}]*)\}$/;

function toValue(value: unknown): HclValue {
  if (typeof value === 'string') {
    const whole = WHOLE_INTERPOLATION.exec(value);
    if (whole) return new HclExpression(whole[1].trim());
    return value.includes('${') ? new HclExpression(JSON.stringify(value)) : value;
  }
  if (Array.isArray(value)) return value.map(toValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, toValue(v)]));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}

/** The expression as HCL would spell it: references bare, literals quoted. */
function rawOf(value: unknown): string {
  if (typeof value === 'string') {
    const whole = WHOLE_INTERPOLATION.exec(value);
    return whole ? whole[1].trim() : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(rawOf).join(', ')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${rawOf(v)}`).join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathKey(path: readonly (string | number)[]): string {
  return path.map(String).join('\u0000');
}

/**
 * Offset of every object key, by its path from the root (list items by index). One linear pass;
 * only called on text JSON.parse accepted, so it needs no error handling.
 */
function keyOffsets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  /** Path of the container we are in; for objects the last segment is the current key. */
  const path: (string | number)[] = [];
  const frames: Array<{ array: boolean; expectKey: boolean; index: number }> = [];
  let pendingKey: { key: string; offset: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const frame = frames[frames.length - 1];
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (frame && !frame.array && frame.expectKey) pendingKey = { key: JSON.parse(text.slice(start, i + 1)) as string, offset: start };
    } else if (ch === ':') {
      if (frame && !frame.array && pendingKey) {
        path[frames.length - 1] = pendingKey.key;
        path.length = frames.length;
        out.set(pathKey(path), pendingKey.offset);
        frame.expectKey = false;
        pendingKey = undefined;
      }
    } else if (ch === '{' || ch === '[') {
      if (frame?.array) {
        path[frames.length - 1] = frame.index;
        path.length = frames.length;
      }
      frames.push({ array: ch === '[', expectKey: ch === '{', index: 0 });
    } else if (ch === '}' || ch === ']') {
      frames.pop();
      path.length = frames.length;
    } else if (ch === ',') {
      if (frame?.array) frame.index++;
      else if (frame) frame.expectKey = true;
    }
  }
  return out;
}
