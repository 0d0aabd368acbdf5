/**
 * Unified diffs as GitHub's `pulls/{n}/files` `patch` field shows them: hunks only (no `---`/`+++`
 * header), 3 lines of context, and `\ No newline at end of file` markers. Line diff by Myers'
 * O(ND) algorithm.
 */

type Op = { kind: ' ' | '-' | '+'; text: string; noEol: boolean };

interface Lines {
  lines: string[];
  /** True when the text does not end with a newline (the last line carries the marker). */
  noEol: boolean;
}

function splitLines(text: string): Lines {
  if (text === '') return { lines: [], noEol: false };
  const noEol = !text.endsWith('\n');
  const lines = (noEol ? text : text.slice(0, -1)).split('\n');
  return { lines, noEol };
}

/** Myers' greedy shortest edit script; returns the ops in order. */
function myers(a: string[], b: string[]): Array<{ kind: ' ' | '-' | '+'; ai: number; bi: number }> {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  const off = max + 1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Backtrack through the saved frontiers.
  const ops: Array<{ kind: ' ' | '-' | '+'; ai: number; bi: number }> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: ' ', ai: --x, bi: --y });
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', ai: x, bi: --y });
    else ops.push({ kind: '-', ai: --x, bi: y });
  }
  while (x > 0 && y > 0) ops.push({ kind: ' ', ai: --x, bi: --y });
  return ops.reverse();
}

export interface PatchStats {
  patch: string;
  additions: number;
  deletions: number;
}

export function unifiedPatch(before: string, after: string, context = 3): PatchStats {
  const A = splitLines(before);
  const B = splitLines(after);
  const script = myers(A.lines, B.lines);
  const ops: Op[] = script.map((s) => {
    if (s.kind === '+') return { kind: '+', text: B.lines[s.bi], noEol: B.noEol && s.bi === B.lines.length - 1 };
    const lastA = A.noEol && s.ai === A.lines.length - 1;
    if (s.kind === '-') return { kind: '-', text: A.lines[s.ai], noEol: lastA };
    // A context line that is last on one side only changed its newline: show it as -/+.
    const lastB = B.noEol && s.bi === B.lines.length - 1;
    return { kind: ' ', text: A.lines[s.ai], noEol: lastA || lastB };
  });
  // Split a context line whose end-of-file newline differs into a removal and an addition.
  const expanded: Op[] = [];
  script.forEach((s, i) => {
    const op = ops[i];
    if (s.kind !== ' ') return expanded.push(op);
    const lastA = A.noEol && s.ai === A.lines.length - 1;
    const lastB = B.noEol && s.bi === B.lines.length - 1;
    if (lastA !== lastB) {
      expanded.push({ kind: '-', text: op.text, noEol: lastA }, { kind: '+', text: op.text, noEol: lastB });
    } else expanded.push(op);
  });
  return hunks(expanded, context);
}

function hunks(ops: Op[], context: number): PatchStats {
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let additions = 0;
  let deletions = 0;
  for (const o of ops) {
    if (o.kind === '+') additions++;
    else if (o.kind === '-') deletions++;
  }
  if (changed.length === 0) return { patch: '', additions, deletions };
  // Group changes whose context windows touch.
  const groups: Array<[number, number]> = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else groups.push([i, i]);
  }
  // 1-based line counters before each op.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let a = 1;
  let b = 1;
  for (const o of ops) {
    aLine.push(a);
    bLine.push(b);
    if (o.kind !== '+') a++;
    if (o.kind !== '-') b++;
  }
  const out: string[] = [];
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(start, end + 1);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const aStart = aCount === 0 ? aLine[start] - 1 : aLine[start];
    const bStart = bCount === 0 ? bLine[start] - 1 : bLine[start];
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const o of slice) {
      out.push(`${o.kind}${o.text}`);
      if (o.noEol) out.push('\\ No newline at end of file');
    }
  }
  return { patch: out.join('\n'), additions, deletions };
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
