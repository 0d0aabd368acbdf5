import { LEVELS, type Finding, type Level, type ScanResult } from '../types.js';
import type { RenderContext, Renderer } from './renderer.js';
import { countByLevel } from './rule-help.js';

/** ANSI styles per level; used only when the caller says the terminal takes colors. */
const LEVEL_STYLE: Record<Level, string> = { error: '31', warning: '33', notice: '36', info: '2' };

type Paint = (code: string, text: string) => string;
const painter = (color: boolean | undefined): Paint => (color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text);

/**
 * The readable terminal report: findings grouped by file, one line each (line:col, level, rule,
 * message, redacted value), then the skipped files and a summary line.
 */
export const textRenderer: Renderer = {
  format: 'text',
  render(result: ScanResult, context: RenderContext): string {
    const paint = painter(context.color);
    const out: string[] = [];
    for (const [file, findings] of groupByFile(result.findings)) {
      out.push(paint('1;4', file));
      const width = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length));
      for (const f of findings) out.push(findingLine(f, width, paint));
      out.push('');
    }
    if (result.skipped.length > 0) {
      out.push(paint('1', `Skipped ${result.skipped.length} file(s):`));
      for (const s of result.skipped) out.push(`  ${s.path}  ${paint('2', `${s.reason}: ${s.detail}`)}`);
      out.push('');
    }
    out.push(summaryLine(result, context, paint));
    return `${out.join('\n')}\n`;
  },
};

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.file) ?? [];
    list.push(f);
    groups.set(f.file, list);
  }
  return groups;
}

function findingLine(f: Finding, width: number, paint: Paint): string {
  const where = `${f.line}:${f.column}`.padEnd(width);
  const level = paint(LEVEL_STYLE[f.level], f.level.padEnd(7));
  // The message may already quote the redacted value; only add it when it does not.
  const value = f.redacted && !f.message.includes(f.redacted) ? `  ${paint('1', f.redacted)}` : '';
  const identity = f.identityId && !f.message.includes(f.identityId) ? `  ${paint('2', f.identityId)}` : '';
  return `  ${paint('2', where)}  ${level}  ${f.message}${value}${identity}  ${paint('2', f.rule)}`;
}

function summaryLine(result: ScanResult, context: RenderContext, paint: Paint): string {
  const counts = countByLevel(result.findings);
  const levels = LEVELS.filter((l) => counts[l] > 0).map((l) => paint(LEVEL_STYLE[l], `${counts[l]} ${plural(l, counts[l])}`));
  const found = result.findings.length === 0 ? paint('32', 'No findings') : `${result.findings.length} finding(s): ${levels.join(', ')}`;
  const files = new Set(result.findings.map((f) => f.file)).size;
  const where = result.findings.length > 0 ? ` in ${files} file(s)` : '';
  const stats = `${result.stats.files} file(s) scanned in ${context.root}, ${result.inventory.length} NHI(s), ${result.skipped.length} skipped`;
  return `${found}${where}. ${stats}.`;
}

function plural(level: Level, n: number): string {
  return n === 1 ? level : `${level}s`;
}
