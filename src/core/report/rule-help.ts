import { allDetectors } from '../secrets/detectors/index.js';
import type { Finding, Level, OwaspNhi } from '../types.js';

/**
 * What every report says about a rule: a one-line title and Markdown fix guidance. One table, so
 * SARIF `help`, the Markdown summary and the text report never disagree.
 */
export interface RuleHelp {
  title: string;
  /** Markdown: why it matters and how to fix it. */
  help: string;
  owasp: OwaspNhi[];
}

const SECRET_HELP =
  'A credential is written into the repository. Anyone who can read the code, its history, forks or ' +
  'build logs can use it.\n\n' +
  '**Fix:** 1. Revoke or rotate the credential at the provider now — removing it from the code does not ' +
  'remove it from git history. 2. Load it at run time from a secret store or the CI secret store ' +
  '(`process.env.X`, `${{ secrets.X }}`). 3. If it is a false positive, add `nhi-steward:allow` on the ' +
  'line, or record it with `nhi-steward baseline`.';

const RULES: Record<string, RuleHelp> = {
  'identity/unowned': {
    title: 'Non-human identity without an owner',
    help:
      'Every declared NHI needs a technical owner, so that someone offboards, rotates and reviews it.\n\n' +
      '**Fix:** add an entry to `.github/nhi-owners.yml` whose `match` (identity id glob) or `path` ' +
      '(declaring file glob) covers this identity, with an `owner` (`@user`, `@org/team` or an email).',
    owasp: ['NHI1'],
  },
  'credential/no-rotation': {
    title: 'Credential without a rotation policy',
    help:
      'A credential that is never rotated stays valid long after people who saw it have left.\n\n' +
      '**Fix:** give the matching owners-file entry a `rotation` (`30d`, `90d`, `ephemeral`, `managed`), ' +
      'or show rotation in code (Secrets Manager rotation, `time_rotating` keepers, Azure ' +
      '`end_date_relative`), or switch to a workload identity (OIDC) with no long-lived secret.',
    owasp: ['NHI7'],
  },
  'credential/static-ci-key': {
    title: 'Static cloud key in CI where OIDC fits',
    help:
      'Long-lived cloud keys stored as CI secrets leak through logs and forks and are rarely rotated.\n\n' +
      '**Fix:** grant the workflow `permissions: id-token: write` and use OIDC: `role-to-assume` ' +
      '(AWS), `workload_identity_provider` (GCP) or `client-id` + federated credentials (Azure); then ' +
      'delete the static key.',
    owasp: ['NHI6', 'NHI7'],
  },
  'identity/shared': {
    title: 'One NHI shared by several workloads or environments',
    help:
      'An identity used by several applications or environments widens the blast radius of a leak and ' +
      'hides who needs which permission.\n\n**Fix:** give each workload (and each environment) its ' +
      'own identity with only the permissions it needs.',
    owasp: ['NHI9', 'NHI8'],
  },
  'identity/overprivileged': {
    title: 'Non-human identity with admin or wildcard rights',
    help:
      'An NHI holds rights far beyond what it does: AWS `Action: "*"` (or `service:*` on every resource), ' +
      '`AdministratorAccess`, `PowerUserAccess` or `IAMFullAccess`; GCP `roles/owner`, `roles/editor` or an ' +
      '`*Admin` role on a project, folder or organisation; Azure `Owner`, `Contributor` or `User Access ' +
      'Administrator` on a subscription or management group; Kubernetes `cluster-admin` or `*` verbs/resources ' +
      'bound to a ServiceAccount; a workflow job with `permissions: write-all` that reads secrets. Whoever ' +
      'steals its credential owns the account, project or cluster. The finding sits on the line that grants ' +
      'the rights (the attachment, role assignment or binding), wherever it is written.\n\n' +
      '**Fix:** grant the actions and resources the workload uses and nothing more: a customer-managed ' +
      'policy listing actions (IAM Access Analyzer can generate one from CloudTrail), a predefined role on ' +
      'the resource rather than the project, a role assignment at resource-group scope, a namespaced Role ' +
      'with explicit verbs, `permissions:` with the scopes the job needs.',
    owasp: ['NHI5'],
  },
  'credential/long-lived-key': {
    title: 'Long-lived static key where a keyless identity exists',
    help:
      'A user-managed key (`google_service_account_key`, an Entra ID application or service-principal ' +
      'password, an IAM user access key) stays valid until someone deletes it, and is copied into CI ' +
      'secrets, laptops and logs. Each of these platforms can issue short-lived credentials instead.\n\n' +
      '**Fix:** GCP: Workload Identity Federation (GitHub OIDC, AWS, Azure, any OIDC issuer) or attach the ' +
      'service account to the workload. Azure: a federated identity credential on the application, or a ' +
      'managed identity. AWS: an IAM role for workloads on AWS (instance profile, task role, IRSA / EKS Pod ' +
      'Identity), OIDC from CI, IAM Roles Anywhere elsewhere. Then delete the key. Until then, rotate it in ' +
      'code (`time_rotating` keepers, `end_date_relative`, an AccessKey `Serial`), which also silences this notice.',
    owasp: ['NHI7', 'NHI4'],
  },
  'workflow/secret-exposure': {
    title: 'Workflow secret exposed to untrusted code',
    help:
      'A `pull_request_target` job runs with the base repository\'s secrets; when it checks out the pull ' +
      'request\'s head (or runs `gh pr checkout`), any fork can run code that reads them. A third-party ' +
      'action pinned by a tag runs whatever commit the tag points to today, which its owner (or whoever ' +
      'compromises it) can move, and receives the secrets given to its step.\n\n' +
      '**Fix:** test untrusted code in a `pull_request` workflow, which gets no secrets, and keep ' +
      '`pull_request_target` jobs to the base code. Pin third-party actions to a full commit SHA ' +
      '(`uses: owner/action@<40-hex sha> # v2`) and let Dependabot update it.',
    owasp: ['NHI3', 'NHI2'],
  },
  'identity/dangling-reference': {
    title: 'Workload names an NHI no file declares',
    help:
      'A workload names a ServiceAccount or Secret (or a binding names a role) that no scanned file ' +
      'declares, while the repository declares others of that kind: usually a typo ' +
      '(`serviceAccountName: cartservice-v2`), or an identity created by hand with no owner and no review. ' +
      'Kubernetes then runs the pod as another identity or fails it at start-up.\n\n' +
      '**Fix:** correct the name (the message suggests the nearest declared one), or declare the identity ' +
      'in the repository so that it is inventoried and owned. The `default` ServiceAccount is never reported.',
    owasp: ['NHI1'],
  },
  'owners/invalid': {
    title: 'Invalid owners file',
    help: 'The owners file could not be fully understood; entries with errors are ignored.\n\n**Fix:** correct the field named in the message (valid entries still apply).',
    owasp: ['NHI1'],
  },
  'owners/stale-entry': {
    title: 'Owners-file entry matches nothing',
    help: 'An entry that matches no declared NHI is dead weight or a typo.\n\n**Fix:** correct its `match`/`path` glob, or delete it.',
    owasp: ['NHI1'],
  },
  'owners/legacy-id': {
    title: 'Owners-file entry uses the old CloudFormation id form',
    help:
      'CloudFormation ids now carry their template path (`cloudformation:AWS::IAM::Role/infra/app/template/AppRole`), ' +
      'because each template is its own stack and the same logical id in two templates is two roles. ' +
      'An entry written for the old form (`cloudformation:AWS::IAM::Role/AppRole`) still matches, in every template.\n\n' +
      '**Fix:** replace the `match` with the one the message gives (`cloudformation:<Type>/**/<LogicalId>` matches the same set), ' +
      'or name the template to give each stack its own owner.',
    owasp: ['NHI1'],
  },
  'owners/expired-exception': {
    title: 'Rotation exception past its review date',
    help: 'A `rotation: never` exception has passed its `review-by` date, so the credential counts as lacking a policy again.\n\n**Fix:** rotate the credential and set a `rotation`, or renew the exception with a new `justification` and `review-by`.',
    owasp: ['NHI7'],
  },
  'owners/reassigned': {
    title: 'Owners-file change reassigns existing NHIs',
    help: 'This pull request changes the owners file so that NHIs it does not add get a different owner or rotation. Their current owners are asked to review.\n\n**Fix:** narrow the entry (`match`/`path`) to the NHIs the PR adds, or have the current owners approve the change.',
    owasp: ['NHI1'],
  },
  'suppression/inline-allow': {
    title: 'Secret silenced by an inline marker this change adds',
    help:
      'The change adds a value the secrets engine reports on a line with an inline allow marker (`nhi-steward:allow`, ' +
      '`gitleaks:allow`, `pragma: allowlist secret`), or adds the marker beside an existing value. The marker silences it ' +
      'in every later scan, so this review is the moment to confirm it is not a real credential (a test fixture, a documented ' +
      'example). The notice fails nothing unless `fail-on: notice`.\n\n' +
      '**Fix:** if it is a real credential, rotate it at the provider and load it at run time instead. If it is not, nothing ' +
      'to do; to keep such decisions out of the code, record it with `nhi-steward ignore FP --reason TEXT` or `nhi-steward ' +
      'baseline` instead of a marker.',
    owasp: ['NHI2'],
  },
  'scan/limit': {
    title: 'Findings beyond a limit',
    help: 'A file or a scan had more secret findings than nhi-steward reports; the rest are counted here.\n\n**Fix:** remove or accept (baseline, `.nhi-stewardignore`) the findings shown, then scan again.',
    owasp: ['NHI2'],
  },
  'owners/orphaned': {
    title: 'Owner is no longer a member of the organisation',
    help: 'The NHI has no accountable owner any more.\n\n**Fix:** name a new owner in `.github/nhi-owners.yml`, and review whether the identity is still needed.',
    owasp: ['NHI1'],
  },
  'parse/error': {
    title: 'File could not be parsed',
    help: 'The file is malformed, so identities it declares may be missing from the inventory.\n\n**Fix:** correct the syntax error at the given line.',
    owasp: [],
  },
};

/** Every rule id with its own entry above (secret rules are one per detector). */
export function helpedRules(): string[] {
  return Object.keys(RULES);
}

/** Guidance for a rule id; unknown rules get a neutral entry rather than an error. */
export function ruleHelp(rule: string): RuleHelp {
  const known = RULES[rule];
  if (known) return known;
  if (rule.startsWith('secret/')) {
    const id = rule.slice('secret/'.length);
    // A pair (AWS key id + secret) is reported under the id its first half declares.
    const title = allDetectors.find((d) => d.id === id)?.title ?? allDetectors.find((d) => d.pair?.id === id)?.pair?.title;
    return { title: title ?? `Embedded secret (${id})`, help: SECRET_HELP, owasp: ['NHI2'] };
  }
  return { title: rule, help: 'See the finding message.', owasp: [] };
}

/** Counts of findings per level, in LEVELS order. */
export function countByLevel(findings: readonly Finding[]): Record<Level, number> {
  const counts: Record<Level, number> = { error: 0, warning: 0, notice: 0, info: 0 };
  for (const f of findings) counts[f.level]++;
  return counts;
}
