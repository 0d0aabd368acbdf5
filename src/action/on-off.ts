/** The values an on/off input of action.yml accepts, case and spaces aside (inputs.ts, `onOff`). */
export const ON_VALUES: readonly string[] = ['on', 'true', 'yes'];
export const OFF_VALUES: readonly string[] = ['off', 'false', 'no', ''];

/**
 * Whether the `history` input is on, read straight from the environment as `@actions/core` names
 * it (INPUT_HISTORY): early.ts needs it before anything else is loaded. An invalid value is
 * reported later, by inputs.ts; here it only counts as off.
 */
export function historyInputOn(env: NodeJS.ProcessEnv): boolean {
  return ON_VALUES.includes((env.INPUT_HISTORY ?? '').trim().toLowerCase());
}
