import { appendFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_SCRYPT, newSalt } from '../core/secrets/fingerprint.js';
import { IGNORE_FILE, ignoreEntries, readIgnoreFile } from '../core/secrets/ignore-file.js';
import { UsageError, errnoCode } from '../workspace/errors.js';
import { scanDirectory } from '../workspace/scan-dir.js';
import { loadSettings } from '../workspace/settings.js';
import type { Io } from './io.js';

export interface IgnoreFlags {
  reason: string;
  expires?: string;
  config?: string;
  gitignore: boolean;
}

/**
 * `nhi-steward ignore FINGERPRINT… --reason TEXT [--expires YYYY-MM-DD]`: finds the findings with
 * these fingerprints (as issues, SARIF and JSON show them) and appends them to `.nhi-stewardignore`.
 * A secret is written as a salted scrypt hash (it keeps matching when the secret moves, and the
 * file is no oracle for a guessed secret); other findings by their fingerprint.
 */
export async function ignoreCommand(dirArg: string | undefined, fingerprints: string[], flags: IgnoreFlags, io: Io): Promise<number> {
  const dir = resolve(dirArg ?? '.');
  if (!flags.reason.trim()) throw new UsageError('--reason must say why the finding is accepted');
  if (flags.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.expires)) throw new UsageError('--expires must be a date, YYYY-MM-DD');
  const path = join(dir, IGNORE_FILE);
  const existing = await readExisting(path);
  const loaded = await loadSettings({ dir, config: flags.config, ignoreBaseline: true });
  const parsed = existing === undefined ? undefined : readIgnoreFile(existing, IGNORE_FILE, loaded.now);
  const kdf = parsed?.kdf ?? { salt: newSalt(), cost: DEFAULT_SCRYPT };
  const { result } = await scanDirectory(dir, { settings: { ...loaded, hashSalt: kdf, legacyFingerprints: true }, gitignore: flags.gitignore });
  const wanted = new Set(fingerprints.map((fp) => fp.toLowerCase()));
  const matched = result.findings.filter((f) => wanted.has(f.fingerprint) || (f.previousFingerprint !== undefined && wanted.has(f.previousFingerprint)));
  const found = new Set(matched.flatMap((f) => [f.fingerprint, f.previousFingerprint]));
  const missing = [...wanted].filter((fp) => !found.has(fp));
  if (missing.length > 0) throw new UsageError(`no current finding has fingerprint ${missing.join(', ')} (scan ${dir} to list them)`);
  const salted = matched.filter((f) => f.saltedHash).map((f) => ({ hash: f.saltedHash!, rule: f.rule, reason: flags.reason, expires: flags.expires }));
  const plain = matched.filter((f) => !f.saltedHash).map((f) => `${f.fingerprint} ${f.rule}${flags.expires ? ` expires=${flags.expires}` : ''} # ${flags.reason.replace(/[\u0000-\u001f\u007f]+/g, ' ')}\n`);
  let text = salted.length > 0 ? ignoreEntries(salted, kdf, parsed?.kdf !== undefined) : '';
  text += plain.join('');
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(path, separator + text);
  io.stderr(`nhi-steward: ${matched.length} finding(s) added to ${path}\n`);
  return 0;
}

async function readExisting(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${errnoCode(error) ?? (error as Error).message}`);
  }
}
