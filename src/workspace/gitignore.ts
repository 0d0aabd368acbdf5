import { minimatch } from 'minimatch';

interface Rule {
  /** Folder holding the .gitignore, POSIX, '' for the root. */
  base: string;
  glob: string;
  negate: boolean;
  dirOnly: boolean;
}

/**
 * The subset of gitignore semantics a scanner needs: `#` comments, `!` negation, trailing `/` for
 * folders only, a leading or inner `/` anchoring to the .gitignore's folder, other patterns
 * matching at any depth, last match wins. Nested .gitignore files add rules for their subtree.
 * (The walker never descends into an ignored folder, so "cannot re-include inside an excluded
 * folder" holds as in git.)
 */
export class GitignoreMatcher {
  private readonly rules: Rule[] = [];

  add(base: string, content: string): void {
    for (const raw of content.split(/\r?\n/)) {
      const rule = parseLine(base, raw);
      if (rule) this.rules.push(rule);
    }
  }

  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.base && !path.startsWith(`${rule.base}/`)) continue;
      const sub = rule.base ? path.slice(rule.base.length + 1) : path;
      if (minimatch(sub, rule.glob, { dot: true })) ignored = !rule.negate;
    }
    return ignored;
  }
}

function parseLine(base: string, raw: string): Rule | undefined {
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  const negate = line.startsWith('!');
  if (negate) line = line.slice(1);
  if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1);
  const dirOnly = line.endsWith('/');
  if (dirOnly) line = line.replace(/\/+$/, '');
  const anchored = line.includes('/');
  line = line.replace(/^\/+/, '');
  if (line === '') return undefined;
  return { base, glob: anchored ? line : `**/${line}`, negate, dirOnly };
}
