// Types of scripts/drop-samples.mjs (a build script in plain JavaScript, imported by its test).
import type { Plugin } from 'esbuild';

/** `source` with the value of each `samples` property (written out or shorthand) emptied; `dropped` counts them. */
export function dropSamples(source: string, fileName?: string): { code: string; dropped: number };
export const dropSamplesPlugin: Plugin;
