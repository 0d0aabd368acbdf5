/**
 * For the inlining-budget tests (src/core/parallel/inlining.ts): module-level functions (given
 * `setFlagsFromString` of node:v8) whose `inliningProbeRun` turns on V8's inlining trace at run
 * time and has V8's optimising compiler build a function that calls a 74-byte one four times,
 * at once and on this thread (natives syntax: no background compilation, whose trace lines could
 * interleave with this thread's output). With V8's budget (920 bytes of bytecode per optimised
 * function) it inlines all four calls; with the history scan's (100) one (with 230, two: Node 20
 * and 24). `inlinedCalls` counts them in the process's output.
 */
export const INLINING_FUNCTIONS = `function inliningProbeRun() {
  setFlagsFromString('--allow-natives-syntax');
  setFlagsFromString('--trace-turbo-inlining');
  // Made when the probe runs: V8 has no earlier state of them.
  const inliningProbeCaller = new Function(\`
    function inliningProbePart(a, b) { let s = 0; for (let i = 0; i < 2; i++) { s += (a * 31 + b * 17 + i) % 97; s ^= (a << 3) + (b >> 2); } return s; }
    return function inliningProbeCaller(n) { let t = 0; for (let i = 0; i < n; i++) t += inliningProbePart(i, n) + inliningProbePart(n, i) + inliningProbePart(i + 1, n - 1) + inliningProbePart(i ^ n, i & n); return t; };
  \`)();
  const optimizeNow = new Function('f', 'n', '%PrepareFunctionForOptimization(f); f(n); f(n); %OptimizeFunctionOnNextCall(f); return f(n);');
  console.log(optimizeNow(inliningProbeCaller, 50) > 0 ? 'probe done' : 'probe failed');
}
`;

/** A module that runs the probe as it loads. */
export const INLINING_PROBE = `import { setFlagsFromString } from 'node:v8';
${INLINING_FUNCTIONS}
inliningProbeRun();
`;

/** How many calls of the probe's small function V8 inlined into its caller, in `output`. */
export function inlinedCalls(output: string): number {
  return output.split('\n').filter((line) => /^Inlining .*inliningProbePart.* into .*inliningProbeCaller/.test(line)).length;
}
