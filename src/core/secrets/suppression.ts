/**
 * Inline suppression markers (docs/architecture.md, "Secrets"). Ours, plus gitleaks' and detect-secrets' markers so that
 * teams migrating from those tools keep their existing allow-comments.
 */
export const INLINE_ALLOW_MARKERS = ['nhi-steward:allow', 'gitleaks:allow', 'pragma: allowlist secret'] as const;

const markerPattern = new RegExp(INLINE_ALLOW_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');

/** True when the line text carries an allow marker (in any comment syntax; case-insensitive). */
export function hasAllowMarker(lineText: string): boolean {
  return markerPattern.test(lineText);
}
