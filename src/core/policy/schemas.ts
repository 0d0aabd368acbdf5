/**
 * JSON Schemas (draft-07) for `.github/nhi-owners.yml` and `.github/nhi-steward.yml`. They live in
 * TypeScript so the core can validate with them without reading files at run time;
 * `schema/*.json` are byte-for-byte copies that ship in the package for editors
 * (test/unit/policy/schema-files.test.ts fails when they drift and can rewrite them), and the
 * validators the core runs are compiled from them ahead of time
 * (src/core/policy/schema-validators.generated.ts, checked by
 * test/unit/policy/schema-validators.test.ts). After a change here, refresh all of them with
 * `UPDATE_SCHEMAS=1 npx vitest run test/unit/policy/schema-files.test.ts test/unit/policy/schema-validators.test.ts`.
 */

/** Where editors fetch the schemas from: the published package. */
export const SCHEMA_BASE_URL = 'https://unpkg.com/nhi-steward/schema';
export const OWNERS_SCHEMA_URL = `${SCHEMA_BASE_URL}/nhi-owners.schema.json`;
export const CONFIG_SCHEMA_URL = `${SCHEMA_BASE_URL}/nhi-steward.schema.json`;

/** `@user`, `@org/team` or an email address. */
export const OWNER_PATTERN = '^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\\s]+@[^@\\s]+\\.[^@\\s]+)$';
export const ROTATION_PATTERN = '^(ephemeral|managed|never|[1-9][0-9]{0,5}(h|d|w|mo|y))$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
export const DURATION_PATTERN = '^[1-9][0-9]{0,5}(h|d|w|mo|y)$';
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*([KMG]i?B|B)?$';

export const ownersSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: OWNERS_SCHEMA_URL,
  title: 'nhi-steward owners file (.github/nhi-owners.yml)',
  description: 'Names a technical owner and a rotation policy for every non-human identity declared in this repository. The last matching entry wins, as in CODEOWNERS.',
  type: 'object',
  additionalProperties: false,
  properties: {
    identities: {
      description: 'Entries, most general first: the last entry that matches an identity wins.',
      type: 'array',
      items: { $ref: '#/definitions/entry' },
    },
  },
  definitions: {
    entry: {
      type: 'object',
      additionalProperties: false,
      required: ['owner'],
      anyOf: [{ required: ['match'] }, { required: ['path'] }],
      properties: {
        match: {
          description: 'Glob over identity ids, e.g. "kubernetes:ServiceAccount/payments/*" (* stays inside one /-segment, ** crosses them).',
          type: 'string',
          minLength: 1,
        },
        path: {
          description: 'Glob over the path of the file that declares the identity, e.g. "infra/ci/**". With match, both must match.',
          type: 'string',
          minLength: 1,
        },
        owner: {
          description: 'The technical owner: @user, @org/team, or an email address. Placeholders such as @TODO are rejected.',
          type: 'string',
          pattern: OWNER_PATTERN,
        },
        rotation: {
          description: 'How often the credential is rotated: a duration (12h, 30d, 6w, 3mo, 1y), ephemeral (short-lived tokens), managed (the platform rotates it) or never (needs justification and review-by).',
          type: 'string',
          pattern: ROTATION_PATTERN,
          examples: ['90d', '30d', '12h', '1y', 'ephemeral', 'managed', 'never'],
        },
        purpose: { description: 'What the identity is for, in a few words.', type: 'string' },
        environment: {
          description: 'Where it is used, e.g. production, staging, development.',
          type: 'string',
          examples: ['production', 'staging', 'development', 'test'],
        },
        kind: {
          description: 'What the matched NHIs are, when the code cannot tell: config marks a secret that is no credential (a region, a role ARN, an audience), so it needs no rotation.',
          type: 'string',
          enum: ['identity', 'credential', 'config'],
        },
        justification: { description: 'Why the exception (rotation: never) is acceptable.', type: 'string', minLength: 1 },
        'review-by': {
          description: 'YYYY-MM-DD. After this date the exception expires and the credential counts as lacking a rotation policy again.',
          type: 'string',
          pattern: DATE_PATTERN,
        },
      },
      if: { properties: { rotation: { const: 'never' } }, required: ['rotation'] },
      then: { required: ['justification', 'review-by'] },
    },
  },
} as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CONFIG_SCHEMA_URL,
  title: 'nhi-steward configuration (.github/nhi-steward.yml)',
  description: 'Optional. Every key has a default.',
  type: 'object',
  additionalProperties: false,
  properties: {
    'paths-ignore': { description: 'Globs (minimatch) over repository paths that are never scanned.', ...stringList },
    'max-file-size': {
      description: 'Files above this size are skipped and reported: bytes, or a number with B, KB, MB, GB (binary units). Default 5MB.',
      type: ['integer', 'string'],
      minimum: 1,
      pattern: SIZE_PATTERN,
    },
    'fail-on': {
      description: 'The lowest finding level that fails the check. Default error.',
      type: 'string',
      enum: ['error', 'warning', 'notice', 'info', 'none'],
    },
    detectors: {
      description: 'Switch secret detectors on or off by id, set their levels, add your own.',
      type: 'object',
      additionalProperties: false,
      properties: {
        disabled: { description: 'Detector ids that never run.', ...stringList },
        enabled: { description: 'When non-empty, only these detector ids run.', ...stringList },
        severity: {
          description: 'Per-detector finding level, by detector id (built-in or custom).',
          type: 'object',
          additionalProperties: { type: 'string', enum: ['error', 'warning', 'notice', 'info'] },
        },
        custom: {
          description: 'Your own detectors, checked like the built-in ones (linear-time regex, keywords for the prefilter).',
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'regex', 'keywords'],
            properties: {
              id: { description: 'Stable kebab-case id; findings use the rule secret/<id>.', type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
              title: { description: 'Shown in findings. Default: the id.', type: 'string', minLength: 1 },
              regex: { description: 'JavaScript regular expression; the secret is the named group (?<secret>…), else the whole match.', type: 'string', minLength: 1 },
              keywords: { description: 'Literals (2+ characters), one of which occurs in every match; the prefilter looks for them.', type: 'array', minItems: 1, items: { type: 'string', minLength: 2 } },
              entropy: { description: 'Shannon entropy floor (bits per character) of the secret.', type: 'number', minimum: 0, maximum: 8 },
              severity: { description: 'Finding level. Default error.', type: 'string', enum: ['error', 'warning', 'notice', 'info'] },
              allowlist: {
                description: 'Matches to ignore.',
                type: 'object',
                additionalProperties: false,
                properties: {
                  regexes: { description: 'Secrets matching any of these regexes are ignored.', ...stringList },
                  paths: { description: 'Files matching any of these globs are not searched by this detector.', ...stringList },
                },
              },
            },
          },
        },
      },
    },
    issues: {
      description: 'Issues opened for credentials without rotation and secrets on the default branch.',
      type: 'object',
      additionalProperties: false,
      properties: {
        labels: { description: 'Labels put on every issue. Default [nhi-steward].', ...stringList },
        'assignees-from-owner': { description: 'Assign the NHI owner (when it is a user). Default true.', type: 'boolean' },
        enabled: {
          description: 'Open issues (App). Unset: only once the owners file exists on the default branch (a new installation gets one onboarding pull request instead). true: always. false: never.',
          type: 'boolean',
        },
        'min-level': { description: 'The lowest finding level that gets an issue. Default warning.', type: 'string', enum: ['error', 'warning', 'notice', 'info'] },
      },
    },
    dashboard: { description: 'Keep the pinned "NHI inventory" issue (App). Default true; there is none while the repository declares no NHI.', type: 'boolean' },
    schedule: {
      description: 'Interval between full scans (App): a duration such as 24h or 7d. Default 24h.',
      type: 'string',
      pattern: DURATION_PATTERN,
    },
    rules: {
      description: 'Per rule id (identity/overprivileged, credential/long-lived-key, workflow/secret-exposure, identity/dangling-reference, …): a level that replaces its default, or off. See docs/rules.md.',
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9-]+/[A-Za-z0-9_.-]+$' },
      additionalProperties: { type: 'string', enum: ['error', 'warning', 'notice', 'info', 'off'] },
    },
    baseline: { description: 'Path of the baseline file. Default .nhi-steward-baseline.json.', type: 'string', minLength: 1 },
    'owners-file': { description: 'Path of the owners file. Default .github/nhi-owners.yml.', type: 'string', minLength: 1 },
    verify: {
      description:
        'Live verification of found secrets against their providers (docs/verification.md): on or off (default off), or a mapping with enabled and endpoints (provider key to a base URL replacing the default host, e.g. GitHub Enterprise Server).',
      anyOf: [
        { type: 'boolean' },
        { type: 'string', enum: ['on', 'off'] },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { description: 'Switch verification on. Default off.', anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['on', 'off'] }] },
            endpoints: { description: 'Provider key (github, gitlab, datadog, shopify…) to an https base URL.', type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      ],
    },
  },
} as const;
