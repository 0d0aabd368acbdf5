import { posix } from 'node:path';
import type { ScanResult } from '../core/types.js';

/**
 * The scan sees paths relative to the `path` input; annotations, summary links and SARIF need
 * them relative to the repository root, or GitHub attaches them to files that do not exist.
 * NHI ids keep their scan-relative form: the owners file matches those.
 */
export function fromRepositoryRoot(result: ScanResult, folder: string): ScanResult {
  const prefix = posix.normalize(folder.replace(/\\/g, '/')).replace(/^\.\/?|\/$/g, '');
  if (!prefix || prefix === '.') return result;
  const at = (file: string) => posix.join(prefix, file);
  return {
    ...result,
    findings: result.findings.map((f) => ({ ...f, file: at(f.file) })),
    skipped: result.skipped.map((s) => ({ ...s, path: at(s.path) })),
    inventory: result.inventory.map((entry) => ({ ...entry, file: at(entry.file), usedBy: entry.usedBy.map((u) => ({ ...u, file: at(u.file) })) })),
  };
}
