import { describe, expect, it } from 'vitest';
import { readBaseline, writeBaseline } from '../../../src/core/secrets/baseline.js';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { defaultSettings, type Finding } from '../../../src/core/types.js';
import { acme, body } from './engine-fixtures.js';

const fp = (n: number) => n.toString(16).padStart(64, 'a');
const finding = (n: number, file: string, rule = 'secret/acme-token'): Finding => ({ rule, level: 'error', file, line: n, column: 1, message: 'm', fingerprint: fp(n) });

describe('baseline file', () => {
  it('round-trips fingerprints, one entry each, sorted by file then rule', () => {
    const text = writeBaseline([finding(2, 'b.ts'), finding(1, 'a.ts'), finding(2, 'c.ts')]);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      fingerprints: [
        { fingerprint: fp(1), rule: 'secret/acme-token', file: 'a.ts' },
        { fingerprint: fp(2), rule: 'secret/acme-token', file: 'b.ts' },
      ],
    });
    expect(readBaseline(text)).toEqual(new Set([fp(1), fp(2)]));
  });

  it.each([
    ['{\n  "version": 1,\n  "fingerprints": [,]\n}', /not valid JSON at line 3 column 20/],
    ['{ "version": 1, "fingerprints": [ { "fingerprint": "a', /not valid JSON at line 1/],
    ['[]', /expected an object/],
    ['{ "version": 2, "fingerprints": [] }', /unsupported version 2/],
    ['{ "version": 1 }', /"fingerprints" must be an array/],
    ['{ "version": 1,\n "fingerprints": [\n  { "fingerprint": "' + 'ab'.repeat(32) + '" },\n  { "rule": "x" }\n] }', /fingerprints\[1\] \(line 4\)/],
  ])('gives a clear error for %j', (text, message) => {
    expect(() => readBaseline(text)).toThrow(message);
  });

  it('suppresses by content: a moved secret stays suppressed, a new secret on the same line is not', () => {
    const scanner = createSecretScanner([acme]);
    const settings = defaultSettings();
    const old = `acme_${body(11)}`;
    const fresh = `acme_${body(12)}`;
    const before = scanner.scan({ path: 'app.ts', content: `const k = "${old}";\n` }, settings);
    const baseline = readBaseline(writeBaseline(before));
    const moved = scanner.scan({ path: 'app.ts', content: `// moved\n\n\nconst k = "${old}";\n` }, defaultSettings({ baseline }));
    expect(moved).toEqual([]);
    const replaced = scanner.scan({ path: 'app.ts', content: `const k = "${fresh}";\n` }, defaultSettings({ baseline }));
    expect(replaced.map((f) => f.line)).toEqual([1]);
  });
});
