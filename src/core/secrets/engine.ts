import type { Finding, ScanSettings, SourceFile } from '../types.js';

/** PLACEHOLDER until the secrets engine lands (issue #2): finds nothing. */
export function scanSecrets(_file: SourceFile, _settings: ScanSettings): Finding[] {
  return [];
}
