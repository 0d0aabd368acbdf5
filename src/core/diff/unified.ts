/**
 * THE unified-diff parser of the project (docs/architecture.md, "One diff parser"): `git diff`
 * and `git log -p` output (file headers, extended headers, hunks) and GitHub's per-file `patch`
 * (hunks only). Hunk bodies are read by their line counts (`@@ -a,b +c,d @@`), never by what a
 * line looks like: an added line whose text starts with `++ ` reads `+++ …` and is content, not a
 * file header. Pure: no I/O, so every mode (CLI --diff/--staged, Action, App, history) shares it.
 */

export interface DiffLine {
  kind: 'add' | 'del' | 'context';
  text: string;
  /** 1-based line in the old file (del and context). */
  oldLine?: number;
  /** 1-based line in the new file (add and context). */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
  /** True when the input ended before the hunk's counted lines did (a truncated patch). */
  truncated?: boolean;
}

export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';

export interface FileDiff {
  /** Path before the change (undefined for an added file), without the `a/` prefix. */
  oldPath?: string;
  /** Path after the change (undefined for a deleted file), without the `b/` prefix. */
  newPath?: string;
  status: FileStatus;
  binary: boolean;
  hunks: Hunk[];
  /** Set when the file's hunk lines passed the reader's `maxFileBytes`: its lines were not kept. */
  oversized?: boolean;
  /**
   * The blob ids of its `index OLD..NEW` line (all zeros for a side that does not exist), as git
   * writes them: abbreviated unless the diff was made with `--full-index`.
   */
  blobs?: { old: string; new: string };
  /** The new side's mode when git names it (`index A..B MODE`, `new file mode`, `new mode`): `160000` is a submodule. */
  newMode?: string;
}

const INDEX_LINE = /^index ([0-9a-f]+)\.\.([0-9a-f]+)(?: ([0-7]{6}))?/;

export interface ReaderOptions {
  /** Keep at most this many bytes of hunk lines per file (streamed history: bounded memory). */
  maxFileBytes?: number;
  /**
   * For a file whose hunk lines pass `maxFileBytes`: where its head-side lines (added and
   * context) go instead, in order, those already read first. None: they are dropped.
   */
  oversized?: (file: FileDiff) => LineSink | undefined;
}

/** Receives an over-size file's head-side lines as they stream (see ReaderOptions.oversized). */
export interface LineSink {
  line(newLine: number, text: string, added: boolean): void;
  /** The file's lines are over. */
  end(): void;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Streaming reader: feed it lines (without their newline) with `push`, call `end` at the end;
 * every finished file goes to `onFile`. Lines outside any file or hunk (a `git log` commit header)
 * are ignored and end the current file once it has hunks.
 */
export class UnifiedDiffReader {
  private file: FileDiff | undefined;
  private hunk: Hunk | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  private oldNext = 0;
  private newNext = 0;
  private fileBytes = 0;
  private sink: LineSink | undefined;

  constructor(
    private readonly onFile: (file: FileDiff) => void,
    private readonly options: ReaderOptions = {},
  ) {}

  push(line: string): void {
    if (this.hunk && (this.oldLeft > 0 || this.newLeft > 0)) {
      this.hunkLine(line);
      return;
    }
    this.hunk = undefined;
    if (line.startsWith('\\')) return; // "\ No newline at end of file" after a hunk's last line
    if (line.startsWith('diff --git ')) {
      this.finish();
      const paths = headerPaths(line.slice('diff --git '.length));
      this.file = { oldPath: paths?.[0], newPath: paths?.[1], status: 'modified', binary: false, hunks: [] };
      return;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      // GitHub's `patch` has hunks and no file header.
      this.file ??= { status: 'modified', binary: false, hunks: [] };
      this.startHunk(header);
      return;
    }
    const file = this.file;
    if (!file) return;
    if (file.hunks.length > 0) {
      // After the hunks of a file only another file or hunk may follow: anything else ends it.
      this.finish();
      return;
    }
    if (line.startsWith('--- ')) {
      const path = diffPath(line.slice(4), 'a/');
      file.oldPath = path;
      if (path === undefined) file.status = 'added';
    } else if (line.startsWith('+++ ')) {
      const path = diffPath(line.slice(4), 'b/');
      file.newPath = path;
      if (path === undefined) file.status = 'deleted';
    } else if (line.startsWith('new file mode')) {
      file.status = 'added';
      file.oldPath = undefined;
      file.newMode = line.slice('new file mode '.length).trim();
    } else if (line.startsWith('new mode ')) {
      file.newMode = line.slice('new mode '.length).trim();
    } else if (line.startsWith('deleted file mode')) {
      file.status = 'deleted';
      file.newPath = undefined;
    } else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = unquoteGitPath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      file.status = 'renamed';
      file.newPath = unquoteGitPath(line.slice('rename to '.length));
    } else if (line.startsWith('copy from ')) {
      file.status = 'copied';
      file.oldPath = unquoteGitPath(line.slice('copy from '.length));
    } else if (line.startsWith('copy to ')) {
      file.status = 'copied';
      file.newPath = unquoteGitPath(line.slice('copy to '.length));
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      file.binary = true;
    } else if (line.startsWith('index ')) {
      const ids = INDEX_LINE.exec(line);
      if (ids) file.blobs = { old: ids[1], new: ids[2] };
      if (ids?.[3] !== undefined) file.newMode = ids[3];
    }
  }

  /** Ends the input; returns nothing, files went to `onFile`. */
  end(): void {
    if (this.hunk && (this.oldLeft > 0 || this.newLeft > 0)) this.hunk.truncated = true;
    this.hunk = undefined;
    this.finish();
  }

  private startHunk(m: RegExpExecArray): void {
    const hunk: Hunk = { oldStart: Number(m[1]), oldLines: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newLines: m[4] === undefined ? 1 : Number(m[4]), lines: [] };
    this.file!.hunks.push(hunk);
    this.hunk = hunk;
    this.oldLeft = hunk.oldLines;
    this.newLeft = hunk.newLines;
    // A side with 0 lines names the line before the change.
    this.oldNext = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    this.newNext = hunk.newLines === 0 ? hunk.newStart + 1 : hunk.newStart;
  }

  private hunkLine(line: string): void {
    const hunk = this.hunk!;
    const marker = line[0];
    if (marker === '\\') return;
    this.fileBytes += line.length + 1;
    if (this.options.maxFileBytes !== undefined && this.fileBytes > this.options.maxFileBytes && !this.file!.oversized) {
      this.file!.oversized = true;
      this.sink = this.options.oversized?.(this.file!);
      for (const h of this.file!.hunks) {
        if (this.sink) for (const l of h.lines) if (l.newLine !== undefined) this.sink.line(l.newLine, l.text, l.kind === 'add');
        h.lines = [];
      }
    }
    if (this.file!.oversized) {
      // Still follow the counts, so the file's end is found; keep nothing (the sink gets the head side).
      if (marker === '+' && this.newLeft > 0) {
        this.sink?.line(this.newNext, line.slice(1), true);
        this.newNext++;
        this.newLeft--;
      } else if (marker === '-' && this.oldLeft > 0) this.oldLeft--;
      else {
        this.sink?.line(this.newNext, marker === ' ' ? line.slice(1) : line, false);
        this.newNext++;
        this.oldLeft = Math.max(0, this.oldLeft - 1);
        this.newLeft = Math.max(0, this.newLeft - 1);
      }
      return;
    }
    if (marker === '+' && this.newLeft > 0) {
      hunk.lines.push({ kind: 'add', text: line.slice(1), newLine: this.newNext++ });
      this.newLeft--;
    } else if (marker === '-' && this.oldLeft > 0) {
      hunk.lines.push({ kind: 'del', text: line.slice(1), oldLine: this.oldNext++ });
      this.oldLeft--;
    } else {
      // Context (' '), or a context line whose leading space an editor or mailer stripped.
      const text = marker === ' ' ? line.slice(1) : line;
      hunk.lines.push({ kind: 'context', text, oldLine: this.oldNext++, newLine: this.newNext++ });
      this.oldLeft = Math.max(0, this.oldLeft - 1);
      this.newLeft = Math.max(0, this.newLeft - 1);
    }
  }

  private finish(): void {
    this.sink?.end();
    this.sink = undefined;
    if (this.file) this.onFile(this.file);
    this.file = undefined;
    this.hunk = undefined;
    this.fileBytes = 0;
  }
}

/** Every file of a `git diff` / `git log -p` text. */
export function parseGitDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  const reader = new UnifiedDiffReader((file) => files.push(file));
  for (const line of splitLines(text)) reader.push(line);
  reader.end();
  return files;
}

/** The hunks of one file's patch (GitHub's `patch` field, or one file's part of a diff). */
export function parseHunks(patch: string): Hunk[] {
  return parseGitDiff(patch).flatMap((file) => file.hunks);
}

/** 1-based new-file line numbers the hunks add. */
export function addedLineNumbers(hunks: Hunk[]): Set<number> {
  const added = new Set<number>();
  for (const hunk of hunks) for (const line of hunk.lines) if (line.kind === 'add') added.add(line.newLine!);
  return added;
}

export interface PatchView {
  /** 1-based head line numbers added by the change. */
  addedLines: Set<number>;
  /** Head-file text with every line the patch shows in place and other lines left empty. */
  sparseContent: string;
}

/**
 * What a secret scan needs from one file's patch: the added line numbers, and the head lines the
 * patch shows (added and context) at their real line numbers, other lines empty.
 */
export function readPatch(patch: string): PatchView {
  return patchView(parseHunks(patch));
}

/** The same view from parsed hunks (e.g. one file of a streamed `git log -p`). */
export function patchView(hunks: Hunk[]): PatchView {
  const lines: string[] = [];
  for (const hunk of hunks) for (const line of hunk.lines) if (line.newLine !== undefined) lines[line.newLine - 1] = line.text;
  const filled = Array.from({ length: lines.length }, (_, i) => lines[i] ?? '');
  return { addedLines: addedLineNumbers(hunks), sparseContent: filled.join('\n') };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `--- a/P`, `+++ b/P`, `/dev/null` → undefined; quoted paths unquoted; a trailing tab (and timestamp) dropped. */
function diffPath(raw: string, prefix: string): string | undefined {
  const path = raw.startsWith('"') ? raw : raw.replace(/\t.*$/, '');
  if (path === '/dev/null') return undefined;
  return stripPrefix(unquoteGitPath(path), prefix);
}

/** `a/P b/Q` from a `diff --git` line, possibly quoted; undefined when ambiguous (spaces and a rename). */
function headerPaths(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*") (.*)$/.exec(rest);
    return m ? [stripPrefix(unquoteGitPath(m[1]), 'a/'), stripPrefix(unquoteGitPath(m[2]), 'b/')] : undefined;
  }
  if (rest.endsWith('"')) {
    const m = /^(.*?) ("(?:[^"\\]|\\.)*")$/.exec(rest);
    return m ? [stripPrefix(m[1], 'a/'), stripPrefix(unquoteGitPath(m[2]), 'b/')] : undefined;
  }
  // Same path on both sides (no rename): the halves are equal.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) {
    return [stripPrefix(rest.slice(0, half), 'a/'), stripPrefix(rest.slice(half + 1), 'b/')];
  }
  const m = /^a\/(\S+) b\/(\S+)$/.exec(rest);
  return m ? [m[1], m[2]] : undefined;
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', a: '\u0007', b: '\b', f: '\f', r: '\r', v: '\v' };
const encoder = new TextEncoder();

/** git C-quotes paths with unusual characters (`core.quotePath`): "a/tab\there" and octal UTF-8 bytes "\303\251". */
export function unquoteGitPath(path: string): string {
  const trimmed = path.replace(/\t$/, '');
  if (!trimmed.startsWith('"') || !trimmed.endsWith('"') || trimmed.length < 2) return trimmed;
  const bytes: number[] = [];
  const body = trimmed.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const ch = String.fromCodePoint(body.codePointAt(i)!);
      bytes.push(...encoder.encode(ch));
      i += ch.length - 1;
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next ?? '')) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...encoder.encode(C_ESCAPES[next] ?? next ?? ''));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
