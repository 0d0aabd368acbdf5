#!/usr/bin/env node
import { main } from './entry.js';

// Thin entry: everything testable lives in program.ts. exitCode (not exit()) lets stdout drain.
process.exitCode = await main(process.argv.slice(2));
