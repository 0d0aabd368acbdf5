import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withClone } from '../../src/workspace/git-clone.js';
import { HistoryRepo } from '../support/history-repo.js';

describe('withClone (real git, file:// transport)', () => {
  const repo = new HistoryRepo('nhi-clone-src-');
  const temp = mkdtempSync(join(tmpdir(), 'nhi-clone-parent-'));
  afterAll(() => {
    repo.cleanup();
    rmSync(temp, { recursive: true, force: true });
  });

  it('fetches the refs asked for into a bare temp clone, and removes it afterwards', async () => {
    const tip = repo.commit('A', '2024-01-01T00:00:00Z', { 'a.txt': 'hello\n' });
    const seen = await withClone({ url: `file://${repo.dir}`, refspecs: ['+refs/heads/main:refs/heads/main'], tempRoot: temp }, async (dir) => {
      expect(readdirSync(temp)).toHaveLength(1);
      return readdirSync(dir).includes('objects');
    });
    expect(seen).toBe(true);
    expect(tip).toMatch(/^[0-9a-f]{40}$/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('stops a fetch that passes its disk cap, with a clear error, and removes the folder', async () => {
    // Incompressible content, so the pack is as big as the data.
    writeFileSync(join(repo.dir, 'noise.bin'), randomBytes(8 * 1024 * 1024));
    repo.commit('B', '2024-01-02T00:00:00Z', {});
    await expect(withClone({ url: `file://${repo.dir}`, refspecs: ['+refs/heads/main:refs/heads/main'], tempRoot: temp, maxBytes: 1024 * 1024 }, async () => 'done')).rejects.toThrow(/passed its disk cap of 1048576 bytes/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('an unreachable origin is an error naming git fetch, never a hang', async () => {
    await expect(withClone({ url: 'http://127.0.0.1:9/none.git', refspecs: ['main'], tempRoot: temp, timeoutMs: 30_000 }, async () => 'done')).rejects.toThrow(/git fetch failed/);
    expect(readdirSync(temp)).toEqual([]);
  });
});
