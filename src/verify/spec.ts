/**
 * The shape of a verification spec: DATA that says how to ask a provider whether a credential is
 * live, read by the one engine in engine.ts. Adding a provider is a spec in specs.ts plus a
 * stand-in answer in test/unit/verify (docs/verification.md).
 *
 * Templates: `{0}` is the secret (or a pair's first half: AWS key id, Twilio account SID), `{1}` a
 * pair's second half. They may appear in header values, Basic-auth user/password, the body and —
 * URL-encoded — the path. Nothing else of the secret is ever sent.
 */
export interface VerifySpec {
  /** Provider key: `verify.endpoints.<provider>` overrides `base`, and the rate limit is per provider. */
  provider: string;
  /** Human-readable name. */
  title: string;
  /**
   * Default base URL: always https, its host is the allowlist (plus `hosts`). Empty for a provider
   * with no global host (Shopify: each shop has its own); then only an override can verify.
   */
  base: string;
  /** Further hosts the provider documents for the same call (none today; the base host is enough). */
  hosts?: readonly string[];
  request: {
    /**
     * GET, or POST for a documented read-only RPC (Slack `auth.test`, STS `GetCallerIdentity`, a
     * GraphQL query). Never a call that changes anything.
     */
    method: 'GET' | 'POST';
    /** Path (and query) appended to the base URL. */
    path: string;
    headers?: Record<string, string>;
    /** HTTP Basic credentials `[user, password]`. */
    basic?: readonly [string, string];
    body?: string;
    /** AWS Signature V4 with `{0}` as the key id and `{1}` as the secret key (the secret itself is never sent). */
    sigv4?: { service: string; region: string };
  };
  /** Any rule matching means live; checked before `revoked`. */
  live: readonly AnswerRule[];
  revoked: readonly AnswerRule[];
  /** Label → where to read a safe identity fact: `json:a.b.c`, `header:name` or `xml:Tag`. */
  facts?: Record<string, string>;
  /** The provider's documentation of the call. */
  docs: string;
  /** Why a detector mapped here cannot be verified without more configuration (shown as the unknown reason). */
  needsEndpoint?: string;
}

/** One way to read an answer: status in `status`, and (optionally) a JSON field or the body text. */
export interface AnswerRule {
  status: readonly number[];
  /** Dotted JSON path whose value must be one of `values`. */
  field?: string;
  values?: readonly (string | number | boolean)[];
  /** The body (first 64 KiB) must match. */
  body?: RegExp;
}
