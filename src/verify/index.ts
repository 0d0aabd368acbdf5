/**
 * Live verification of found secrets (opt-in: `scan --verify`, `verify: on`). See
 * docs/verification.md. Nothing here runs unless the user switched it on.
 */
export { SecretVault, applyVerdict, safeText, summaryLine, verifyFindings, type VerifySummary } from './apply.js';
export { createVerifier, resolveTarget, type Verifier, type VerifierOptions, type VerifyResult, type VerdictCache } from './engine.js';
export { VERIFY_SPECS, UNVERIFIABLE } from './specs.js';
export type { VerifySpec, AnswerRule } from './spec.js';
export { runVerification, type VerificationRunOptions } from './run.js';
