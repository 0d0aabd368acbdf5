import { createHash } from 'node:crypto';

/**
 * The only way a secret leaves the core (SPEC §2.2): the detector's documented prefix, an ellipsis,
 * and at most 4 trailing characters — fewer for short secrets, so that no more than a quarter of
 * the value is ever shown. `ghp_…Q7zK`.
 */
export function redact(secret: string, prefix?: string): string {
  const shownPrefix = prefix && secret.startsWith(prefix) && prefix.length < secret.length / 2 ? prefix : '';
  const rest = secret.slice(shownPrefix.length);
  const tail = Math.min(4, Math.floor(rest.length / 4));
  return `${shownPrefix}…${tail > 0 ? rest.slice(-tail) : ''}`;
}

/** Hex digest of detector id + secret value: stable across moves and line changes. */
export function secretFingerprint(detectorId: string, secret: string): string {
  return createHash('sha256').update(detectorId).update('\0').update(secret).digest('hex');
}
