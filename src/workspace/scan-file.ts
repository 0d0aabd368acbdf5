import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanSources } from '../core/scan.js';
import { toSourceFile } from '../core/source.js';
import type { ScanResult, ScanSettings, SecretSink } from '../core/types.js';
import { errnoCode } from './errors.js';

/**
 * Scans one file (`scan FILE`, `scan -`): `path` is its POSIX path relative to `root` (the git work
 * tree or folder it belongs to), which the rules that look at paths see. The owners file under
 * `root` still applies, so an NHI declared in the file is judged as in a full scan; only findings
 * located in the file are reported (an owners entry for NHIs elsewhere is not stale).
 */
export async function scanOneFile(root: string, path: string, bytes: Uint8Array, settings: ScanSettings, revealSecrets?: SecretSink): Promise<ScanResult> {
  const owners = path === settings.ownersPath ? undefined : await readOwners(root, settings.ownersPath);
  const item = toSourceFile(path, bytes, settings);
  const result = await scanSources([item], { settings, revealSecrets, ...(owners ? { owners } : {}) });
  const findings = result.findings.filter((f) => f.file === path && f.rule !== 'owners/stale-entry');
  return { ...result, findings };
}

async function readOwners(root: string, ownersPath: string): Promise<{ path: string; content: string } | undefined> {
  try {
    return { path: ownersPath, content: await readFile(join(root, ownersPath), 'utf8') };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}
