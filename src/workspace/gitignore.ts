import createIgnore, { type Ignore } from 'ignore';

interface Level {
  /** Folder holding the rules, POSIX, '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * git's ignore rules, parsed by the `ignore` package (the one eslint and prettier use: `[!…]`
 * classes, escaped trailing spaces, `**` forms, `\#`/`\!`). Each .gitignore applies to its own
 * folder's subtree; rules of a deeper file take precedence over a shallower one, and within one
 * file the last matching rule wins, as in git. `.git/info/exclude` is added first, at the root, so
 * every .gitignore overrides it. (The walker never descends into an ignored folder, so "a file
 * cannot be re-included inside an excluded folder" holds as in git.)
 */
export class GitignoreMatcher {
  /** Shallowest first. */
  private readonly levels: Level[] = [];

  add(base: string, content: string): void {
    const existing = this.levels.find((l) => l.base === base);
    if (existing) {
      existing.rules.add(content);
      return;
    }
    this.levels.push({ base, rules: createIgnore({ allowRelativePaths: false }).add(content) });
    this.levels.sort((a, b) => depth(a.base) - depth(b.base));
  }

  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const level of this.levels) {
      if (level.base && !path.startsWith(`${level.base}/`)) continue;
      const sub = level.base ? path.slice(level.base.length + 1) : path;
      const verdict = level.rules.test(isDir ? `${sub}/` : sub);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }
}

const depth = (base: string) => (base === '' ? 0 : base.split('/').length);
