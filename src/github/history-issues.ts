import { isIgnored } from '../core/scan.js';
import type { Finding, ScanSettings } from '../core/types.js';
import type { ExistingIssue } from './issue-sync.js';

/**
 * Secrets found only in commits (docs/history.md, "Issues for secrets in history"): a secret
 * pushed and removed in the same push, or removed before HEAD, is still in git history and needs
 * rotation. Its issue must not close just because the next push's scan (which looks at HEAD and
 * that push's commits) no longer sees it. Such an issue carries a hidden marker with the file
 * and the secrets' published fingerprints (the values a baseline lists; never the secret), and a
 * scan may close it only when that file is now in `paths-ignore` or every one of those
 * fingerprints is in the baseline. Otherwise it stays open until a person closes it.
 */
const HISTORY = /<!-- nhi-steward:history file=(\S*) fp=([0-9a-zA-Z:_,.-]*) -->/;

/** The marker for one secret issue's findings, or '' when all of them are still in the tree. */
export function historyMarker(findings: readonly Finding[]): string {
  const past = findings.filter((f) => f.commit && f.presentAtHead === false);
  if (past.length === 0) return '';
  const fingerprints = [...new Set(past.map((f) => f.fingerprint))].filter((fp) => /^[0-9a-zA-Z:_.-]+$/.test(fp));
  return `<!-- nhi-steward:history file=${encodeURIComponent(past[0].file)} fp=${fingerprints.join(',')} -->`;
}

/**
 * Whether an open issue is for secrets in history that are neither ignored nor baselined: it stays
 * open. `baselined`: published fingerprints a salted baseline entry accepted in this scan
 * (`ScanResult.baselined`, from a history scan that saw the secrets).
 */
export function keepsHistoryIssue(issue: Pick<ExistingIssue, 'body'>, settings: Partial<Pick<ScanSettings, 'baseline' | 'pathsIgnore'>>, baselined: readonly string[] = []): boolean {
  const match = HISTORY.exec(issue.body ?? '');
  if (!match) return false;
  let file: string;
  try {
    file = decodeURIComponent(match[1]);
  } catch {
    return true;
  }
  if (settings.pathsIgnore && isIgnored(file, { pathsIgnore: settings.pathsIgnore })) return false;
  const fingerprints = match[2].split(',').filter(Boolean);
  const accepted = (fp: string) => settings.baseline?.has(fp) === true || baselined.includes(fp);
  return !(fingerprints.length > 0 && fingerprints.every(accepted));
}
