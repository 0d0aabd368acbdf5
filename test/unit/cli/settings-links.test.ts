import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/workspace/settings.js';

describe('loadSettings: config and baseline links must not leave the scanned folder (issue 10)', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'nhi-settings-links-'));
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere', 'lenient.yml'), 'fail-on: none\n');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const repo = (name: string) => {
    const dir = join(base, name);
    mkdirSync(join(dir, '.github'), { recursive: true });
    return dir;
  };

  it('refuses a default config that links outside the folder', async () => {
    const dir = repo('outside-config');
    symlinkSync(join(base, 'elsewhere', 'lenient.yml'), join(dir, '.github', 'nhi-steward.yml'));
    await expect(loadSettings({ dir })).rejects.toThrow(/symbolic link leading outside/);
  });

  it('refuses a default baseline that links outside the folder', async () => {
    const dir = repo('outside-baseline');
    symlinkSync(join(base, 'elsewhere', 'lenient.yml'), join(dir, '.nhi-steward-baseline.json'));
    await expect(loadSettings({ dir })).rejects.toThrow(/baseline file .* symbolic link leading outside/);
  });

  it('reads a config that links to a file inside the folder, and one named on the command line', async () => {
    const dir = repo('inside-config');
    writeFileSync(join(dir, 'policy.yml'), 'fail-on: none\n');
    symlinkSync('../policy.yml', join(dir, '.github', 'nhi-steward.yml'));
    expect((await loadSettings({ dir })).failOn).toBe('none');
    const named = await loadSettings({ dir: repo('named-config'), config: join(base, 'elsewhere', 'lenient.yml') });
    expect(named.failOn).toBe('none');
  });
});
