import { run } from '../../../src/cli/program.js';
import type { CliRun } from './run-cli.js';

/** Runs one command line in this process with captured output: same code path as main.ts, no spawn cost. */
export async function runInProcess(args: string[], options: { stdin?: string; progress?: boolean; clock?: () => number } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const readStdin = options.stdin === undefined ? undefined : async () => Buffer.from(options.stdin!);
  const code = await run(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false, progress: options.progress, clock: options.clock, readStdin });
  return { code, stdout, stderr };
}
