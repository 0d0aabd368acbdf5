#!/usr/bin/env node
// The bundled CLI (lib/bundle/, built by `npm run build`: one file to load instead of ~130
// modules, docs/performance.md "Start-up"), else the compiled modules of lib/.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+: V8 keeps the compiled code of the modules loaded below in a disk cache (in the
// system's temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most
// of their compilation (docs/performance.md, "Start-up"). Node 20 has no such cache: a no-op.
module.enableCompileCache?.();

const bundle = new URL('../lib/bundle/nhi-steward.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../lib/cli/main.js');
