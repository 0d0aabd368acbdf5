import { LEVELS, type Finding, type Level, type ScanResult, type Skipped } from '../types.js';
import { terminalText } from './escape.js';
import { wasReadInPieces } from '../secrets/pieces.js';
import type { RenderContext, Renderer } from './renderer.js';
import { countByLevel } from './rule-help.js';

/** ANSI styles per level; used only when the caller says the terminal takes colors. */
const LEVEL_STYLE: Record<Level, string> = { error: '31', warning: '33', notice: '36', info: '2' };

type Paint = (code: string, text: string) => string;
const painter = (color: boolean | undefined): Paint => (color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text);

/** Skips that are routine in any repository (images, archives, huge files): counted, listed with --verbose. */
const ROUTINE_SKIPS: ReadonlySet<Skipped['reason']> = new Set(['binary', 'too-large']);

/**
 * The readable terminal report: a one-line summary first, then secrets (the urgent part), then
 * identity and owners-file findings, each grouped by file, one short line each (line:col, level,
 * message, redacted value, rule). Fix guidance lives in `nhi-steward explain RULE`, not on every
 * line; `verbose` prints the full messages and every skipped file. Every value from the scanned
 * repository (file names, messages quoting a commit's author, values) goes through `terminalText`.
 */
export const textRenderer: Renderer = {
  format: 'text',
  render(result: ScanResult, context: RenderContext): string {
    const paint = painter(context.color);
    const out: string[] = context.quiet ? [] : [summaryLine(result, context, paint)];
    const secrets = result.findings.filter(isSecret);
    const silenced = result.findings.filter(isSilenced);
    const others = result.findings.filter((f) => !isSecret(f) && !isSilenced(f));
    for (const [title, findings] of [['Secrets', secrets], ['Secrets silenced by markers this change adds', silenced], ['Identities and owners file', others]] as const) {
      if (findings.length === 0) continue;
      if (out.length > 0) out.push('');
      out.push(paint('1', `${title} (${findings.length})`));
      for (const [file, group] of groupByFile(findings)) {
        out.push('', paint('1;4', terminalText(file)));
        const width = Math.max(...group.map((f) => `${f.line}:${f.column}`.length));
        for (const f of group) out.push(findingLine(f, width, paint, context.verbose === true));
      }
    }
    if (context.quiet) return out.length > 0 ? `${out.join('\n')}\n` : '';
    const listed = context.verbose ? result.skipped : result.skipped.filter((s) => !ROUTINE_SKIPS.has(s.reason));
    if (listed.length > 0) {
      out.push('', paint('1', `Skipped ${listed.length} file(s):`));
      for (const s of listed) out.push(`  ${terminalText(s.path)}  ${paint('2', terminalText(`${s.reason}: ${s.detail}`))}`);
    }
    // Files over max-file-size read in pieces were scanned for secrets: not counted as skipped.
    const pieces = context.verbose ? 0 : result.skipped.filter(wasReadInPieces).length;
    const hidden = result.skipped.length - listed.length - pieces;
    if (hidden > 0) out.push('', paint('2', `${hidden} binary or oversized file(s) skipped (--verbose lists them).`));
    if (pieces > 0) out.push('', paint('2', `${pieces} file(s) over max-file-size scanned for secrets only, in pieces (--verbose lists them).`));
    if (result.findings.length > 0) {
      const example = mostCommonRule(others) ?? mostCommonRule(silenced) ?? mostCommonRule(secrets);
      out.push('', paint('2', `What each rule means and how to fix it: nhi-steward explain RULE (e.g. nhi-steward explain ${example}).`));
    }
    return `${out.join('\n')}\n`;
  },
};

function mostCommonRule(findings: readonly Finding[]): string | undefined {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function isSecret(f: Finding): boolean {
  return f.rule.startsWith('secret/');
}

function isSilenced(f: Finding): boolean {
  return f.rule === 'suppression/inline-allow';
}

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.file) ?? [];
    list.push(f);
    groups.set(f.file, list);
  }
  return groups;
}

/**
 * The headline of a finding message: policy messages read "<what is wrong>: <how to fix it>", and
 * the fix is what `explain` prints, so the line keeps only the first part.
 */
export function shortMessage(message: string): string {
  // "live: rotate now" is a verification verdict (src/verify/apply.ts), not fix advice: it stays.
  const cut = /(?::|\.)\s+(?:add|rotate(?!\s+now\b)|give|remove|use|correct|renew|fix|delete|name)\b/i.exec(message);
  return cut && cut.index > 0 ? message.slice(0, cut.index) : message;
}

function findingLine(f: Finding, width: number, paint: Paint, verbose: boolean): string {
  const where = `${f.line}:${f.column}`.padEnd(width);
  const level = paint(LEVEL_STYLE[f.level], f.level.padEnd(7));
  const message = verbose ? f.message : shortMessage(f.message);
  // The message may already quote the redacted value; only add it when it does not.
  const value = f.redacted && !message.includes(f.redacted) ? `  ${paint('1', terminalText(f.redacted))}` : '';
  const identity = f.identityId && !message.includes(f.identityId) ? `  ${paint('2', terminalText(f.identityId))}` : '';
  return `  ${paint('2', where)}  ${level}  ${terminalText(message)}${value}${identity}  ${paint('2', f.rule)}`;
}

function summaryLine(result: ScanResult, context: RenderContext, paint: Paint): string {
  const counts = countByLevel(result.findings);
  const levels = LEVELS.filter((l) => counts[l] > 0).map((l) => paint(LEVEL_STYLE[l], `${counts[l]} ${plural(l, counts[l])}`));
  const secrets = result.findings.filter(isSecret).length;
  const silenced = result.findings.filter(isSilenced).length;
  const kinds = [`${secrets} secret(s)`, ...(silenced > 0 ? [`${silenced} silenced inline`] : []), `${result.findings.length - secrets - silenced} identity/owners`];
  const found = result.findings.length === 0 ? paint('32', 'No findings') : `${result.findings.length} finding(s) (${kinds.join(', ')}): ${levels.join(', ')}`;
  const files = new Set(result.findings.map((f) => f.file)).size;
  const where = result.findings.length > 0 ? ` in ${files} file(s)` : '';
  const stats = context.history
    ? `${result.stats.files} unique blob(s) of ${context.history.commits} commit(s) scanned in ${terminalText(context.root)}, ${result.skipped.length} skipped`
    : `${result.stats.files} file(s) scanned in ${terminalText(context.root)}, ${result.inventory.length} NHI(s), ${result.skipped.length} skipped`;
  return `${found}${where}. ${stats}.`;
}

function plural(level: Level, n: number): string {
  return n === 1 ? level : `${level}s`;
}
