import yaml from 'js-yaml';
import { quoteErrorMessage } from '../../secrets/redact.js';
import type { ExtractError } from '../../types.js';
import { LineIndex } from './lines.js';

/**
 * A YAML loader for extractors: js-yaml (about 8× faster than a CST parser on our manifests, which
 * keeps IaC extraction above 2,000 files/s) plus a listener that remembers where each mapping and
 * sequence starts and where each of its keys sits, so records can carry 1-based lines.
 *
 * Bounds (docs/architecture.md, "What every mode guarantees", bad input): nesting depth (js-yaml `maxDepth`), and alias expansion: js-yaml
 * shares aliased nodes instead of copying them, so a "billion laughs" document loads cheaply, but
 * any walk over it would not; we count the nodes every alias stands for and stop past a limit.
 *
 * Multi-document streams are split on `---` lines and loaded one document at a time, so one
 * malformed document costs that document only.
 */

export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_ALIAS_NODES = 100_000;

export interface YamlLoadOptions {
  schema?: yaml.Schema;
  /** Let a later duplicate key win instead of failing (Helm if/else branches after masking). */
  allowDuplicateKeys?: boolean;
  maxDepth?: number;
  maxAliasNodes?: number;
}

export interface YamlDocument {
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
}

export interface LoadedYaml {
  documents: YamlDocument[];
  errors: ExtractError[];
  /** 1-based line of a mapping or sequence from this file; `fallback` for anything else. */
  lineOf(node: unknown, fallback: number): number;
  /** 1-based line of `key` inside a mapping (or of a string item inside a sequence). */
  keyLine(node: unknown, key: string, fallback: number): number;
}

class YamlLimitError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export function loadYaml(file: string, content: string, options: YamlLoadOptions = {}): LoadedYaml {
  const index = new LineIndex(content);
  const starts = new WeakMap<object, number>();
  const keys = new WeakMap<object, Map<string, number>>();
  const documents: YamlDocument[] = [];
  const errors: ExtractError[] = [];

  for (const [from, to] of documentChunks(content)) {
    const chunk = from === 0 && to === content.length ? content : content.slice(from, to);
    const recorder = new PositionRecorder(from, starts, keys, chunk.includes('*') ? (options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES) : -1);
    try {
      yaml.loadAll(
        chunk,
        (value) => {
          if (value !== undefined && value !== null) documents.push({ value, line: index.line(skipBlank(content, from)) });
        },
        {
          schema: options.schema,
          json: options.allowDuplicateKeys === true,
          maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
          listener: recorder.listener,
        } as unknown as yaml.LoadOptions,
      );
    } catch (error) {
      errors.push(toExtractError(file, content, index, from, error));
    }
  }

  const lineAt = (position: number) => index.line(skipBlank(content, position));
  return {
    documents,
    errors,
    lineOf(node, fallback) {
      if (node === null || typeof node !== 'object') return fallback;
      const position = starts.get(node);
      return position === undefined ? fallback : lineAt(position);
    },
    keyLine(node, key, fallback) {
      if (node === null || typeof node !== 'object') return fallback;
      const position = keys.get(node)?.get(key);
      if (position !== undefined) return lineAt(position);
      const own = starts.get(node);
      return own === undefined ? fallback : lineAt(own);
    },
  };
}

/** [from, to) offsets of each `---`-separated document. A `---` at column 0 always ends a document. */
function documentChunks(content: string): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  let from = 0;
  let search = 0;
  for (;;) {
    const at = content.indexOf('\n---', search);
    if (at === -1) break;
    const after = content.charCodeAt(at + 4);
    search = at + 4;
    // `---` must stand alone or be followed by space: `----` or `---x` is content.
    if (!(Number.isNaN(after) || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d)) continue;
    if (at + 1 > from) chunks.push([from, at + 1]);
    from = at + 1;
  }
  chunks.push([from, content.length]);
  return chunks;
}

/** Skips spaces, line breaks, document markers and comments: a node's open event fires before them. */
function skipBlank(content: string, position: number): number {
  let i = position;
  for (;;) {
    const ch = content.charCodeAt(i);
    if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) i++;
    else if (ch === 0x23 /* # */) {
      const eol = content.indexOf('\n', i);
      if (eol === -1) return content.length;
      i = eol + 1;
    } else if (ch === 0x2d /* - */ && content.startsWith('---', i) && (i === 0 || content.charCodeAt(i - 1) === 0x0a)) i += 3;
    else return i;
  }
}

interface ListenerState {
  position: number;
  result: unknown;
  kind: string | null;
  anchor: string | null;
}

/**
 * Records positions from js-yaml's open/close events. Keys are the string children a collection
 * closes first under that name, which in a mapping is the key itself (keys precede their values).
 */
class PositionRecorder {
  private readonly opened: number[] = [];
  private readonly childKeys: Array<Map<string, number> | undefined> = [];
  private readonly counts: number[] = [];
  private readonly anchored = new WeakMap<object, number>();
  private aliasNodes = 0;

  constructor(
    private readonly offset: number,
    private readonly starts: WeakMap<object, number>,
    private readonly keys: WeakMap<object, Map<string, number>>,
    /** -1 when the text has no `*`, so it cannot hold an alias. */
    private readonly maxAliasNodes: number,
  ) {}

  readonly listener = (event: 'open' | 'close', state: ListenerState): void => {
    if (event === 'open') {
      this.opened.push(state.position);
      this.childKeys.push(undefined);
      if (this.maxAliasNodes >= 0) this.counts.push(0);
      return;
    }
    const position = this.offset + (this.opened.pop() ?? 0);
    const own = this.childKeys.pop();
    const result = state.result;
    // js-yaml leaves `kind` null for an alias node: its result is the anchored node itself.
    const isAlias = state.kind === null && result !== null && result !== undefined;
    if (this.maxAliasNodes >= 0) this.countNodes(state, isAlias);
    if (isAlias) return;
    if (result !== null && typeof result === 'object') {
      if (!this.starts.has(result)) this.starts.set(result, position);
      if (own) this.keys.set(result, own);
    } else if (typeof result === 'string' && this.childKeys.length > 0) {
      const top = this.childKeys.length - 1;
      let parent = this.childKeys[top];
      if (!parent) this.childKeys[top] = parent = new Map();
      if (!parent.has(result)) parent.set(result, position);
    }
  };

  /** Expanded node count: an alias counts as every node its anchor holds. */
  private countNodes(state: ListenerState, isAlias: boolean): void {
    const inner = this.counts.pop() ?? 0;
    const result = state.result;
    let size = inner + 1;
    if (isAlias) {
      size = (typeof result === 'object' && result !== null ? this.anchored.get(result) : undefined) ?? 1;
      this.aliasNodes += size;
      if (this.aliasNodes > this.maxAliasNodes) {
        throw new YamlLimitError(`aliases expand to more than ${this.maxAliasNodes} nodes (possible "billion laughs" alias bomb)`, this.offset + state.position);
      }
    } else if (state.anchor !== null && typeof result === 'object' && result !== null) {
      this.anchored.set(result, size);
    }
    if (this.counts.length > 0) this.counts[this.counts.length - 1] += size;
  }
}

function toExtractError(file: string, content: string, index: LineIndex, from: number, error: unknown): ExtractError {
  if (error instanceof YamlLimitError) {
    return { file, line: index.line(error.position), column: index.column(error.position), message: `YAML rejected: ${error.message}` };
  }
  if (error instanceof yaml.YAMLException && error.mark) {
    // js-yaml names the tag or alias it could not resolve: an unquoted `password: !Xk9…` is a tag.
    const position = Math.min(from + error.mark.position, content.length);
    return { file, line: index.line(position), column: index.column(position), message: `malformed YAML: ${quoteErrorMessage(error.reason)}` };
  }
  if (error instanceof RangeError) {
    // Stack exhaustion below maxDepth (very long flow lines); report, don't crash.
    return { file, line: index.line(from), column: 1, message: `YAML rejected: ${error.message}` };
  }
  throw error;
}
