#!/usr/bin/env node
// The bundled CLI (lib/bundle/, built by `npm run build`: one file to load instead of ~130
// modules, docs/performance.md "Start-up"), else the compiled modules of lib/.
import { existsSync } from 'node:fs';

const bundle = new URL('../lib/bundle/nhi-steward.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../lib/cli/main.js');
