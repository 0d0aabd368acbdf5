/**
 * README claim "layer rules enforced": ESLint (eslint.config.js, import-x/no-restricted-paths)
 * rejects an import that crosses a layer, by resolved path at any depth (docs/architecture.md,
 * "Layers"). Probe files are linted in place, as `npm run lint` would see them.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) });
  return result.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

describe('layer rules (lint)', () => {
  it('a file deep in src/core importing src/github or an entry point fails lint', { timeout: 60_000 }, async () => {
    const errors = await layerErrors('src/core/a/b/c.ts', "import type { RepoRef } from '../../../github/client.js';\nimport { run } from '../../../action/run.js';\nexport type X = RepoRef;\nvoid run;\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('src/core imports nothing else of the project');
  });

  it('src/core importing src/workspace fails too; core importing core passes', { timeout: 60_000 }, async () => {
    expect(await layerErrors('src/core/x.ts', "import { walkTree } from '../workspace/walk.js';\nvoid walkTree;\n")).toHaveLength(1);
    expect(await layerErrors('src/core/report/x.ts', "import { byteLength } from './limits.js';\nvoid byteLength;\n")).toEqual([]);
  });

  it('src/github and src/workspace at any depth never import cli, app or action', { timeout: 60_000 }, async () => {
    expect(await layerErrors('src/github/deep/er/x.ts', "import { createApp } from '../../../app/index.js';\nvoid createApp;\n")).toHaveLength(1);
    expect(await layerErrors('src/workspace/x.ts', "import { run } from '../action/run.js';\nvoid run;\n")).toHaveLength(1);
    // The other way round is the intended direction.
    expect(await layerErrors('src/cli/x.ts', "import { walkTree } from '../workspace/walk.js';\nvoid walkTree;\n")).toEqual([]);
  });
});
