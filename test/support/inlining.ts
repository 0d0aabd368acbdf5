/**
 * For the inlining-budget tests (src/core/parallel/inlining.ts): module-level functions (given
 * `setFlagsFromString` of node:v8) whose `inliningProbeRun` turns on V8's inlining trace at run
 * time, then makes a hot function call a 119-byte one four times, so that V8's optimising compiler
 * considers inlining all four calls. With V8's budget (920 bytes of bytecode per optimised
 * function) it inlines all four; with the history scan's (230) one (`inliningOf`).
 */
export const INLINING_FUNCTIONS = `function inliningProbePart(a, b) { let s = 0; for (let i = 0; i < 4; i++) { s += (a * 31 + b * 17 + i) % 97; s ^= (a << 3) + (b >> 2); s += a > b ? a - b : b - a; s += (s & 7) * (a | 1); } return s; }
function inliningProbeCaller(n) { let t = 0; for (let i = 0; i < n; i++) t += inliningProbePart(i, n) + inliningProbePart(n, i) + inliningProbePart(i + 1, n - 1) + inliningProbePart(i ^ n, i & n); return t; }
function inliningProbeRun() {
  setFlagsFromString('--trace-turbo-inlining');
  setFlagsFromString('--trace-opt');
  let total = 0;
  for (let k = 0; k < 20000; k++) total += inliningProbeCaller(200);
  console.log(total > 0 ? 'probe done' : 'probe failed');
}
`;

/** A module that runs the probe as it loads. */
export const INLINING_PROBE = `import { setFlagsFromString } from 'node:v8';
${INLINING_FUNCTIONS}
inliningProbeRun();
`;

/** A module to preload (`--import`) that runs the probe when the process exits. */
export const INLINING_PROBE_AT_EXIT = `import { setFlagsFromString } from 'node:v8';
${INLINING_FUNCTIONS}
process.on('exit', inliningProbeRun);
`;

/**
 * In `output`: how many times V8 inlined the probe's small function into its caller, and how many
 * optimised compilations of the caller it started (`target TURBOFAN` on Node 20, `TURBOFAN_JS` on
 * Node 24; a whole-function one, and sometimes one for its loop). With the history scan's budget no
 * compilation inlines more than one call, so `inlined <= compilations`; with V8's, the first that
 * inlines at all inlines four.
 */
export function inliningOf(output: string): { inlined: number; compilations: number } {
  const lines = output.split('\n');
  return {
    inlined: lines.filter((line) => /^Inlining .*inliningProbePart.* into .*inliningProbeCaller/.test(line)).length,
    compilations: lines.filter((line) => /compiling method .*inliningProbeCaller.*\(target TURBOFAN/.test(line)).length,
  };
}
