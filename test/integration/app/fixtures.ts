/**
 * The test repository of the App scenarios: a small service with Kubernetes and Terraform NHIs,
 * and the fake secrets the scenarios plant. Every raw value here is searched for in every request
 * body the double received and every log line the app wrote: none may appear.
 */
export const REPO = 'acme/payments';

/** A GitHub classic token with a valid CRC32 checksum (fake). */
export const GITHUB_TOKEN = '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';
/** An npm token with a valid checksum (fake). */
export const NPM_TOKEN = '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';

export const RAW_SECRETS = [GITHUB_TOKEN, NPM_TOKEN];

export const OWNERS_FILE = `# Every non-human identity declared in this repository has a technical owner.
identities:
  # The API's identity.
  - match: "kubernetes:ServiceAccount/payments/payments-api"
    owner: "@acme/payments"
  - match: "terraform:aws_iam_*/infra/ci_bot"
    owner: "@jdoe"   # keep: jdoe set this up
`;

export const BASE_FILES: Record<string, string> = {
  'README.md': '# payments\n',
  '.github/nhi-owners.yml': OWNERS_FILE,
  'k8s/api.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments-api
  namespace: payments
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  namespace: payments
spec:
  template:
    spec:
      serviceAccountName: payments-api
      containers:
        - name: api
          image: ghcr.io/acme/payments-api:1.4.2
`,
  'infra/iam.tf': `resource "aws_iam_user" "ci_bot" {
  name = "ci-bot"
}

resource "aws_iam_access_key" "ci_bot" {
  user = aws_iam_user.ci_bot.name
}
`,
  'src/server.js': `const port = process.env.PORT || 8080;\nconsole.log('listening on', port);\n`,
};

export const NEW_SERVICE_ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: billing-worker
  namespace: payments
`;

export const CONFIG_WITH_SECRET = `export const config = {
  region: 'eu-west-1',
  githubToken: '${GITHUB_TOKEN}',
};
`;

/** The API double's seed for one installation of `acme` with REPO at BASE_FILES, jdoe a writer and a member. */
export function oneRepoSeed() {
  return {
    installations: [{ id: 1, account: 'acme', accountType: 'Organization' as const }],
    repos: [{ repo: REPO, files: BASE_FILES, installationId: 1, collaborators: { jdoe: 'write' as const } }],
    orgs: { acme: { members: ['jdoe'], teams: {} } },
  };
}
