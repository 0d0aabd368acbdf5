/**
 * A Node 24 binary for running the bundle the way `runs.using: node24` does, taken from the npm
 * registry's `node` package — but only from npm's local cache (`--offline`): tests never download
 * it. The install is kept in the OS temp dir and reused, so only the first run pays for unpacking.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const PREFIX = join(tmpdir(), 'nhi-steward-node24');
const BINARY = join(PREFIX, 'node_modules', '.bin', 'node');

export type Node24 = { path: string; version: string } | { missing: string };

async function versionOf(binary: string): Promise<string | undefined> {
  const out = await exec(binary, ['--version'], { timeout: 10_000 }).catch(() => undefined);
  const version = out?.stdout.trim();
  return version?.startsWith('v24.') ? version : undefined;
}

export async function findNode24(): Promise<Node24> {
  if (existsSync(BINARY)) {
    const version = await versionOf(BINARY);
    if (version) return { path: BINARY, version };
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await exec(npm, ['install', '--offline', '--no-audit', '--no-fund', '--no-save', '--prefix', PREFIX, 'node@24'], { timeout: 45_000 });
  } catch (error) {
    const reason = /ENOTCACHED/.test(String((error as { stderr?: string }).stderr ?? '')) ? 'node@24 is not in the npm cache' : (error as Error).message.split('\n')[0];
    return { missing: `${reason}. To run this test, install it once (this fills the cache too): npm install --prefix "${PREFIX}" node@24` };
  }
  const version = await versionOf(BINARY);
  return version ? { path: BINARY, version } : { missing: `npm installed node@24 into ${PREFIX}, but ${BINARY} is not a Node 24 binary` };
}

/**
 * The Node 24 binary a test runs, or the test skipped when there is none. `.ci/run` installs
 * Node 24 first and sets NHI_REQUIRE_NODE24: there, a missing Node 24 fails the test instead.
 */
export function node24OrSkip(node24: Node24, context: { skip(note?: string): never }): string {
  if ('path' in node24) return node24.path;
  if (process.env.NHI_REQUIRE_NODE24) throw new Error(`Node 24 is required here: ${node24.missing}`);
  return context.skip(node24.missing);
}
