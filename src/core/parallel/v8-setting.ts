import { setFlagsFromString } from 'node:v8';

/**
 * One V8 flag that the CLI (bin/nhi-steward.js) and the Action (src/action/early.ts) set at
 * start-up for some scans (young-generation.ts, inlining.ts). The user's choice wins: nothing is set
 * when the process was started with a flag of the same kind (`userFlags`, on node's command line
 * or in NODE_OPTIONS, `-` and `_` alike), or when the environment variable `envVar` is `default`.
 */
export class V8Setting {
  #applied = false;

  constructor(
    private readonly flag: string,
    private readonly userFlags: RegExp,
    private readonly envVar: string,
  ) {}

  /** Sets the flag unless the user chose otherwise; returns whether it was set. */
  apply(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
    if (this.chosenByUser(execArgv, env)) return false;
    this.#applied = this.set();
    return this.#applied;
  }

  /** Whether this thread's `apply` set the flag (a thread tells the workers it starts). */
  get applied(): boolean {
    return this.#applied;
  }

  /**
   * Sets the flag again where it was set before (`wanted`: in this thread, or as the thread that
   * started this worker says): on Node 20 and 22 a worker's start-up resets V8's flags, which are
   * the process's, to the command line's (docs/performance.md, "Read-ahead").
   */
  again(wanted = this.#applied): void {
    if (wanted) this.set();
  }

  chosenByUser(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
    if ((env[this.envVar] ?? '').trim().toLowerCase() === 'default') return true;
    const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
    return given.some((arg) => this.userFlags.test(arg.replaceAll('_', '-')));
  }

  private set(): boolean {
    try {
      setFlagsFromString(this.flag);
      return true;
    } catch {
      return false; // a runtime without the flag: V8's own behaviour
    }
  }
}
