/**
 * The tree the HCL block reader produces. It keeps what an identity extractor needs — block types,
 * labels, attribute names, lines, literal values — and the raw text of everything it does not
 * evaluate (references, function calls, conditionals, for-expressions, templates).
 */

/** An expression the reader does not evaluate; `raw` is its exact source text. */
export class HclExpression {
  constructor(readonly raw: string) {}
}

/** Literal values are kept as JS values; lists and maps keep their literal parts and raw leaves. */
export type HclValue = string | number | boolean | null | HclValue[] | HclObject | HclExpression;
export interface HclObject {
  [key: string]: HclValue;
}

export interface HclAttribute {
  name: string;
  /** 1-based line and column of the attribute name. */
  line: number;
  column: number;
  value: HclValue;
  /** Source text of the whole expression after `=`. */
  raw: string;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclBlock extends HclBody {
  type: string;
  labels: string[];
  /** 1-based line and column of the block type keyword. */
  line: number;
  column: number;
  /** Line of the opening `{`, the line an "unclosed block" error names. */
  openLine: number;
  /** False when the file ended (or a new top-level block began) before the closing `}`. */
  closed: boolean;
}

export interface HclError {
  line: number;
  column: number;
  message: string;
}

export interface HclFile {
  body: HclBody;
  errors: HclError[];
}

export function isExpression(value: HclValue | undefined): value is HclExpression {
  return value instanceof HclExpression;
}

export function isObject(value: HclValue | undefined): value is HclObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof HclExpression);
}

export function attribute(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((a) => a.name === name);
}

export function blocksOf(body: HclBody, type: string): HclBlock[] {
  return body.blocks.filter((b) => b.type === type);
}

/** Source text of a value: literal strings as written in HCL, expressions as their raw text. */
export function valueText(value: HclValue): string {
  if (value instanceof HclExpression) return value.raw;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
