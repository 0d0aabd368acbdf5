import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { DEFAULT_SCRYPT, newSalt } from '../../../src/core/secrets/fingerprint.js';
import { ignoreEntries, readGitleaksIgnore, readIgnoreFile } from '../../../src/core/secrets/ignore-file.js';
import { defaultSettings } from '../../../src/core/types.js';
import { acme, body } from './engine-fixtures.js';

const now = new Date('2026-12-03T12:00:00Z');

describe('.nhi-stewardignore', () => {
  it('a salted entry suppresses the secret wherever it moves; an expired entry stops suppressing and is reported', () => {
    const scanner = createSecretScanner([acme]);
    const secret = `acme_${body(21)}`;
    const kdf = { salt: newSalt(), cost: DEFAULT_SCRYPT };
    const [found] = scanner.scan({ path: 'a.ts', content: `k = "${secret}"\n` }, defaultSettings({ hashSalt: kdf }));
    const live = ignoreEntries([{ hash: found.saltedHash!, rule: found.rule, reason: 'test fixture', expires: '2027-01-01' }], kdf, false);
    const loaded = readIgnoreFile(live, '.nhi-stewardignore', now);
    expect(loaded.expired).toEqual([]);
    const settings = defaultSettings({ salted: [loaded.salted!] });
    expect(scanner.scan({ path: 'elsewhere/b.ts', content: `\n\nx = "${secret}"\n` }, settings)).toEqual([]);

    const expired = ignoreEntries([{ hash: found.saltedHash!, rule: found.rule, reason: 'test fixture', expires: '2026-11-30' }], kdf, false);
    const old = readIgnoreFile(expired, '.nhi-stewardignore', now);
    expect(old.salted).toBeUndefined();
    expect(old.expired).toEqual([expect.objectContaining({ rule: 'ignore/expired', file: '.nhi-stewardignore', line: 2, message: expect.stringContaining('2026-11-30') })]);
  });

  it('published fingerprints are accepted as they are', () => {
    const fp = 'ab'.repeat(32);
    expect(readIgnoreFile(`# comment\n${fp} # accepted: docs example\n`, 'x', now).fingerprints).toEqual(new Set([fp]));
  });

  it.each([
    ['abcdef0123456789abcdef', /:1: every entry needs a reason/],
    ['scrypt:' + 'ab'.repeat(32) + ' # r', /:1: a scrypt: entry needs a "kdf:" line/],
    ['not-hex # r', /:1: "not-hex…" is not a fingerprint/],
    ['\n' + 'ab'.repeat(32) + ' expires=tomorrow # r', /:2: "expires=tomorrow": expected expires=YYYY-MM-DD/],
    ['kdf: scrypt N=16 r=8 p=1 salt=c2FsdHNhbHQ=', /:1: N must be a power of two/],
  ])('%j: a clear error naming the line', (text, message) => {
    expect(() => readIgnoreFile(text, '.nhi-stewardignore', now)).toThrow(message);
  });
});

describe('.gitleaksignore', () => {
  it('maps file:rule:line entries to locations; commit-qualified entries are not mapped', () => {
    const read = readGitleaksIgnore('# c\nsrc/a.ts:generic-api-key:12\n0123abc:src/b.ts:aws:3\n');
    expect(read.locations).toEqual(new Set(['src/a.ts:12']));
    expect(read.unmapped).toBe(1);
  });
});
