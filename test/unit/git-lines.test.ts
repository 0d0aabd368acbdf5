import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineBatches } from '../../src/workspace/git-objects.js';

async function lines(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) out.push(...batch);
  return out;
}

describe('lineBatches (git output split into lines)', () => {
  it('keeps a UTF-8 path whole when a read ends inside one of its characters', async () => {
    const text = Buffer.from('abc src/ünïcode/файл.ts\ndef docs/日本語.md\n', 'utf8');
    // Every possible cut, including inside each multi-byte character.
    for (let cut = 1; cut < text.length; cut++) {
      expect(await lines([text.subarray(0, cut), text.subarray(cut)])).toEqual(['abc src/ünïcode/файл.ts', 'def docs/日本語.md']);
    }
  });

  it('keeps empty lines, a last line without LF, and lines longer than a read', async () => {
    const long = 'x'.repeat(100_000);
    expect(await lines([Buffer.from('a\n\nb'), Buffer.from(`${long.slice(0, 10)}`), Buffer.from(`${long.slice(10)}\nlast`)])).toEqual(['a', '', `b${long}`, 'last']);
  });
});
