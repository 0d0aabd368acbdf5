/**
 * Reads the unified diff GitHub gives for each PR file (`patch`). From it we know which head lines
 * the PR added, and we can rebuild those lines at their real line numbers without downloading the
 * file: secrets are judged only on added lines, so the patch holds everything the secret scan needs.
 */
export interface PatchView {
  /** 1-based head line numbers added by the PR. */
  addedLines: Set<number>;
  /** Head-file text with every line the patch shows in place and other lines left empty. */
  sparseContent: string;
}

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function readPatch(patch: string): PatchView {
  const addedLines = new Set<number>();
  const lines: string[] = [];
  let headLine = 0;
  for (const raw of patch.split('\n')) {
    const header = HUNK_HEADER.exec(raw);
    if (header) {
      headLine = Number(header[1]);
      continue;
    }
    if (headLine === 0 || raw.startsWith('\\')) continue; // before the first hunk, or "\ No newline"
    const marker = raw[0];
    if (marker === '-') continue;
    const text = marker === '+' || marker === ' ' ? raw.slice(1) : raw;
    if (marker === '+') addedLines.add(headLine);
    lines[headLine - 1] = text;
    headLine++;
  }
  const filled = Array.from({ length: lines.length }, (_, i) => lines[i] ?? '');
  return { addedLines, sparseContent: filled.join('\n') };
}
