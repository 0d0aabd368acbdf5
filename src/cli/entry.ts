import { processIo } from './io.js';
import { run } from './program.js';

/**
 * The CLI as a process runs it: `main.ts` awaits this, and the bundled CLI
 * (lib/bundle/nhi-steward.cjs, which bin/nhi-steward.js loads) exports it. Resolves to the exit
 * code; the caller sets `process.exitCode` (not exit()) so stdout drains.
 */
export async function main(argv: string[]): Promise<number> {
  // `nhi-steward scan | head`: a closed pipe ends the output quietly, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return run(argv, processIo());
}
