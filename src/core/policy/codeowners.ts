/**
 * GitHub CODEOWNERS, read as a starting point for NHI owners: `owners init` suggests the code
 * owner of each declaring file, and the PR check's snippet for an unowned NHI names it. Patterns
 * follow GitHub's rules: gitignore-style globs, the last matching line wins, a pattern without a
 * `/` matches at any depth, a leading `/` anchors to the root, a trailing `/` means a directory.
 */
import { minimatch } from 'minimatch';

/** Where GitHub looks, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
}

export interface Codeowners {
  path: string;
  rules: CodeownersRule[];
}

export function parseCodeowners(path: string, content: string): Codeowners {
  const rules: CodeownersRule[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!text) return;
    const [pattern, ...owners] = text.split(/\s+/);
    rules.push({ pattern, owners: owners.filter((o) => /^@|@/.test(o)), line: index + 1 });
  });
  return { path, rules };
}

function globsOf(pattern: string): string[] {
  let p = pattern;
  const anchored = p.startsWith('/');
  if (anchored) p = p.slice(1);
  const directory = p.endsWith('/');
  if (directory) p = p.slice(0, -1);
  if (!anchored && !p.includes('/')) p = `**/${p}`;
  return directory ? [`${p}/**`] : [p, `${p}/**`];
}

/** The owners (and the rule) CODEOWNERS gives a file; undefined when no line matches or it names none. */
export function codeownersFor(codeowners: Codeowners | undefined, file: string): CodeownersRule | undefined {
  if (!codeowners) return undefined;
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (globsOf(rule.pattern).some((glob) => minimatch(file, glob, { dot: true }))) return rule.owners.length > 0 ? rule : undefined;
  }
  return undefined;
}
