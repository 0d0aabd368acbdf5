import type { Level } from '../types.js';

/**
 * One provider detector. Every detector carries its own evidence: `samples.positive` are lines it
 * must find (with the exact secret it must capture), `samples.negative` are near-misses it must
 * ignore. test/unit/secrets/catalog.test.ts runs them all (CONTRIBUTING.md, "Adding a detector").
 */
export interface Detector {
  /** Stable, kebab-case; becomes the SARIF ruleId `secret/<id>`. */
  id: string;
  title: string;
  provider: string;
  /** Default level of a finding; `info` for test-mode keys. */
  level: Level;
  /**
   * Lower-case literals; at least one must occur near a match. The prefilter finds them in one
   * pass over the file, and the detector regex runs only around hits. Keep them specific
   * (`ghp_`, `xoxb-`, `akia`), since a common keyword costs speed on every file.
   */
  keywords: string[];
  /**
   * Must be linear-time (no nested quantifiers over overlapping classes). The secret is the named
   * group `secret`, or the whole match when there is none. Never use the `g` or `y` flag here;
   * the engine compiles its own copy.
   */
  pattern: RegExp;
  /** Shannon entropy floor (bits per char) for the captured secret. */
  entropy?: number;
  /**
   * Words one of which every match holds, starting at most `within` characters after the end of
   * the keyword the match opens with: a keyed row's credential word (`GITHUB_CLIENT_SECRET`,
   * `coveralls repo_token`). Lower-case ASCII, matched case-insensitively. The keyword pass looks
   * for them too, and a keyword hit with none of them that close opens no window for this detector
   * (compile.ts `Companion`): `github` in every URL of a changelog costs no regex run.
   */
  companions?: { words: string[]; within: number };
  /** Extra validation, e.g. a CRC32 checksum. Return false to drop the match. */
  validate?: (secret: string) => boolean;
  /** Only run on files whose POSIX path matches (e.g. `.npmrc`). */
  pathPattern?: RegExp;
  /** Characters shown before the last 4 in the redacted form (the documented prefix), e.g. `ghp_`. */
  redactPrefix?: string;
  /**
   * The value has no distinctive shape of its own (bare hex, alphanumerics, a UUID): only the
   * provider's name nearby identifies it. Such values are also checked against identifiers
   * (`getCloudflareZone`, `CLOUDFLARE_TOKEN_NAME`) by the false-positive filters.
   */
  contextual?: boolean;
  /**
   * The file itself is a credential store (`.netrc`, `.pgpass`, `.htpasswd`…) that should not be in a
   * repository: a weak or placeholder-like value is still reported, at `warning`, and says why.
   * Only values that are not stored at all (templating, references to other values) are dropped.
   */
  credentialFile?: boolean;
  /** Skip the generic false-positive filters (placeholders etc.) — for structured tokens. */
  skipGenericFilters?: boolean;
  /**
   * Paired credentials (AWS key id + secret, Twilio SID + token). When both halves appear in the
   * same file, the engine reports one finding under the `pair.with` detector… see engine docs.
   */
  pair?: { with: string; within?: number; id: string; title: string };
  samples: {
    /** Each positive is a line (or block) of text; `secret` is what must be captured. */
    positive: { text: string; secret: string; path?: string }[];
    /** Near-misses: text that must produce no finding from this detector. */
    negative: (string | { text: string; path?: string })[];
  };
}
