import { terminalText } from '../core/report/escape.js';
import { levelRank, type Finding, type Level } from '../core/types.js';

/** GitHub shows at most 10 error and 10 warning annotations per step (and 10 notices). */
export const SHOWN_PER_LEVEL = 10;

export interface AnnotationCommand {
  kind: 'error' | 'warning' | 'notice';
  message: string;
  properties: { title: string; file: string; startLine: number; endLine?: number; startColumn?: number; endColumn?: number };
}

const KIND: Record<Level, AnnotationCommand['kind']> = { error: 'error', warning: 'warning', notice: 'notice', info: 'notice' };

/**
 * The findings worth an annotation, most important first within each kind: secrets before
 * identity findings, then by file and line. Everything else is in the job summary.
 */
export function annotationsFor(findings: Finding[]): AnnotationCommand[] {
  const sorted = mergePerIdentityAndLine(findings).sort(
    (a, b) => levelRank(b.level) - levelRank(a.level) || Number(b.rule.startsWith('secret/')) - Number(a.rule.startsWith('secret/')) || a.file.localeCompare(b.file) || a.line - b.line,
  );
  const counts = { error: 0, warning: 0, notice: 0 };
  const commands: AnnotationCommand[] = [];
  for (const finding of sorted) {
    const kind = KIND[finding.level];
    if (counts[kind] >= SHOWN_PER_LEVEL) continue;
    counts[kind]++;
    const singleLine = (finding.endLine ?? finding.line) === finding.line;
    commands.push({
      kind,
      // Line by line (a merged annotation lists one message per line): the log shows escape
      // sequences of a commit's author or a value as text, never as terminal codes.
      message: finding.message.split('\n').map(terminalText).join('\n'),
      properties: {
        title: finding.rule, // merged: "credential/no-rotation, identity/unowned"
        // @actions/core escapes only `%`, CR, LF, `:` and `,` in properties: a name's other control
        // characters would reach the log raw. Escaped, such a name no longer matches its file, so
        // GitHub shows the annotation in the run's summary instead of on the line.
        file: terminalText(finding.file),
        startLine: finding.line,
        endLine: finding.endLine ?? finding.line,
        ...(singleLine && finding.endColumn ? { startColumn: finding.column, endColumn: finding.endColumn } : {}),
      },
    });
  }
  return commands;
}

/**
 * One annotation per identity and line: an NHI without owner and without rotation is one
 * annotation listing both rules (at the higher level), not two of GitHub's 10 per step.
 */
function mergePerIdentityAndLine(findings: Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.identityId ? `${f.file}\0${f.line}\0${f.identityId}` : `\0${f.fingerprint}\0${f.file}\0${f.line}\0${f.column}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0];
    const top = group.reduce((a, b) => (levelRank(b.level) > levelRank(a.level) ? b : a));
    return { ...top, rule: group.map((f) => f.rule).join(', '), message: group.map((f) => f.message).join('\n') };
  });
}
