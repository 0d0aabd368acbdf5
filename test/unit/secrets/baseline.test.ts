import { describe, expect, it } from 'vitest';
import { readBaseline, writeBaseline } from '../../../src/core/secrets/baseline.js';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { DEFAULT_SCRYPT, legacyFingerprint, newSalt } from '../../../src/core/secrets/fingerprint.js';
import { defaultSettings, type Finding, type ScanSettings } from '../../../src/core/types.js';
import { acme, body } from './engine-fixtures.js';

const hash = (n: number) => n.toString(16).padStart(64, 'a');
const finding = (n: number, file: string, rule = 'secret/acme-token'): Finding => ({ rule, level: 'error', file, line: n, column: 1, message: 'm', fingerprint: 'f'.repeat(64), saltedHash: hash(n) });
const kdf = { salt: 'c2FsdHNhbHRzYWx0c2FsdA==', cost: DEFAULT_SCRYPT };

/** Settings with the baseline `text` loaded, as the CLI and Action load it. */
function withBaseline(text: string): ScanSettings {
  const loaded = readBaseline(text, 'baseline.json');
  return defaultSettings({ baseline: loaded.fingerprints, salted: loaded.salted ? [loaded.salted] : [] });
}

describe('baseline file', () => {
  it('writes version 2: the salt and scrypt cost once, one salted hash per secret, sorted by file then rule', () => {
    const text = writeBaseline([finding(2, 'b.ts'), finding(1, 'a.ts'), finding(2, 'c.ts')], kdf);
    expect(JSON.parse(text)).toEqual({
      version: 2,
      kdf: { name: 'scrypt', N: 32768, r: 8, p: 1, salt: kdf.salt },
      fingerprints: [
        { hash: hash(1), rule: 'secret/acme-token', file: 'a.ts' },
        { hash: hash(2), rule: 'secret/acme-token', file: 'b.ts' },
      ],
    });
    const read = readBaseline(text);
    expect(read.salted?.hashes).toEqual(new Set([hash(1), hash(2)]));
    expect(read.salted?.rules).toEqual(new Set(['secret/acme-token']));
    expect(read.kdf).toEqual(kdf);
    expect(text).not.toContain('f'.repeat(64)); // the published fingerprint is not what a baseline keeps
  });

  it('refuses to write a secret without its salted hash (it would fall back to something weaker)', () => {
    expect(() => writeBaseline([{ ...finding(1, 'a.ts'), saltedHash: undefined }], kdf)).toThrow(/no salted hash/);
  });

  it.each([
    ['{\n  "version": 1,\n  "fingerprints": [,]\n}', /not valid JSON at line 3 column 20/],
    ['{ "version": 1, "fingerprints": [ { "fingerprint": "a', /not valid JSON at line 1/],
    ['[]', /expected an object/],
    ['{ "version": 3, "fingerprints": [] }', /unsupported version 3/],
    ['{ "version": 1 }', /"fingerprints" must be an array/],
    ['{ "version": 1,\n "fingerprints": [\n  { "fingerprint": "' + 'ab'.repeat(32) + '" },\n  { "rule": "x" }\n] }', /fingerprints\[1\] \(line 4\)/],
    ['{ "version": 2, "fingerprints": [] }', /"kdf" must be/],
    // A hostile baseline must not make every scan allocate gigabytes, nor make guesses cheap.
    ['{ "version": 2, "kdf": { "name": "scrypt", "N": 1073741824, "r": 8, "p": 1, "salt": "c2FsdHNhbHQ=" }, "fingerprints": [] }', /N must be a power of two/],
    ['{ "version": 2, "kdf": { "name": "scrypt", "N": 16, "r": 8, "p": 1, "salt": "c2FsdHNhbHQ=" }, "fingerprints": [] }', /N must be a power of two/],
  ])('gives a clear error for %j', (text, message) => {
    expect(() => readBaseline(text)).toThrow(message);
  });

  it('suppresses by content: a moved secret stays suppressed, a new secret on the same line is not', () => {
    const scanner = createSecretScanner([acme]);
    const old = `acme_${body(11)}`;
    const fresh = `acme_${body(12)}`;
    const fileKdf = { salt: newSalt(), cost: DEFAULT_SCRYPT };
    const before = scanner.scan({ path: 'app.ts', content: `const k = "${old}";\n` }, defaultSettings({ hashSalt: fileKdf }));
    const settings = withBaseline(writeBaseline(before, fileKdf));
    const moved = scanner.scan({ path: 'lib/other.ts', content: `// moved\n\n\nexport const key = "${old}";\n` }, settings);
    expect(moved).toEqual([]);
    const replaced = scanner.scan({ path: 'app.ts', content: `const k = "${fresh}";\n` }, settings);
    expect(replaced.map((f) => f.line)).toEqual([1]);
  });

  it('two files with the same secret store different hashes (per-file salt: no precomputation across repositories)', () => {
    const scanner = createSecretScanner([acme]);
    const content = `const k = "acme_${body(11)}";\n`;
    const a = scanner.scan({ path: 'app.ts', content }, defaultSettings({ hashSalt: { salt: newSalt(), cost: DEFAULT_SCRYPT } }));
    const b = scanner.scan({ path: 'app.ts', content }, defaultSettings({ hashSalt: { salt: newSalt(), cost: DEFAULT_SCRYPT } }));
    expect(a[0].saltedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a[0].saltedHash).not.toBe(b[0].saltedHash);
  });

  it('migration: a version-1 baseline (unsalted sha256 entries written by earlier releases) still suppresses', () => {
    const scanner = createSecretScanner([acme]);
    const secret = `acme_${body(11)}`;
    const v1 = JSON.stringify({ version: 1, fingerprints: [{ fingerprint: legacyFingerprint('acme-token', secret), rule: 'secret/acme-token', file: 'app.ts' }] });
    const settings = withBaseline(v1);
    expect(readBaseline(v1).version).toBe(1);
    expect(scanner.scan({ path: 'moved.ts', content: `k = "${secret}"\n` }, settings)).toEqual([]);
    expect(scanner.scan({ path: 'app.ts', content: `k = "acme_${body(13)}"\n` }, settings)).toHaveLength(1);
  });
});
