import { run } from '../../../src/cli/program.js';
import type { CliRun } from './run-cli.js';

/** Runs one command line in this process with captured output: same code path as main.ts, no spawn cost. */
export async function runInProcess(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false });
  return { code, stdout, stderr };
}
