import { HclExpression } from './ast.js';
import type { HclAttribute, HclBlock, HclBody, HclError, HclFile, HclObject, HclValue } from './ast.js';
import { quoteSourceText } from '../../secrets/redact.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';

/**
 * A tolerant HCL block reader. It reads blocks (`type "label" … { … }`) and attributes
 * (`name = expr`), keeps literal values and the raw text of everything else, and on bad input
 * records an error and reads on: a line it cannot read is skipped, a block left open is closed at
 * the end of the file or at the next top-level block keyword in column 1 (where `terraform fmt`
 * puts them), so one missing brace does not swallow the rest of the file.
 */

/** Nesting beyond this is reported, not followed (guards the call stack against `[[[[…`). */
const MAX_DEPTH = 64;
/** After this many errors the file is junk; stop reading it. */
const MAX_ERRORS = 20;
/** Block types that only ever appear at the top level of a Terraform file. */
const TOP_LEVEL_KEYWORDS = new Set(['resource', 'data', 'module', 'variable', 'output', 'locals', 'provider', 'terraform', 'moved', 'import', 'check', 'removed']);

type EndReason = 'close' | 'eof' | 'interrupt' | 'abort';

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

class Parser {
  private i = 0;
  readonly errors: HclError[];

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
    lexErrors: HclError[],
  ) {
    this.errors = lexErrors.slice(0, MAX_ERRORS);
  }

  parseFile(): HclFile {
    const body: HclBody = { attributes: [], blocks: [] };
    let reason: EndReason;
    do reason = this.parseBody(body, 0);
    while (reason === 'close' && this.recoverStrayClose());
    this.errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { body, errors: this.errors };
  }

  /** A `}` at the top level has no block to close: report it and read on. */
  private recoverStrayClose(): boolean {
    const t = this.tokens[this.i];
    this.error(t, "unexpected '}' with no open block");
    this.i++;
    return !this.aborted();
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private aborted(): boolean {
    return this.errors.length >= MAX_ERRORS;
  }

  private error(t: Token, message: string): void {
    if (this.errors.length === MAX_ERRORS - 1) {
      this.errors.push({ line: t.line, column: t.column, message: `too many errors; stopped reading at ${message}` });
    } else if (this.errors.length < MAX_ERRORS) {
      this.errors.push({ line: t.line, column: t.column, message });
    }
  }

  /** Reads attributes and blocks until `}` (left for the caller), the end, or an interruption. */
  private parseBody(body: HclBody, depth: number): EndReason {
    for (;;) {
      if (this.aborted()) return 'abort';
      const t = this.peek();
      if (t.type === 'newline') {
        this.i++;
        continue;
      }
      if (t.type === 'eof') return 'eof';
      if (t.type === 'punct' && t.value === '}') return 'close';
      if (t.type !== 'ident') {
        this.error(t, `expected an attribute or block, found ${describe(t)}`);
        this.skipLine();
        continue;
      }
      const next = this.peek(1);
      if (next.type === 'punct' && next.value === '=') {
        body.attributes.push(this.parseAttribute());
        continue;
      }
      if (depth > 0 && t.column === 1 && TOP_LEVEL_KEYWORDS.has(t.value ?? '')) return 'interrupt';
      const reason = this.parseBlock(body, depth);
      if (reason !== 'close') return reason;
    }
  }

  private parseAttribute(): HclAttribute {
    const name = this.tokens[this.i];
    this.i += 2;
    const start = this.i;
    const end = this.expressionEnd();
    this.i = end;
    const value = start < end ? this.value(start, end) : new HclExpression('');
    if (start === end) this.error(name, `attribute ${quoteSourceText(name.value ?? '')} has no value`);
    const raw = start < end ? this.src.slice(this.tokens[start].start, this.tokens[end - 1].end) : '';
    return { name: name.value ?? '', line: name.line, column: name.column, value, raw };
  }

  /**
   * The index just past an expression: the first newline (or `}` closing the enclosing block, as
   * in `content { a = 1 }`) outside brackets. Mismatched closers are tolerated.
   */
  private expressionEnd(): number {
    const stack: string[] = [];
    let j = this.i;
    for (;; j++) {
      const t = this.tokens[j];
      if (t.type === 'eof') return j;
      if (t.type === 'newline' && stack.length === 0) return j;
      if (t.type !== 'punct') continue;
      const v = t.value as string;
      if (OPENERS[v]) {
        if (stack.length >= MAX_DEPTH) {
          this.error(t, 'expression nested too deeply');
          return this.lineEnd(j);
        }
        stack.push(OPENERS[v]);
      } else if (v === '}' || v === ']' || v === ')') {
        if (stack.length === 0) {
          if (v === '}') return j;
          continue;
        }
        stack.pop();
      }
    }
  }

  private lineEnd(j: number): number {
    while (this.tokens[j].type !== 'newline' && this.tokens[j].type !== 'eof') j++;
    return j;
  }

  /** `type label… {` body `}`. Returns 'close' when the block was closed normally. */
  private parseBlock(parent: HclBody, depth: number): EndReason {
    const head = this.tokens[this.i++];
    const labels: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'string' && !t.templated) labels.push(t.value ?? '');
      else if (t.type === 'ident') labels.push(t.value ?? '');
      else break;
      this.i++;
    }
    const open = this.peek();
    if (!(open.type === 'punct' && open.value === '{')) {
      this.error(open, `expected '{' after ${quoteSourceText(head.value ?? '')}${labels.map((l) => ` "${quoteSourceText(l)}"`).join('')}, found ${describe(open)}`);
      this.skipLine();
      return 'close';
    }
    if (depth + 1 > MAX_DEPTH) {
      this.error(open, 'blocks nested too deeply');
      return 'abort';
    }
    this.i++;
    const block: HclBlock = { type: head.value ?? '', labels, line: head.line, column: head.column, openLine: open.line, closed: false, attributes: [], blocks: [] };
    parent.blocks.push(block);
    const reason = this.parseBody(block, depth + 1);
    if (reason === 'close') {
      this.i++;
      block.closed = true;
      return 'close';
    }
    if (reason !== 'abort') this.error(open, `unclosed block ${describeBlock(block)}: no '}' for the '{' on line ${open.line}`);
    // An interruption ends every open block up to the top level, where reading resumes.
    return reason === 'interrupt' && depth === 0 ? 'close' : reason;
  }

  /**
   * Skips to the end of the line, stepping over bracketed groups; stops before a newline, the end
   * or a `}` closing the enclosing block, which the body loop then consumes (so it always advances).
   */
  private skipLine(): void {
    this.i = this.expressionEnd();
  }

  // ---------------------------------------------------------------------------------------------
  // Values: literals, lists and maps of them; everything else stays raw text.
  // ---------------------------------------------------------------------------------------------

  private raw(start: number, end: number): HclExpression {
    return new HclExpression(this.src.slice(this.tokens[start].start, this.tokens[end - 1].end));
  }

  private value(start: number, end: number): HclValue {
    while (start < end && this.tokens[start].type === 'newline') start++;
    while (end > start && this.tokens[end - 1].type === 'newline') end--;
    if (start >= end) return new HclExpression('');
    const first = this.tokens[start];
    if (end - start === 1) return this.single(first);
    if (end - start === 2 && first.value === '-' && this.tokens[start + 1].type === 'number') return -Number(this.tokens[start + 1].value);
    const isFor = this.tokens[start + 1].type === 'ident' && this.tokens[start + 1].value === 'for';
    if (first.type === 'punct' && (first.value === '[' || first.value === '{') && !isFor && this.matching(start) === end - 1) {
      return first.value === '[' ? this.list(start + 1, end - 1) : this.object(start + 1, end - 1);
    }
    return this.raw(start, end);
  }

  private single(t: Token): HclValue {
    if ((t.type === 'string' || t.type === 'heredoc') && !t.templated) return t.value ?? '';
    if (t.type === 'number') return Number(t.value);
    if (t.type === 'ident' && t.value === 'true') return true;
    if (t.type === 'ident' && t.value === 'false') return false;
    if (t.type === 'ident' && t.value === 'null') return null;
    return new HclExpression(this.src.slice(t.start, t.end));
  }

  /** Index of the bracket closing the one at `start`, or -1. */
  private matching(start: number): number {
    let depth = 0;
    for (let j = start; j < this.tokens.length; j++) {
      const t = this.tokens[j];
      if (t.type === 'eof') return -1;
      if (t.type !== 'punct') continue;
      if (OPENERS[t.value as string]) depth++;
      else if (t.value === '}' || t.value === ']' || t.value === ')') {
        if (--depth === 0) return j;
      }
    }
    return -1;
  }

  /** Splits [start, end) at commas (and, for maps, newlines) outside nested brackets. */
  private items(start: number, end: number, newlineSeparates: boolean): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let depth = 0;
    let itemStart = start;
    for (let j = start; j < end; j++) {
      const t = this.tokens[j];
      if (t.type === 'punct') {
        if (OPENERS[t.value as string]) depth++;
        else if (t.value === '}' || t.value === ']' || t.value === ')') depth--;
      }
      const separates = depth === 0 && ((t.type === 'punct' && t.value === ',') || (newlineSeparates && t.type === 'newline'));
      if (separates) {
        out.push([itemStart, j]);
        itemStart = j + 1;
      }
    }
    out.push([itemStart, end]);
    return out.filter(([s, e]) => this.tokens.slice(s, e).some((t) => t.type !== 'newline'));
  }

  private list(start: number, end: number): HclValue[] {
    return this.items(start, end, false).map(([s, e]) => this.value(s, e));
  }

  private object(start: number, end: number): HclObject | HclExpression {
    const out: HclObject = Object.create(null) as HclObject;
    for (const [s0, e] of this.items(start, end, true)) {
      let s = s0;
      while (this.tokens[s].type === 'newline') s++;
      const key = this.tokens[s];
      const sep = this.tokens[s + 1];
      if (!(sep && sep.type === 'punct' && (sep.value === '=' || sep.value === ':'))) return this.raw(start - 1, end + 1);
      const name = key.type === 'ident' ? key.value : key.type === 'string' && !key.templated ? key.value : undefined;
      if (name === undefined) return this.raw(start - 1, end + 1);
      out[name] = this.value(s + 2, e);
    }
    return out;
  }
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of file';
  if (t.type === 'newline') return 'end of line';
  if (t.type === 'string' || t.type === 'heredoc') return `a ${t.type}`;
  if (t.type === 'invalid') return `invalid character ${JSON.stringify(t.value)}`;
  if (t.type === 'punct') return `'${t.value}'`;
  // Names and numbers can be a secret pasted in the wrong place: quote them only when they read as names.
  return `'${quoteSourceText(t.value ?? '')}'`;
}

function describeBlock(b: HclBlock): string {
  return [quoteSourceText(b.type), ...b.labels.map((l) => `"${quoteSourceText(l)}"`)].join(' ');
}

/** Reads an HCL file into blocks and attributes; never throws on bad input. */
export function parseHcl(src: string): HclFile {
  const { tokens, errors } = tokenize(src);
  return new Parser(src, tokens, errors).parseFile();
}

/** Reads one expression (e.g. the argument of `jsonencode(…)`) into a value. */
export function parseHclExpression(text: string): HclValue | undefined {
  return parseHcl(`v = ${text}\n`).body.attributes[0]?.value;
}
