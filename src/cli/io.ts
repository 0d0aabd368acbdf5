import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError, errnoCode } from '../workspace/errors.js';

/** The process edges a command may touch, passed in so commands stay testable. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal that takes ANSI colors (and NO_COLOR is not set). */
  color: boolean;
  /** stderr is a terminal and this is not CI: long scans may draw a progress line there. */
  progress?: boolean;
  /** Milliseconds for the progress line's redraws and rates; `performance.now` unless a test passes one it moves. */
  clock?: () => number;
  /** Reads all of standard input (`scan -`). */
  readStdin?: () => Promise<Buffer>;
}

export function processIo(): Io {
  const env = process.env;
  const color = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  const progress = Boolean(process.stderr.isTTY) && !env.CI && env.TERM !== 'dumb';
  return { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t), color, progress, readStdin };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes a report to `--output FILE` (creating folders), or to stdout. */
export async function emit(io: Io, text: string, output: string | undefined): Promise<void> {
  if (output === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await mkdir(dirname(output), { recursive: true });
    await writeFile(output, text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${errnoCode(error) ?? (error as Error).message}`);
  }
}

/** The package version; package.json sits two folders up from both src/cli and lib/cli. */
export function toolVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
