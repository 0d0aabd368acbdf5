#!/usr/bin/env node
import { processIo } from './io.js';
import { run } from './program.js';

// Thin entry: everything testable lives in program.ts. exitCode (not exit()) lets stdout drain.
process.exitCode = await run(process.argv.slice(2), processIo());
