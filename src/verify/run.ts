import type { Finding, VerifySettings } from '../core/types.js';
import { SecretVault, verifyFindings, type VerifySummary } from './apply.js';
import { createVerifier, type VerdictCache } from './engine.js';
import { VERIFY_SPECS } from './specs.js';

export interface VerificationRunOptions {
  settings?: VerifySettings;
  /** Notes for the user: override hosts, unknown provider keys. Never a secret. */
  log?: (line: string) => void;
  cache?: VerdictCache;
  timeoutMs?: number;
}

/** One verification pass over a scan's findings (CLI, Action and App all use this). */
export async function runVerification(findings: Finding[], vault: SecretVault, options: VerificationRunOptions = {}): Promise<VerifySummary> {
  const endpoints = options.settings?.endpoints ?? {};
  const known = new Set(Object.values(VERIFY_SPECS).map((s) => s.provider));
  for (const provider of Object.keys(endpoints)) {
    if (!known.has(provider)) options.log?.(`verify: verify.endpoints.${provider} names no verifier (known: ${[...known].sort().join(', ')})`);
  }
  const verifier = createVerifier({ endpoints, log: options.log, cache: options.cache, timeoutMs: options.timeoutMs });
  return verifyFindings(findings, vault, verifier);
}
