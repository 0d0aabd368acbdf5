import { allDetectors } from '../core/secrets/detectors/index.js';
import type { Io } from './io.js';

export interface DetectorsFlags {
  format: 'text' | 'json';
}

/** `nhi-steward detectors`: every secret detector with id, provider, level and keywords. */
export function detectorsCommand(flags: DetectorsFlags, io: Io): number {
  const rows = allDetectors.map((d) => ({ id: d.id, title: d.title, provider: d.provider, severity: d.level, keywords: d.keywords }));
  if (flags.format === 'json') {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  const pwidth = Math.max(...rows.map((r) => r.provider.length));
  for (const r of rows) io.stdout(`${r.id.padEnd(width)}  ${r.provider.padEnd(pwidth)}  ${r.severity.padEnd(7)}  ${r.keywords.join(', ')}\n`);
  io.stdout(`${rows.length} detectors (docs/detectors.md maps them to gitleaks and trufflehog rules)\n`);
  return 0;
}
