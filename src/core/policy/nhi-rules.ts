/**
 * OWASP NHI Top 10 risks that code shows, beyond ownership and rotation (docs/rules.md):
 * - `identity/overprivileged` (NHI5): admin or wildcard rights granted to an NHI, reported on
 *   the grant's line wherever the grant is written (an attachment resource, a binding in another
 *   file);
 * - `credential/long-lived-key` (NHI7, NHI4): a user-managed static key where a keyless option
 *   exists, unless the code shows rotation;
 * - `workflow/secret-exposure` (NHI3, NHI2): secrets reachable by pull-request code or handed to
 *   third-party actions pinned by a movable tag.
 * (`identity/dangling-reference` is raised by the pipeline, which alone sees every reference.)
 * Each check turns the facts about one NHI into hits; `samples` below are run by
 * test/unit/policy/nhi-rules.test.ts through the whole pipeline.
 */
import type { Exposure } from '../identities/workflows.js';
import type { OwaspNhi } from '../types.js';
import type { RuleFacts, RuleHit } from './rules.js';

// ---------------------------------------------------------------------------------------------
// identity/overprivileged
// ---------------------------------------------------------------------------------------------

const AWS_ADMIN_POLICIES = /(?:^|[/:])(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;
const GCP_BROAD_ROLE = /^roles\/(owner|editor|[\w.]*[aA]dmin)$/;
const GCP_HIGH_SCOPES = new Set(['project', 'folder', 'organization']);
const AZURE_BROAD_ROLE = /^(Owner|Contributor|User Access Administrator)$/;

/** Why a grant is admin or wildcard rights, with the least-privilege fix; undefined when it is not. */
export function overprivilege(permission: string): string | undefined {
  const [kind, rest] = splitOnce(permission, ':');
  switch (kind) {
    case 'aws-policy': {
      const m = AWS_ADMIN_POLICIES.exec(rest.trim());
      return m ? `the AWS managed policy ${m[1]} (${m[1] === 'IAMFullAccess' ? 'can grant itself anything' : 'near-full account access'}): attach a customer-managed policy listing only the actions and resources it uses` : undefined;
    }
    case 'aws-action': {
      const [action, resources] = splitOnce(rest, ' on ');
      const anyResource = resources.split(',').some((r) => r.trim() === '*');
      if (action === '*') return `Action "*" (every AWS action${anyResource ? ' on every resource' : ''}): list the actions it calls (IAM Access Analyzer can generate them from CloudTrail)`;
      if (/^[\w-]+:\*$/.test(action) && anyResource) return `Action "${action}" on Resource "*" (every ${action.split(':')[0]} action on every resource): list the actions it calls and scope Resource to the ARNs it uses`;
      return undefined;
    }
    case 'gcp-role': {
      const [role, scope] = splitOnce(rest, ' on ');
      return GCP_BROAD_ROLE.test(role) && GCP_HIGH_SCOPES.has(scope) ? `${role} on the whole ${scope}: grant a predefined role for the service it uses (e.g. roles/storage.objectViewer) on the resource, not the ${scope}` : undefined;
    }
    case 'azure-role': {
      const [role, scope] = splitOnce(rest, ' on ');
      const where = azureScope(scope);
      return AZURE_BROAD_ROLE.test(role) && where ? `${role} at ${where} scope: assign a narrower built-in role (e.g. Storage Blob Data Reader) at the resource group or resource it uses` : undefined;
    }
    case 'k8s-role': {
      const clusterAdmin = /^ClusterRole\/cluster-admin\b/.test(rest);
      return clusterAdmin ? `cluster-admin ${/cluster-wide/.test(rest) ? 'across the cluster' : 'in its namespace'}: bind a Role listing only the verbs and resources it uses` : undefined;
    }
    case 'k8s-rule': {
      const m = /^(\S+) (\S+) \((.*?)\) (.*)$/.exec(rest);
      if (!m) return undefined;
      const [, verbs, resources, role, scope] = m;
      const wildVerbs = verbs.split(',').includes('*');
      const wildResources = resources.split(',').includes('*');
      return wildVerbs || wildResources ? `${role} allows ${wildVerbs ? 'every verb' : verbs} on ${wildResources ? 'every resource' : resources} ${scope}: list the verbs and resources it uses` : undefined;
    }
    case 'github-token':
      return `GITHUB_TOKEN ${rest.trim()} in a job that reads secrets: set \`permissions:\` to the scopes the job uses (e.g. contents: read)`;
    default:
      return undefined;
  }
}

/** `subscription` or `management group` when an Azure scope is that broad; undefined otherwise. */
function azureScope(scope: string): string | undefined {
  if (/managementGroups|management_group/i.test(scope)) return 'management-group';
  if (/resourceGroups|resource_group|\/providers\//i.test(scope)) return undefined;
  return /subscription/i.test(scope) ? 'subscription' : undefined;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

export function overprivileged({ record }: RuleFacts): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const grant of record.grants ?? []) {
    const why = overprivilege(grant.permission);
    if (!why) continue;
    hits.push({
      message: `${record.id} is granted ${why}`,
      location: { file: grant.file, line: grant.line, column: 1 },
      key: grant.permission,
      data: { grant: grant.permission },
    });
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// credential/long-lived-key
// ---------------------------------------------------------------------------------------------

/** Static keys with a keyless way to do the same thing, and the recipe. */
const KEYLESS: Record<string, { what: string; recipe: string }> = {
  google_service_account_key: {
    what: 'a Google service-account key (valid until deleted)',
    recipe: 'use Workload Identity Federation (GitHub OIDC, AWS, Azure, any OIDC issuer) or attach the service account to the workload (GKE Workload Identity, Cloud Run), then delete the key',
  },
  azuread_application_password: {
    what: 'an Entra ID application client secret',
    recipe: 'add a federated identity credential (azuread_application_federated_identity_credential) for GitHub, Kubernetes or another OIDC issuer, or use a managed identity, then delete the password',
  },
  azuread_service_principal_password: {
    what: 'a service-principal password',
    recipe: 'add a federated identity credential to the application, or use a managed identity for workloads on Azure, then delete the password',
  },
  aws_iam_access_key: {
    what: 'an IAM user access key',
    recipe: 'for workloads on AWS use an IAM role (instance profile, ECS task role, IRSA / EKS Pod Identity, Lambda execution role); from CI use OIDC (role-to-assume); from elsewhere use IAM Roles Anywhere; then delete the user key',
  },
  'AWS::IAM::AccessKey': {
    what: 'an IAM user access key',
    recipe: 'for workloads on AWS use an IAM role (instance profile, ECS task role, IRSA / EKS Pod Identity, Lambda execution role); from CI use OIDC; from elsewhere use IAM Roles Anywhere; then delete the user key',
  },
};

export function longLivedKey({ record }: RuleFacts): RuleHit | undefined {
  const keyless = KEYLESS[record.type];
  if (!keyless || record.rotationEvidence) return undefined;
  return { message: `${record.id} is ${keyless.what}, a long-lived secret where a keyless option exists: ${keyless.recipe}`, data: { type: record.type } };
}

// ---------------------------------------------------------------------------------------------
// workflow/secret-exposure
// ---------------------------------------------------------------------------------------------

export function secretExposure({ record }: RuleFacts): RuleHit[] {
  const exposures = (record.attributes.exposures as Exposure[] | undefined) ?? [];
  return exposures.map((e): RuleHit => {
    const location = { file: e.file, line: e.line, column: 1 };
    if (e.kind === 'pull_request_target') {
      return {
        message: `${record.id} is available to job \`${e.job}\`, which runs on pull_request_target and checks out the pull request's code: anyone who opens a PR can read it. Run untrusted code in a \`pull_request\` workflow without secrets, or do not check out the PR head in this job`,
        owasp: ['NHI3', 'NHI2'],
        location,
        key: `${e.file}\0${e.job}\0prt`,
        data: { job: e.job, kind: e.kind },
      };
    }
    return {
      message: `${record.id} is passed to the third-party action ${e.action}, pinned by a tag its owner can move to other code: pin it to a full commit SHA (uses: owner/action@<40-hex sha> # ${e.action?.split('@')[1] ?? 'tag'})`,
      owasp: ['NHI3', 'NHI2'],
      location,
      key: `${e.file}\0${e.action}`,
      data: { job: e.job, kind: e.kind, action: e.action },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Samples: each rule fires on its bad files and on none of its least-privilege controls.
// ---------------------------------------------------------------------------------------------

export interface RuleSample {
  name: string;
  files: Array<{ path: string; content: string }>;
  /** `rule file:line` of every finding of the rule expected; empty for a control. */
  expect: string[];
}

export const samples: Record<string, RuleSample[]> = {
  'identity/overprivileged': [
    {
      name: 'Terraform: AdministratorAccess in a separate attachment resource, in another file',
      files: [
        { path: 'iam/role.tf', content: 'resource "aws_iam_role" "deployer" {\n  name               = "deployer"\n  assume_role_policy = "{}"\n}\n' },
        { path: 'iam/attach.tf', content: 'resource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.deployer.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n' },
      ],
      expect: ['iam/attach.tf:3'],
    },
    {
      name: 'Terraform: inline "*" and s3:* on *',
      files: [{ path: 'main.tf', content: 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n\nresource "aws_iam_user_policy" "all" {\n  user   = aws_iam_user.ci.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n\nresource "aws_iam_user_policy" "s3" {\n  user   = aws_iam_user.ci.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }] })\n}\n' }],
      expect: ['main.tf:7', 'main.tf:12'],
    },
    {
      name: 'Terraform control: read-only actions on one bucket, ReadOnlyAccess',
      files: [{ path: 'main.tf', content: 'resource "aws_iam_role" "reader" {\n  name                = "reader"\n  assume_role_policy  = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]\n}\n\nresource "aws_iam_role_policy" "get" {\n  role   = aws_iam_role.reader.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:*"], Resource = "arn:aws:s3:::acme-reports/*" }] })\n}\n' }],
      expect: [],
    },
    {
      name: 'GCP: roles/editor on the project, roles/iam.serviceAccountAdmin on the organization',
      files: [{ path: 'gcp.tf', content: 'resource "google_service_account" "etl" {\n  account_id = "etl"\n}\n\nresource "google_project_iam_member" "editor" {\n  project = "acme"\n  role    = "roles/editor"\n  member  = "serviceAccount:${google_service_account.etl.email}"\n}\n\nresource "google_organization_iam_member" "sa_admin" {\n  org_id = "123"\n  role   = "roles/iam.serviceAccountAdmin"\n  member = "serviceAccount:${google_service_account.etl.email}"\n}\n' }],
      expect: ['gcp.tf:7', 'gcp.tf:13'],
    },
    {
      name: 'GCP control: a viewer role on the project, an admin role on one bucket',
      files: [{ path: 'gcp.tf', content: 'resource "google_service_account" "etl" {\n  account_id = "etl"\n}\n\nresource "google_project_iam_member" "viewer" {\n  project = "acme"\n  role    = "roles/bigquery.dataViewer"\n  member  = "serviceAccount:${google_service_account.etl.email}"\n}\n\nresource "google_storage_bucket_iam_member" "bucket" {\n  bucket = "acme-etl"\n  role   = "roles/storage.admin"\n  member = "serviceAccount:${google_service_account.etl.email}"\n}\n' }],
      expect: [],
    },
    {
      name: 'Azure: Contributor on the subscription',
      files: [{ path: 'azure.tf', content: 'resource "azurerm_user_assigned_identity" "app" {\n  name                = "app"\n  resource_group_name = "rg"\n  location            = "westeurope"\n}\n\nresource "azurerm_role_assignment" "contrib" {\n  scope                = data.azurerm_subscription.primary.id\n  role_definition_name = "Contributor"\n  principal_id         = azurerm_user_assigned_identity.app.principal_id\n}\n' }],
      expect: ['azure.tf:9'],
    },
    {
      name: 'Azure control: Contributor on one resource group, Reader on the subscription',
      files: [{ path: 'azure.tf', content: 'resource "azurerm_user_assigned_identity" "app" {\n  name                = "app"\n  resource_group_name = "rg"\n  location            = "westeurope"\n}\n\nresource "azurerm_role_assignment" "rg" {\n  scope                = azurerm_resource_group.app.id\n  role_definition_name = "Contributor"\n  principal_id         = azurerm_user_assigned_identity.app.principal_id\n}\n\nresource "azurerm_role_assignment" "read" {\n  scope                = data.azurerm_subscription.primary.id\n  role_definition_name = "Reader"\n  principal_id         = azurerm_user_assigned_identity.app.principal_id\n}\n' }],
      expect: [],
    },
    {
      name: 'CloudFormation: a separate AWS::IAM::Policy with Action "*", and PowerUserAccess on a role',
      files: [{ path: 'stack.yaml', content: 'Resources:\n  AppRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/PowerUserAccess\n  Everything:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: everything\n      Roles: [!Ref AppRole]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: "*"\n            Resource: "*"\n' }],
      expect: ['stack.yaml:6', 'stack.yaml:13'],
    },
    {
      name: 'CloudFormation control: scoped inline policy, SAM function with a read policy',
      files: [{ path: 'sam.yaml', content: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: read\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [dynamodb:GetItem]\n                Resource: !GetAtt Table.Arn\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        - DynamoDBReadPolicy: {TableName: t}\n' }],
      expect: [],
    },
    {
      name: 'Kubernetes: cluster-admin bound to a ServiceAccount from another file; a wildcard ClusterRole',
      files: [
        { path: 'k8s/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n' },
        { path: 'k8s/rbac.yaml', content: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: deployer-admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: deployer\n    namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: everything\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: deployer-everything\n  namespace: ci\nroleRef:\n  kind: ClusterRole\n  name: everything\nsubjects:\n  - kind: ServiceAccount\n    name: deployer\n' },
      ],
      expect: ['k8s/rbac.yaml:5', 'k8s/rbac.yaml:28'],
    },
    {
      name: 'Kubernetes control: a Role to read ConfigMaps, the view ClusterRole',
      files: [{ path: 'k8s/app.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: web}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: read-config, namespace: web}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: app-read, namespace: web}\nroleRef: {kind: Role, name: read-config}\nsubjects: [{kind: ServiceAccount, name: app}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: app-view}\nroleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: app, namespace: web}]\n' }],
      expect: [],
    },
    {
      name: 'Workflow: permissions: write-all in a job that reads a secret',
      files: [{ path: '.github/workflows/release.yml', content: 'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps:\n      - run: ./publish.sh\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n' }],
      expect: ['.github/workflows/release.yml:5'],
    },
    {
      name: 'Workflow control: contents: read with a secret; write-all without secrets',
      files: [
        { path: '.github/workflows/release.yml', content: 'on: push\npermissions:\n  contents: read\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./publish.sh\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n' },
        { path: '.github/workflows/label.yml', content: 'on: push\npermissions: write-all\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' },
      ],
      expect: [],
    },
  ],
  'credential/long-lived-key': [
    {
      name: 'GCP key, Azure password, AWS access key, CloudFormation access key, module-minted key',
      files: [
        { path: 'keys.tf', content: 'resource "google_service_account" "ci" {\n  account_id = "ci"\n}\n\nresource "google_service_account_key" "ci" {\n  service_account_id = google_service_account.ci.name\n}\n\nresource "azuread_application_password" "ci" {\n  application_id = azuread_application.ci.id\n}\n\nresource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n\nmodule "bot" {\n  source                = "terraform-aws-modules/iam/aws//modules/iam-user"\n  name                  = "bot"\n  create_iam_access_key = true\n}\n' },
        { path: 'cfn/user.yaml', content: 'Resources:\n  Bot:\n    Type: AWS::IAM::User\n  BotKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Bot\n' },
      ],
      expect: ['cfn/user.yaml:4', 'keys.tf:13', 'keys.tf:20', 'keys.tf:5', 'keys.tf:9'],
    },
    {
      name: 'controls: rotation in code (time_rotating, end_date_relative, Serial), and a Secrets Manager secret',
      files: [
        { path: 'keys.tf', content: 'resource "time_rotating" "k" {\n  rotation_days = 30\n}\n\nresource "google_service_account_key" "ci" {\n  service_account_id = "x"\n  keepers = { rotated = time_rotating.k.id }\n}\n\nresource "azuread_application_password" "ci" {\n  application_id    = "x"\n  end_date_relative = "720h"\n}\n\nresource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n' },
        { path: 'cfn/user.yaml', content: 'Resources:\n  BotKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: bot\n      Serial: 3\n' },
      ],
      expect: [],
    },
  ],
  'workflow/secret-exposure': [
    {
      name: 'pull_request_target checking out the PR head with a secret; a tag-pinned third-party action given a secret',
      files: [
        { path: '.github/workflows/pr.yml', content: 'on: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm test\n        env:\n          API_KEY: ${{ secrets.API_KEY }}\n' },
        { path: '.github/workflows/notify.yml', content: 'on: push\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: someone/slack-notify@v2\n        with:\n          webhook: ${{ secrets.SLACK_WEBHOOK }}\n' },
      ],
      expect: ['.github/workflows/notify.yml:6', '.github/workflows/pr.yml:8'],
    },
    {
      name: 'controls: pull_request_target on the base code; a SHA-pinned action; a first-party action',
      files: [
        { path: '.github/workflows/pr.yml', content: 'on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./label.sh\n        env:\n          TOKEN: ${{ secrets.LABEL_TOKEN }}\n' },
        { path: '.github/workflows/notify.yml', content: 'on: push\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: someone/slack-notify@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v2\n        with:\n          webhook: ${{ secrets.SLACK_WEBHOOK }}\n      - uses: actions/upload-artifact@v4\n        with:\n          name: ${{ secrets.ARTIFACT_NAME }}\n' },
      ],
      expect: [],
    },
  ],
  'identity/dangling-reference': [
    {
      name: 'a Deployment naming a ServiceAccount no file declares (a typo)',
      files: [
        { path: 'k8s/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cartservice, namespace: shop}\n' },
        { path: 'k8s/deploy.yaml', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: cartservice-v2\n' },
      ],
      expect: ['k8s/deploy.yaml:7'],
    },
    {
      name: 'controls: the declared name; the default ServiceAccount; Secrets when the repository declares none',
      files: [
        { path: 'k8s/sa.yaml', content: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cartservice, namespace: shop}\n' },
        { path: 'k8s/deploy.yaml', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: cartservice\n      containers:\n        - name: app\n          envFrom:\n            - secretRef: {name: cart-db}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: default\n' },
      ],
      expect: [],
    },
  ],
};

/** OWASP ids per rule, for the rule table and the rule help. */
export const NHI_RULE_OWASP: Record<string, OwaspNhi[]> = {
  'identity/overprivileged': ['NHI5'],
  'credential/long-lived-key': ['NHI7', 'NHI4'],
  'workflow/secret-exposure': ['NHI3', 'NHI2'],
  'identity/dangling-reference': ['NHI1'],
};

