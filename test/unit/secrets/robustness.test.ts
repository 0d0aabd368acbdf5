import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretScanner, scanSecrets } from '../../../src/core/secrets/engine.js';
import { secretFingerprint } from '../../../src/core/secrets/redact.js';
import { toSourceFile } from '../../../src/core/source.js';
import { defaultSettings, type SourceFile } from '../../../src/core/types.js';
import { acme, body, detector, generic, keyId, keySecret, pem } from './engine-fixtures.js';

/**
 * Bad input never crashes or hangs a scan. No timing assertions: a quadratic or exponential
 * path turns these inputs into a test timeout, which is the failure we guard against.
 */
const scanner = createSecretScanner([acme, generic, keyId, keySecret, pem]);
const settings = defaultSettings();
const token = `acme_${body(21)}`;

describe('robustness', () => {
  it('scans a 20 MB single-line minified file and finds a secret deep inside it', () => {
    const filler = 'function(a){return a.token?a.secret:acme_x}'.repeat(20 * 1024 * 1024 / 44);
    const half = Math.floor(filler.length / 2);
    const content = `${filler.slice(0, half)};var k="${token}";${filler.slice(half)}`;
    const findings = scanner.scan({ path: 'dist/app.min.js', content }, settings);
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([['secret/acme-token', 1, half + 9]]);
  });

  it('counts lines right with CRLF endings', () => {
    const content = `a: 1\r\nb: 2\r\nkey: ${token}\r\n`;
    const [finding] = scanner.scan({ path: 'c.yml', content }, settings);
    expect([finding.line, finding.column, finding.endLine, finding.endColumn]).toEqual([3, 6, 3, 6 + token.length]);
  });

  it('decodes invalid UTF-8 with replacement characters and still scans the rest', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`k=${token}\n`)]);
    const file = toSourceFile('weird.txt', bytes, settings) as SourceFile;
    const [finding] = scanner.scan(file, settings);
    expect(finding.line).toBe(2);
    expect(finding.fingerprint).toBe(secretFingerprint('acme-token', token));
  });

  it('skips files with NUL bytes as binary', () => {
    const bytes = Buffer.concat([Buffer.from(token), Buffer.from([0, 1, 2])]);
    expect(toSourceFile('img.png', bytes, settings)).toMatchObject({ reason: 'binary' });
  });

  it('stays linear on long runs of keyword-ish text', () => {
    const runs = ['acme_', 'token', 'secret=', 'zkid', 'zeta_secret = ', '-----BEGIN TEST PRIVATE KEY-----\n', 'acme_A', 'token = "'];
    fc.assert(
      fc.property(fc.constantFrom(...runs), fc.constantFrom('', '\n', ' ', 'a'), (run, separator) => {
        const content = (run + separator).repeat(Math.ceil(400_000 / (run.length + separator.length)));
        expect(() => scanner.scan({ path: 'run.txt', content }, settings)).not.toThrow();
      }),
      { numRuns: 16 },
    );
  });

  it('bounds the work of a detector whose regex backtracks on every attempt', () => {
    // `[a-z]*` then a required `=`: on a run of letters each attempt scans to the end of the run.
    const sloppy = detector({ id: 'sloppy', keywords: ['token'], pattern: /token[a-z]*=(?<secret>[a-z0-9]{12,})/ });
    const content = 'token'.repeat(200_000);
    expect(createSecretScanner([sloppy], { wholeFileBelow: 0 }).scan({ path: 'run.txt', content }, settings)).toEqual([]);
  });

  it('the real catalog survives a dense 2 MB file of mixed keywords', () => {
    const words = ['ghp_', 'AKIA', 'xoxb-', 'sk_live_', 'password=', 'token: ', 'secret', 'eyJ', '-----BEGIN', 'https://u:p@', 'npm_', 'glpat-'];
    const parts: string[] = [];
    for (let i = 0, size = 0; size < 2_000_000; i += 1) {
      const part = `${words[i % words.length]}${body(i, 8 + (i % 40))}${i % 7 === 0 ? '\n' : ' '}`;
      parts.push(part);
      size += part.length;
    }
    expect(() => scanSecrets({ path: 'mixed.txt', content: parts.join('') }, settings)).not.toThrow();
  });
});
