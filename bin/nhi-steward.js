#!/usr/bin/env node
// The bundled CLI (lib/bundle/, built by `npm run build`: one file to load instead of ~130
// modules, docs/performance.md "Start-up"), else the compiled modules of lib/.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its starting size (two 1 MB semi-spaces) instead of letting it
// grow to 32 MB: a scan makes much short-lived garbage, and a grown young generation stays
// resident. V8 reads this flag each time it would grow the new space, so setting it here, before
// anything is loaded, works where --max-semi-space-size (read once at start-up) cannot. Peak RSS
// of the bench corpus scan: Node 24 159-163 -> 139-145 MB, Node 20 139-146 -> 123-126 MB, for more, smaller
// scavenges (~0.15-0.2 s more main-thread pause on Node 24 under load): docs/performance.md,
// "Young generation"; src/core/parallel/young-generation.ts does the same for the Action.
try {
  setFlagsFromString('--semi-space-growth-factor=1');
} catch {
  // a Node without the flag: V8's default growth
}

// Node 22.1+: V8 keeps the compiled code of the modules loaded below in a disk cache (in the
// system's temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most
// of their compilation (docs/performance.md, "Start-up"). Node 20 has no such cache: a no-op.
module.enableCompileCache?.();

const bundle = new URL('../lib/bundle/nhi-steward.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../lib/cli/main.js');
