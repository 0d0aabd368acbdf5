import type { HclError } from './ast.js';

/**
 * A single-pass HCL tokenizer over char codes. It never backtracks, so its time is linear in the
 * input, and every loop advances at least one character, so it cannot hang on any input.
 */

export type TokenType = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'newline' | 'invalid' | 'eof';

export interface Token {
  type: TokenType;
  /** 0-based offsets into the source text; `end` is exclusive. */
  start: number;
  end: number;
  line: number;
  column: number;
  /** ident/punct/invalid: the text; string/heredoc: the decoded value when it holds no template. */
  value?: string;
  /** string/heredoc: true when it contains `${…}` or `%{…}` (its value is then not a literal). */
  templated?: boolean;
}

export interface LexResult {
  tokens: Token[];
  errors: HclError[];
}

const enum C {
  Tab = 9, LF = 10, CR = 13, Space = 32, Bang = 33, Quote = 34, Hash = 35, Dollar = 36, Percent = 37,
  Amp = 38, LParen = 40, RParen = 41, Star = 42, Minus = 45, Dot = 46, Slash = 47, Zero = 48, Nine = 57,
  Colon = 58, Lt = 60, Eq = 61, Gt = 62, Upper = 65, UpperZ = 90, LBracket = 91, Backslash = 92,
  RBracket = 93, Underscore = 95, Lower = 97, LowerZ = 122, LBrace = 123, Pipe = 124, RBrace = 125,
  LowerE = 101, UpperE = 69, Plus = 43,
}

/**
 * Punctuation, keyed by char code(s) so that no substring is cut per token. Two-character
 * operators matter: `=` must not be confused with `==` or `=>` when finding attributes.
 */
const TWO_CHAR_OPS = new Map(['==', '!=', '<=', '>=', '&&', '||', '=>'].map((op) => [op.charCodeAt(0) * 65536 + op.charCodeAt(1), op]));
const ONE_CHAR_PUNCT = new Map([...'{}[]()=,:.?!<>+-*/%&|'].map((ch) => [ch.charCodeAt(0), ch]));

function isIdentStart(c: number): boolean {
  return (c >= C.Lower && c <= C.LowerZ) || (c >= C.Upper && c <= C.UpperZ) || c === C.Underscore || (c > 127 && isUnicodeLetter(c));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= C.Zero && c <= C.Nine) || c === C.Minus;
}

const LETTER = /\p{L}/u;
function isUnicodeLetter(c: number): boolean {
  return LETTER.test(String.fromCharCode(c));
}

function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}

/** A quoted string with no `\\`, `${`, `%{` or line break before its closing quote. */
const PLAIN_STRING_END = /((?:[^"\\\n$%]|[$%](?!\{))*)"/y;

const MAX_TEMPLATE_NESTING = 32;

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  readonly tokens: Token[] = [];
  readonly errors: HclError[] = [];

  constructor(private readonly src: string) {}

  run(): LexResult {
    const { src } = this;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === C.Space || c === C.Tab || c === C.CR || c === 0xfeff) this.pos++;
      else if (c === C.LF) this.newline();
      else if (c === C.Hash || (c === C.Slash && src.charCodeAt(this.pos + 1) === C.Slash)) this.skipLineComment();
      else if (c === C.Slash && src.charCodeAt(this.pos + 1) === C.Star) this.skipBlockComment();
      else if (isIdentStart(c)) this.ident();
      else if (isDigit(c)) this.number();
      else if (c === C.Quote) this.quoted();
      else if (c === C.Lt && src.charCodeAt(this.pos + 1) === C.Lt && this.heredocAhead()) this.heredoc();
      else this.punct();
    }
    this.tokens.push(this.token('eof', this.pos, this.pos));
    return { tokens: this.tokens, errors: this.errors };
  }

  private token(type: TokenType, start: number, end: number, value?: string): Token {
    // Every token has the same properties, in the same order: one hidden class for the parser.
    return { type, start, end, line: this.line, column: start - this.lineStart + 1, value, templated: false };
  }

  private newline(): void {
    // A run of blank lines reads like one line break; one token for it keeps the array short.
    if (this.tokens.length === 0 || this.tokens[this.tokens.length - 1].type !== 'newline') this.tokens.push(this.token('newline', this.pos, this.pos + 1));
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  /** Advances over one character inside a multi-line construct, keeping line numbers right. */
  private step(): void {
    if (this.src.charCodeAt(this.pos) === C.LF) {
      this.line++;
      this.lineStart = this.pos + 1;
    }
    this.pos++;
  }

  private error(line: number, column: number, message: string): void {
    this.errors.push({ line, column, message });
  }

  private skipLineComment(): void {
    const nl = this.src.indexOf('\n', this.pos);
    this.pos = nl === -1 ? this.src.length : nl;
  }

  private skipBlockComment(): void {
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    const close = this.src.indexOf('*/', this.pos + 2);
    const end = close === -1 ? this.src.length : close + 2;
    while (this.pos < end) this.step();
    if (close === -1) this.error(line, column, 'unterminated /* comment');
  }

  private ident(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.src.length && isIdentPart(this.src.charCodeAt(this.pos))) this.pos++;
    this.tokens.push(this.token('ident', start, this.pos, this.src.slice(start, this.pos)));
  }

  private number(): void {
    const { src } = this;
    const start = this.pos;
    while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    if (src.charCodeAt(this.pos) === C.Dot && isDigit(src.charCodeAt(this.pos + 1))) {
      this.pos++;
      while (isDigit(src.charCodeAt(this.pos))) this.pos++;
    }
    const e = src.charCodeAt(this.pos);
    if (e === C.LowerE || e === C.UpperE) {
      let p = this.pos + 1;
      const sign = src.charCodeAt(p);
      if (sign === C.Plus || sign === C.Minus) p++;
      if (isDigit(src.charCodeAt(p))) {
        while (isDigit(src.charCodeAt(p))) p++;
        this.pos = p;
      }
    }
    this.tokens.push(this.token('number', start, this.pos, src.slice(start, this.pos)));
  }

  private punct(): void {
    const { src } = this;
    const start = this.pos;
    const c = src.charCodeAt(start);
    const c2 = src.charCodeAt(start + 1);
    let text: string | undefined;
    if (c === C.Dot && c2 === C.Dot && src.charCodeAt(start + 2) === C.Dot) text = '...';
    else text = TWO_CHAR_OPS.get(c * 65536 + c2) ?? ONE_CHAR_PUNCT.get(c);
    if (text === undefined) {
      // One code point, so a surrogate pair is reported as one character.
      const cp = String.fromCodePoint(src.codePointAt(start) ?? 0);
      this.pos += cp.length;
      this.tokens.push(this.token('invalid', start, this.pos, cp));
      return;
    }
    this.pos += text.length;
    this.tokens.push(this.token('punct', start, this.pos, text));
  }

  /**
   * A quoted template: `"…"` with escapes, `${…}` interpolations and `%{…}` directives. A quoted
   * string may not span lines outside an interpolation; an unterminated one ends at the line end.
   */
  private quoted(): void {
    const startLine = this.line;
    const token = this.token('string', this.pos, this.pos);
    PLAIN_STRING_END.lastIndex = this.pos + 1;
    const plainEnd = PLAIN_STRING_END.exec(this.src);
    if (plainEnd) {
      // The common case: no escape, no template, closed on this line. One slice, no loop.
      token.value = plainEnd[1];
      token.templated = false;
      this.pos += plainEnd[0].length + 1;
      token.end = this.pos;
      this.tokens.push(token);
      return;
    }
    this.pos++;
    let cooked = '';
    let templated = false;
    const { src } = this;
    for (;;) {
      if (this.pos >= src.length || src.charCodeAt(this.pos) === C.LF) {
        this.error(startLine, token.column, 'unterminated string');
        break;
      }
      const c = src.charCodeAt(this.pos);
      if (c === C.Quote) {
        this.pos++;
        break;
      }
      if (c === C.Backslash) {
        cooked += this.escape();
        continue;
      }
      if ((c === C.Dollar || c === C.Percent) && src.charCodeAt(this.pos + 1) === C.LBrace) {
        templated = true;
        this.pos += 2;
        if (!this.skipInterpolation()) {
          this.error(startLine, token.column, 'unterminated template interpolation in string');
          // Lost inside the template: resume reading at the next line, not mid-string.
          const nl = src.indexOf('\n', this.pos);
          this.pos = nl === -1 ? src.length : nl;
          break;
        }
        continue;
      }
      if ((c === C.Dollar || c === C.Percent) && src.charCodeAt(this.pos + 1) === c && src.charCodeAt(this.pos + 2) === C.LBrace) {
        // `$${` and `%%{` are escapes for a literal `${` / `%{`.
        cooked += src[this.pos] + '{';
        this.pos += 3;
        continue;
      }
      cooked += src[this.pos];
      this.pos++;
    }
    token.end = this.pos;
    token.templated = templated;
    if (!templated) token.value = cooked;
    this.tokens.push(token);
  }

  private escape(): string {
    const { src } = this;
    const next = src[this.pos + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    const hexLength = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = src.slice(this.pos + 2, this.pos + 2 + hexLength);
    if (hexLength > 0 && /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength) {
      this.pos += 2 + hexLength;
      const cp = parseInt(hex, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    // An unknown escape is kept as written; HCL would reject it, we only need to read on.
    this.pos += next === '\n' || next === '' ? 1 : 2;
    return '\\' + (next === '\n' ? '' : next);
  }

  /**
   * Skips the inside of `${ … }` / `%{ … }` up to its closing brace, following nested braces and
   * nested quoted strings. Returns false when the input ends first.
   */
  private skipInterpolation(nesting = 0): boolean {
    const { src } = this;
    // Strings inside interpolations inside strings…: past a sane depth, give up rather than recurse.
    if (nesting > MAX_TEMPLATE_NESTING) return false;
    let depth = 1;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === C.Quote) {
        if (!this.skipNestedString(nesting)) return false;
        continue;
      }
      if (c === C.LBrace) depth++;
      else if (c === C.RBrace && --depth === 0) {
        this.pos++;
        return true;
      }
      this.step();
    }
    return false;
  }

  private skipNestedString(nesting: number): boolean {
    const { src } = this;
    this.pos++;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === C.LF) return false;
      if (c === C.Backslash) this.pos += 2;
      else if (c === C.Quote) {
        this.pos++;
        return true;
      } else if ((c === C.Dollar || c === C.Percent) && src.charCodeAt(this.pos + 1) === C.LBrace) {
        this.pos += 2;
        if (!this.skipInterpolation(nesting + 1)) return false;
      } else this.pos++;
    }
    return false;
  }

  private heredocAhead(): boolean {
    return /^<<-?[A-Za-z_][\w-]*[ \t]*\r?\n/.test(this.src.slice(this.pos, this.pos + 260));
  }

  /**
   * `<<MARKER` / `<<-MARKER` up to a line holding only the marker (leading blanks allowed, as in
   * HCL). `<<-` strips the common leading whitespace of the body lines.
   */
  private heredoc(): void {
    const { src } = this;
    const token = this.token('heredoc', this.pos, this.pos);
    const header = /^<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(src.slice(this.pos, this.pos + 260));
    if (!header) return this.punct();
    const indent = header[1] === '-';
    const marker = header[2];
    while (this.pos < token.start + header[0].length) this.step();
    const lines: string[] = [];
    let closed = false;
    while (this.pos < src.length) {
      const nl = src.indexOf('\n', this.pos);
      const lineEnd = nl === -1 ? src.length : nl;
      const text = src.slice(this.pos, lineEnd).replace(/\r$/, '');
      if (text.trim() === marker) {
        this.pos = lineEnd;
        closed = true;
        break;
      }
      lines.push(text);
      this.pos = lineEnd;
      if (nl !== -1) this.step();
    }
    if (!closed) this.error(token.line, token.column, `unterminated heredoc: no closing ${marker} line`);
    token.end = this.pos;
    const body = dedent(lines, indent).join('\n') + (lines.length > 0 ? '\n' : '');
    token.templated = /(^|[^$])\$\{|(^|[^%])%\{/.test(body);
    if (!token.templated) token.value = body.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    this.tokens.push(token);
  }
}

function dedent(lines: string[], indent: boolean): string[] {
  if (!indent) return lines;
  let common = Infinity;
  for (const l of lines) {
    if (l.trim() === '') continue;
    common = Math.min(common, l.length - l.trimStart().length);
  }
  return common === Infinity ? lines : lines.map((l) => l.slice(common));
}

export function tokenize(src: string): LexResult {
  return new Lexer(src).run();
}
