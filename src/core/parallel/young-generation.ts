import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (semi-spaces of ~1 MB) instead of letting it
 * grow to 16-32 MB. A scan makes much short-lived garbage (lines, candidates, per-file results), so
 * V8 grows the new space to its maximum, and a grown new space stays resident for the rest of the
 * process. V8 reads `--semi-space-growth-factor` each time it would grow the new space, so setting
 * it at run time works (unlike `--max-semi-space-size`, which is read once at start-up); it must run
 * early, before the new space has grown. On the bench corpus the CLI's peak RSS went from 159-163 to
 * 139-145 MB on Node 24 and from 139-146 to 123-126 MB on Node 20, for more, smaller scavenges
 * (~0.15-0.2 s more main-thread pause on Node 24 under load; docs/performance.md, "Young
 * generation"). bin/nhi-steward.js does the same inline, before it loads the CLI.
 */
export function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // a runtime without the flag: V8's default growth
  }
}
