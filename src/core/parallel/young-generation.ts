import { getHeapSpaceStatistics } from 'node:v8';
import { V8Setting } from './v8-setting.js';

/**
 * Keeps V8's young generation at its starting size (semi-spaces of ~1 MB) instead of letting it
 * grow to 16-32 MB. A scan makes much short-lived garbage (lines, candidates, per-file results), so
 * V8 grows the new space to its maximum, and a grown new space stays resident for the rest of the
 * process. V8 reads `--semi-space-growth-factor` each time it would grow the new space, so setting
 * it at run time works (unlike `--max-semi-space-size`, which is read once at start-up); it must run
 * early, before the new space has grown. On the bench corpus the CLI's peak RSS went from 159-163 to
 * 139-145 MB on Node 24 and from 139-146 to 123-126 MB on Node 20, for more, smaller scavenges
 * (~0.15-0.2 s more main-thread pause on Node 24 under load; docs/performance.md, "Young
 * generation"). bin/nhi-steward.js calls this before it loads the CLI; the Action's entry
 * (src/action/early.ts) before the rest of its bundle.
 *
 * The user's choice wins: nothing is set when the process was started with a young-generation flag
 * of its own (`--max-semi-space-size`, `--min-semi-space-size`, `--semi-space-growth-factor`, on
 * the command line or in NODE_OPTIONS), or when NHI_STEWARD_YOUNG_GENERATION=default asks for V8's
 * default growth (more memory, fewer scavenges). Returns whether the flag was set.
 *
 * A history scan (`historyScan`: see `cliHistoryScan` here and `historyInputOn` in
 * src/action/on-off.ts) keeps V8's default too. There every blob's findings and attribution
 * records live a little while, and a 2 MB new space promotes them to the old generation. On
 * expressjs/express (198 MB of unique blobs) the CLI took 1.100 s with V8's default against 1.130
 * s (8 alternated pairs, Node 20), for 139-146 MB against 108-111 MB peak RSS. On this
 * repository's own dense history it took 1.953 s against 2.038 s and peaked lower, 180-194
 * against 210-233 MB. On Node 24 it was ~3 % faster on both and peaked
 * ~30 MB higher on both. History mode's memory bound is the 5 GB history's (docs/history.md), not a
 * tree scan's 150 MB (docs/performance.md, "Young generation"). The growth stops at
 * HISTORY_NEW_SPACE_MAX all the same (`capYoungGeneration`): Node 24's V8 would take it to 128 MB.
 */
export function keepYoungGenerationSmall(execArgv: readonly string[], env: NodeJS.ProcessEnv, historyScan = false): boolean {
  return !historyScan && youngGeneration.apply(execArgv, env);
}

/** Young-generation flags V8 reads. */
const YOUNG_GENERATION_FLAG = /^--(?:max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(?:=|$)/;

const youngGeneration = new V8Setting('--semi-space-growth-factor=1', YOUNG_GENERATION_FLAG, 'NHI_STEWARD_YOUNG_GENERATION');

/**
 * Whether the CLI's arguments (`process.argv.slice(2)`) ask for a history scan: the command is
 * `scan` and `--history` is among its options (before a `--` that ends them). Read before the CLI
 * is loaded, so roughly: a misreading only changes how V8 is set up (young generation, inlining).
 */
export function cliHistoryScan(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  return options.find((arg) => !arg.startsWith('-')) === 'scan' && options.includes('--history');
}

/** Whether this thread's `keepYoungGenerationSmall` set the flag (the tree pool tells its workers). */
export function youngGenerationKeptSmall(): boolean {
  return youngGeneration.applied;
}

/**
 * Sets the flag again where it was set before (`wanted`: in this thread, or as the thread that
 * started this worker says). On Node 20 and 22 a worker's start-up resets V8's flags, which are
 * the process's, to the command line's: the scanning thread's young generation would grow again.
 * Where the user chose otherwise nothing was set, and nothing is set now.
 */
export function keepYoungGenerationSmallAgain(wanted = youngGeneration.applied): void {
  youngGeneration.again(wanted);
}

export function youngGenerationChosenByUser(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return youngGeneration.chosenByUser(execArgv, env);
}

/**
 * The most a history scan lets V8's young generation grow to (its new space, both halves): what
 * V8's default reaches on Node 20 and 22. Node 24's V8 grows it to 128 MB, which on this
 * repository's own dense history (706 findings) took the CLI's peak RSS from ~300 MB on Node 20 to
 * ~410 MB, over history mode's 400 MB bound (docs/history.md, "Young generation in history scans").
 */
export const HISTORY_NEW_SPACE_MAX = 32 * 1024 * 1024;

/**
 * A history scan keeps V8's default growth of the young generation (see `keepYoungGenerationSmall`)
 * up to `max`: the returned check, called now and then as the scan goes (history.ts, every few
 * blobs), stops its growth there (`--semi-space-growth-factor=1`, read by V8 each time it would
 * grow it) the first time the new space has reached it. Nothing is set where the user chose the
 * young generation's flags (`youngGenerationChosenByUser`) or where it was already kept small.
 */
export function capYoungGeneration(execArgv: readonly string[], env: NodeJS.ProcessEnv, max = HISTORY_NEW_SPACE_MAX): () => void {
  let done = youngGeneration.applied || youngGeneration.chosenByUser(execArgv, env);
  return () => {
    if (done) return;
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (newSpace === undefined || newSpace.space_size < max) return;
    done = true;
    youngGeneration.apply(execArgv, env);
  };
}
