import type { Finding, SaltedSuppression } from '../types.js';
import { checkScryptCost, DEFAULT_SCRYPT, type ScryptCost } from './fingerprint.js';

/**
 * `.nhi-stewardignore` (docs/security.md): one accepted finding per line, with a reason and an
 * optional expiry date.
 *
 *   kdf: scrypt N=32768 r=8 p=1 salt=3q2+7w==            (once, before any scrypt: entry)
 *   scrypt:9f86d0…  secret/github-classic-pat  expires=2027-03-31  # test fixture, revoked
 *   4be1c0…                                                        # keyed fingerprint from an issue
 *
 * An entry is a published fingerprint (hex, as issues, SARIF and JSON show it) or `scrypt:<hex>`, a
 * salted hash of the secret that keeps matching wherever the secret moves (`nhi-steward ignore`
 * writes those). An entry past its `expires` date stops suppressing and is reported as
 * `ignore/expired`. Lines starting with `#` are comments.
 */
export const IGNORE_FILE = '.nhi-stewardignore';

export interface IgnoreFile {
  fingerprints: Set<string>;
  salted?: SaltedSuppression;
  kdf?: { salt: string; cost: ScryptCost };
  /** `ignore/expired` findings, one per expired entry. */
  expired: Finding[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEX = /^[0-9a-f]{16,128}$/i;

/** Parses the ignore file; throws an Error naming the line of the first problem. */
export function readIgnoreFile(text: string, path: string, now: Date): IgnoreFile {
  const fingerprints = new Set<string>();
  const hashes = new Set<string>();
  const rules = new Set<string>();
  let anyRule = false;
  let kdf: IgnoreFile['kdf'];
  const expired: Finding[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const hashAt = raw.indexOf('#');
    const body = (hashAt === -1 ? raw : raw.slice(0, hashAt)).trim();
    const reason = hashAt === -1 ? '' : raw.slice(hashAt + 1).trim();
    if (body === '') return;
    const fail = (message: string): never => {
      throw new Error(`${path}:${lineNo}: ${message}`);
    };
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(raw)) fail('control characters are not allowed');
    if (body.startsWith('kdf:')) {
      if (kdf) fail('a second "kdf:" line');
      const m = /^kdf:\s*scrypt\s+N=(\d+)\s+r=(\d+)\s+p=(\d+)\s+salt=([A-Za-z0-9+/=]{8,})$/.exec(body);
      if (!m) fail('expected "kdf: scrypt N=<n> r=<r> p=<p> salt=<base64>"');
      const cost = { N: Number(m![1]), r: Number(m![2]), p: Number(m![3]) };
      const problem = checkScryptCost(cost);
      if (problem) fail(problem);
      kdf = { salt: m![4], cost };
      return;
    }
    const words = body.split(/\s+/);
    const [entry, ...rest] = words;
    let rule: string | undefined;
    let expires: string | undefined;
    for (const word of rest) {
      if (word.startsWith('expires=')) {
        expires = word.slice('expires='.length);
        if (!DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) fail(`"${word.slice(0, 40)}": expected expires=YYYY-MM-DD`);
      } else if (/^[a-z0-9-]+\/[a-z0-9./-]+$/i.test(word) && rule === undefined) {
        rule = word;
      } else {
        fail(`unexpected "${word.slice(0, 40)}": an entry is "<fingerprint> [rule] [expires=YYYY-MM-DD] # reason"`);
      }
    }
    if (reason === '') fail('every entry needs a reason after "#"');
    const salted = entry.startsWith('scrypt:');
    const value = salted ? entry.slice('scrypt:'.length) : entry;
    if (!HEX.test(value)) fail(`"${entry.slice(0, 24)}…" is not a fingerprint (hex) or scrypt:<hex> entry`);
    if (salted && !kdf) fail('a scrypt: entry needs a "kdf:" line before it');
    if (expires !== undefined && Date.parse(`${expires}T23:59:59.999Z`) < now.getTime()) {
      expired.push({
        rule: 'ignore/expired',
        level: 'warning',
        file: path,
        line: lineNo,
        column: 1,
        message: `Ignore entry expired on ${expires}; the finding it covered is reported again.`,
        fingerprint: value.slice(0, 64).toLowerCase(),
      });
      return;
    }
    if (salted) {
      hashes.add(value.toLowerCase());
      if (rule) rules.add(rule);
      else anyRule = true;
    } else {
      fingerprints.add(value.toLowerCase());
    }
  });
  const salted = kdf && hashes.size > 0 ? { source: path, salt: kdf.salt, cost: kdf.cost, hashes, rules: anyRule ? new Set<string>() : rules } : undefined;
  return { fingerprints, salted, kdf, expired };
}

/** Lines to append for new entries (and the `kdf:` line when the file has none yet). */
export function ignoreEntries(entries: { hash: string; rule: string; reason: string; expires?: string }[], kdf: { salt: string; cost: ScryptCost }, hasKdf: boolean): string {
  const lines: string[] = [];
  if (!hasKdf) lines.push(`kdf: scrypt N=${kdf.cost.N} r=${kdf.cost.r} p=${kdf.cost.p} salt=${kdf.salt}`);
  for (const e of entries) {
    const reason = e.reason.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    lines.push(`scrypt:${e.hash} ${e.rule}${e.expires ? ` expires=${e.expires}` : ''} # ${reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export { DEFAULT_SCRYPT };

/**
 * `.gitleaksignore` entries that map onto our findings: `file:rule:line` (a finding of any secret
 * rule at that file and line; gitleaks' rule ids are not ours). Entries naming a commit
 * (`commit:file:rule:line`) refer to history and are not mapped. Returns `file:line` keys.
 */
export function readGitleaksIgnore(text: string): { locations: Set<string>; unmapped: number } {
  const locations = new Set<string>();
  let unmapped = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    const lineNo = Number(parts[parts.length - 1]);
    if (parts.length === 3 && Number.isInteger(lineNo) && lineNo > 0 && parts[0] !== '') locations.add(`${parts[0]}:${lineNo}`);
    else unmapped++;
  }
  return { locations, unmapped };
}
