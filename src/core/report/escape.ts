/**
 * The one way a value from a scanned repository (a file name, an identity id, an owner, a message)
 * enters Markdown that GitHub renders: issue bodies, check-run summaries, the dashboard, job
 * summaries, owners-file snippets (docs/security.md, "Injection"). A code span shows its content
 * literally: no @mention notifies, no link or image renders, no HTML runs.
 */

/** Control characters (C0 other than tab, DEL, C1) and Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Bidirectional overrides that can make a code span read differently than it is. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** Longest value shown in full; longer ones are cut (with an ellipsis) so one value cannot flood a body. */
const MAX_LENGTH = 300;

/**
 * `value` as a Markdown code span: control characters are shown escaped (`\n`), the fence is one backtick longer than the longest run of backticks inside, and a value that
 * starts or ends with a backtick or space is padded. `table: true` also escapes `|` (GitHub's table
 * parser splits cells on it even inside code spans).
 */
export function code(value: string, options: { table?: boolean } = {}): string {
  let text = visible(value);
  if (options.table) text = text.replace(/\|/g, '\\|');
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** `value` as plain text (an issue title, a YAML comment): one line, control characters shown escaped, bounded. */
export function plainText(value: string): string {
  return visible(value.replace(/\r?\n/g, ' '));
}

export const titleText = plainText;

/** True when `value` has a control character (ids and paths with one are refused where they are read). */
export function hasControlCharacters(value: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value);
}

/** What `terminalText` escapes: C0 (tab too), DEL, C1, line/paragraph separators, bidirectional overrides. */
const TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `value` as a terminal shows it: every control character (tab and line breaks included) and every
 * bidirectional override written as an escape (`\n`, `\u001b`, `\u202e`), nothing cut. For the
 * text report and the Action's log lines, whose file names and commit authors come from the
 * scanned repository: a history scan reads any name git stores, and a name holding escape
 * sequences could otherwise repaint the terminal, hide the lines above it or reorder what a line
 * says (docs/security.md, "Injection").
 */
export function terminalText(value: string): string {
  return value.replace(TERMINAL, escaped);
}

/** One character as its escape: `\n`, `\r`, `\t`, else `\uXXXX`. */
function escaped(ch: string): string {
  return ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function visible(value: string): string {
  const cut = value.length > MAX_LENGTH ? `${value.slice(0, MAX_LENGTH)}…` : value;
  return cut.replace(CONTROL, escaped).replace(BIDI, ''); // CONTROL leaves tabs alone
}

/**
 * `value` as Markdown text that renders as written: one line, Markdown punctuation backslash-escaped,
 * `<` and `>` as entities, and a zero-width space after `@` so no one is mentioned.
 */
export function markdownText(value: string): string {
  return plainText(value)
    .replace(/[\\`*_{}[\]#+!|~]/g, '\\$&') // ( ) are harmless once [ ] are escaped
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200b');
}
