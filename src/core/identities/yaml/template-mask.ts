/**
 * Helm / Go-template masking. A chart template is not YAML until rendered, but most of what an
 * extractor needs (kinds, most names, references) is plain text around the `{{ }}` actions. We
 * mask each action so a YAML parser can read the rest, keeping every line where it was:
 * - a line holding only actions (`{{- if .Values.x }}`, `{{ include "labels" . | nindent 4 }}`)
 *   becomes blank;
 * - an action inside a value or key becomes a placeholder scalar, which `unmask` turns back into
 *   the action's text so ids stay readable (`{{ .Values.name }}-worker`).
 * Actions spanning lines keep their line breaks (as blank lines) so later lines keep their numbers.
 */

const PLACEHOLDER = /__nhi_tpl_(\d+)__/g;

export interface MaskedTemplate {
  text: string;
  /** True when the input had at least one `{{ }}` action. */
  templated: boolean;
  /** Restores the actions inside a string read from `text`. */
  unmask(value: string): string;
}

export function hasTemplateActions(content: string): boolean {
  return content.includes('{{');
}

export function maskTemplates(content: string): MaskedTemplate {
  if (!hasTemplateActions(content)) return { text: content, templated: false, unmask: (v) => v };
  const actions: string[] = [];
  const out: string[] = [];
  let cursor = 0;
  for (let open = content.indexOf('{{', cursor); open !== -1; open = content.indexOf('{{', cursor)) {
    const close = content.indexOf('}}', open + 2);
    const end = close === -1 ? lineEnd(content, open) : close + 2;
    const action = content.slice(open, end);
    out.push(content.slice(cursor, open));
    const breaks = countBreaks(action);
    if (breaks > 0) out.push('\n'.repeat(breaks));
    else out.push(`__nhi_tpl_${actions.length}__`);
    actions.push(normalise(action));
    cursor = end;
  }
  out.push(content.slice(cursor));
  const text = blankActionOnlyLines(out.join(''));
  return {
    text,
    templated: true,
    unmask: (value) => (value.includes('__nhi_tpl_') ? value.replace(PLACEHOLDER, (_, i: string) => actions[Number(i)] ?? '{{ }}') : value),
  };
}

function lineEnd(content: string, from: number): number {
  const eol = content.indexOf('\n', from);
  return eol === -1 ? content.length : eol;
}

function countBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** `{{- .Values.x -}}` → `{{ .Values.x }}`: whitespace trimming markers are not part of the meaning. */
function normalise(action: string): string {
  // String operations, not an anchored `\s*…$` regex: an unclosed action can be a long line.
  let inner = action.slice(2);
  if (inner.endsWith('}}')) inner = inner.slice(0, -2);
  inner = inner.trim();
  if (inner.startsWith('-')) inner = inner.slice(1);
  if (inner.endsWith('-')) inner = inner.slice(0, -1);
  return `{{ ${inner.trim().replace(/\s+/g, ' ')} }}`;
}

/** Lines that held only actions (and their `-` trims / whitespace) carry no YAML: blank them. */
function blankActionOnlyLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.includes('__nhi_tpl_') && line.replace(PLACEHOLDER, '').trim() === '' ? '' : line))
    .join('\n');
}
