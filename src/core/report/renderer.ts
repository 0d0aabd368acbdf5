import type { ScanResult } from '../types.js';

export interface RenderContext {
  /** Tool version, for SARIF `tool.driver.version`. */
  version: string;
  /** Display name of the scanned root (folder or owner/repo). */
  root: string;
  /** Optional permalink builder (App/Action): file + line → URL. */
  link?: (file: string, line: number) => string;
  /** Text format: ANSI colors. The CLI sets it when stdout is a TTY; the core never reads env. */
  color?: boolean;
  /** Markdown format: hard cap on the output length (the Checks API summary limit is 65,535). */
  maxLength?: number;
  /** Text format: full messages and every skipped file (binary and oversized ones are only counted otherwise). */
  verbose?: boolean;
  /** Text format: the findings only (no summary, skipped files or hints). */
  quiet?: boolean;
  /** A history scan (`scan --history`): the summary counts unique blobs and the commits walked, not files and NHIs. */
  history?: { commits: number };
}

/** Every report format is a plugin with this one shape; report/registry.ts lists them. */
export interface Renderer {
  format: 'text' | 'json' | 'sarif' | 'markdown' | string;
  render(result: ScanResult, context: RenderContext): string;
}
