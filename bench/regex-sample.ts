/**
 * Uniform random strings matching a regular expression source (the subset secret formats use:
 * literals, escapes, classes, groups, alternation, quantifiers; anchors and `\b` match nothing).
 * For measurement only (bench/peer-coverage.ts): values are drawn uniformly from each class, as
 * real random tokens are, unlike property-test generators that favour small, repetitive strings.
 */
type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'chars'; set: string }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'empty' };

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const DIGITS = '0123456789';
const WORDCH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

function escapeSet(c: string): string {
  switch (c) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORDCH;
    case 's':
      return ' ';
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'D':
      return PRINTABLE.replace(/[0-9]/g, '');
    case 'W':
      return PRINTABLE.replace(/\w/g, '');
    case 'S':
      return PRINTABLE.replace(/ /g, '');
    default:
      return c;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string, private readonly cap: number) {}

  parseAlt(): Node {
    const options: Node[] = [this.parseSeq()];
    while (this.s[this.i] === '|') {
      this.i++;
      options.push(this.parseSeq());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  parseSeq(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      let atom = this.parseAtom();
      atom = this.parseQuant(atom);
      items.push(atom);
    }
    return { t: 'seq', items };
  }

  parseQuant(atom: Node): Node {
    const c = this.s[this.i];
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, 8];
    else if (c === '+') [min, max] = [1, 8];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.s.slice(this.i));
      if (m) {
        min = Number(m[1]);
        max = m[2] ? (m[3] ? Number(m[3]) : min + this.cap) : min;
        this.i += m[0].length - 1;
      }
    }
    if (min < 0) return atom;
    this.i++;
    if (this.s[this.i] === '?' || this.s[this.i] === '+') this.i++;
    return this.parseQuant({ t: 'rep', node: atom, min, max });
  }

  parseAtom(): Node {
    const c = this.s[this.i++];
    if (c === '(') {
      if (this.s[this.i] === '?') {
        const m = /^\?(?::|<[A-Za-z_]\w*>|P<[A-Za-z_]\w*>|[=!]|<[=!])/.exec(this.s.slice(this.i));
        if (m && /[=!]$/.test(m[0])) {
          // lookaround: consumes nothing
          this.i += m[0].length;
          this.parseAlt();
          this.i++;
          return { t: 'empty' };
        }
        this.i += m ? m[0].length : 1;
      }
      const inner = this.parseAlt();
      this.i++; // ')'
      return inner;
    }
    if (c === '[') return { t: 'chars', set: this.parseClass() };
    // An unescaped `.` in a token format is nearly always a literal dot written loosely (`hooks.slack.com`).
    if (c === '.') return { t: 'chars', set: '.' };
    if (c === '^' || c === '$') return { t: 'empty' };
    if (c === '\\') {
      const e = this.s[this.i++];
      if (e === 'b' || e === 'B' || e === 'A' || e === 'z' || e === 'Z') return { t: 'empty' };
      if (e === 'x') {
        const hex = this.s.slice(this.i, this.i + 2);
        this.i += 2;
        return { t: 'chars', set: String.fromCharCode(parseInt(hex, 16)) };
      }
      return { t: 'chars', set: escapeSet(e) };
    }
    return { t: 'chars', set: c };
  }

  parseClass(): string {
    let negate = false;
    if (this.s[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let set = '';
    let first = true;
    while (this.i < this.s.length && (this.s[this.i] !== ']' || first)) {
      first = false;
      let c = this.s[this.i++];
      if (c === '[' && this.s[this.i] === ':') {
        const end = this.s.indexOf(':]', this.i);
        const name = this.s.slice(this.i + 1, end);
        this.i = end + 2;
        set += name === 'alnum' ? WORDCH.slice(0, 62) : name === 'alpha' ? WORDCH.slice(0, 52) : name === 'digit' ? DIGITS : '';
        continue;
      }
      if (c === '\\') {
        const e = this.s[this.i++];
        if (e === 'x') {
          c = String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 2), 16));
          this.i += 2;
        } else {
          const chars = escapeSet(e);
          if (chars.length > 1) {
            set += chars;
            continue;
          }
          c = chars;
        }
      }
      if (this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        this.i++;
        let to = this.s[this.i++];
        if (to === '\\') to = escapeSet(this.s[this.i++]);
        for (let k = c.charCodeAt(0); k <= to.charCodeAt(0); k++) set += String.fromCharCode(k);
      } else set += c;
    }
    this.i++; // ']'
    const unique = [...new Set(set)].join('');
    return negate ? [...PRINTABLE].filter((ch) => !unique.includes(ch) && ch !== ' ').join('') : unique;
  }
}

export function sampleRegex(source: string, random: () => number, cap = 24): string {
  const ast = new Parser(source, cap).parseAlt();
  const pick = (n: number): number => Math.floor(random() * n);
  const gen = (node: Node): string => {
    switch (node.t) {
      case 'seq':
        return node.items.map(gen).join('');
      case 'alt':
        return gen(node.options[pick(node.options.length)]);
      case 'chars':
        return node.set.length === 0 ? '' : node.set[pick(node.set.length)];
      case 'rep': {
        const n = node.min + pick(node.max - node.min + 1);
        let out = '';
        for (let k = 0; k < n; k++) out += gen(node.node);
        return out;
      }
      default:
        return '';
    }
  };
  return gen(ast);
}
