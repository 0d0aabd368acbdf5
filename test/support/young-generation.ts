/**
 * For the young-generation tests (docs/performance.md, "Young generation"): a module body that
 * makes short- and mid-lived garbage, as a scan does, then prints the size of V8's new space.
 * Kept small (`--semi-space-growth-factor=1`) the new space measures 2 MiB in a bare script and
 * 4 MiB after the Action's run (a page more once under CI load); V8's default growth takes it to
 * 32 MiB on Node 20, 22 and 24 here.
 */
export const KEPT_SMALL = 8 * 1024 * 1024;

export const GARBAGE_THEN_NEW_SPACE = `import { getHeapSpaceStatistics } from 'node:v8';
const window = new Array(4096);
for (let i = 0; i < 400_000; i++) window[i % 4096] = { text: 'x'.repeat(64) + i, parts: [i, i + 1, i + 2] };
console.log(String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
`;

/** The environment of a probe run: no inherited NODE_OPTIONS or override, then `extra`. */
export function probeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', NHI_STEWARD_YOUNG_GENERATION: '', ...extra };
}
