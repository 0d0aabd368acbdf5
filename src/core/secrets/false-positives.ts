import type { Detector } from './detector.js';

export interface Candidate {
  detector: Detector;
  /** The captured secret. */
  secret: string;
  /** The whole line the secret sits on. */
  line: string;
  path: string;
}

/**
 * PLACEHOLDER until the false-positive filters land (issue #2). Returns the reason a candidate is
 * not a real secret (placeholder, reference, documented example, hash, UUID, low entropy…), or
 * undefined when it should be reported.
 */
export function falsePositiveReason(_candidate: Candidate): string | undefined {
  return undefined;
}

/** Lock files hold integrity hashes and URLs, never secrets worth a finding. */
export function isLockFile(path: string): boolean {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|packages\.lock\.json|gradle\.lockfile|bun\.lockb?|uv\.lock)$/.test(path);
}
