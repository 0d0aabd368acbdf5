#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './program.js';

// `nhi-steward scan | head`: a closed pipe ends the output quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Thin entry: everything testable lives in program.ts. exitCode (not exit()) lets stdout drain.
process.exitCode = await run(process.argv.slice(2), processIo());
