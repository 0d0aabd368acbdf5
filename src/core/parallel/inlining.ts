import { V8Setting } from './v8-setting.js';

/**
 * A history scan runs V8's optimising compiler (TurboFan) with a smaller inlining budget: at most
 * 100 bytes of bytecode inlined into one optimised function instead of V8's 920
 * (docs/history.md, "2026-12-05, fourth session" and "twelfth session").
 *
 * Why: on two cores a history scan shares the machine with git (`cat-file --batch` and the
 * `git log` walk, ~0.5 s of CPU on expressjs/express), and V8 compiles the engine's hot functions
 * on a background thread (~0.3-0.4 s of CPU per run, mostly for what it inlines). The three
 * compete for the second core, and the scanning thread waits for a core meanwhile. With the smaller
 * budget the background compilation costs ~0.07-0.1 s less and the scanning thread's CPU is the
 * same: express's in-process scan took 0.850 against 0.885 s (12 alternated pairs, 10 faster),
 * and 0.940 against 0.990 s with the flag on the command line (15 rounds, 11 faster); that was a
 * budget of 230. A budget of 100 (2026-12-07, the CLI, Node 20, alternated): express 0.98 → 0.935 s
 * (medians of 8 rounds; 50 bytes gave 0.94), the synthetic bundle 0.61 → 0.595 s and the
 * synthetic 5,000 commits 0.795 → 0.78 s (6 rounds each); actions/checkout and this repository's
 * history, where the engine is the bottleneck, within the noise (4 rounds each), and Node 24 on
 * express 0.90 → 0.89 s. A tree scan does not set it: there the second core is idle, and the wall
 * did not move (its scanning thread took 20-40 ms more CPU).
 *
 * bin/nhi-steward.js calls this for `scan --history` before it loads the CLI, and the Action's entry
 * (src/action/early.ts) when its `history` input is on: set before any function is optimised.
 * The user's choice wins: nothing is set when the process was started with an inlining flag of its
 * own (on node's command line: Node refuses V8's flags in NODE_OPTIONS, which is read too), or when
 * NHI_STEWARD_INLINING=default asks for V8's budget. Returns whether the flag was set.
 */
export function lessInliningForHistory(execArgv: readonly string[], env: NodeJS.ProcessEnv, historyScan: boolean): boolean {
  return historyScan && inlining.apply(execArgv, env);
}

/** The flag the history scan sets. */
const HISTORY_INLINING_FLAG = '--max-inlined-bytecode-size-cumulative=100';

/** V8's inlining flags. */
const INLINING_FLAG = /^--(?:no-)?(?:turbo-inlining|max-inlined-bytecode-size(?:-cumulative|-absolute|-small)?|max-inlining-levels)(?:=|$)/;

const inlining = new V8Setting(HISTORY_INLINING_FLAG, INLINING_FLAG, 'NHI_STEWARD_INLINING');

/** Whether this thread's `lessInliningForHistory` set the flag (the history pool tells its workers). */
export function lessInliningApplied(): boolean {
  return inlining.applied;
}

/** Sets the flag again where it was set before: a worker's start-up resets V8's flags (`V8Setting.again`). */
export function lessInliningAgain(wanted = inlining.applied): void {
  inlining.again(wanted);
}

export function inliningChosenByUser(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return inlining.chosenByUser(execArgv, env);
}
