/**
 * An allow marker on any line a multi-line secret spans suppresses it, not only on its first line
 * (a PEM block is commented where it ends as often as where it starts). Kills the mutation that
 * checks only `part.line` in the engine's `reportable` (src/core/secrets/engine.ts).
 */
import { describe, expect, it } from 'vitest';
import { createSecretScanner } from '../../../src/core/secrets/engine.js';
import { defaultSettings } from '../../../src/core/types.js';
import { body, detector } from './engine-fixtures.js';

/** A block whose secret runs through its END line, as real key blocks do. */
const block = detector({
  id: 'test-key-block',
  keywords: ['-----begin test key-----'],
  pattern: /-----BEGIN TEST KEY-----\n(?<secret>[A-Za-z0-9+/=\n]{40,}?\n-----END TEST KEY-----)/,
});
const scanner = createSecretScanner([block]);
const scan = (content: string, addedLines?: Set<number>) => scanner.scan({ path: 'deploy/key.yaml', content, ...(addedLines ? { addedLines } : {}) }, defaultSettings());
const lines = [body(11, 64), body(12, 64), body(13, 20)];
const text = (endMarker = '', beforeMarker = '') => `name: deploy${beforeMarker}\n-----BEGIN TEST KEY-----\n${lines.join('\n')}\n-----END TEST KEY-----${endMarker}\n`;

describe('allow markers on multi-line secrets', () => {
  it('the block is found, spanning its lines', () => {
    expect(scan(text()).map((f) => [f.rule, f.line, f.endLine])).toEqual([['secret/test-key-block', 3, 6]]);
  });

  it('a marker on the last line the secret spans suppresses it (full scan and PR mode)', () => {
    expect(scan(text(' # nhi-steward:allow'))).toEqual([]);
    // In a change mode the silenced secret on added lines is a notice for the reviewer, never a secret finding.
    expect(scan(text(' # gitleaks:allow'), new Set([2, 3, 4, 5, 6])).map((f) => [f.rule, f.level])).toEqual([['suppression/inline-allow', 'notice']]);
  });

  it('a marker outside the lines the secret spans does not', () => {
    expect(scan(text('', ' # nhi-steward:allow'))).toHaveLength(1);
  });
});
