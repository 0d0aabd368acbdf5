/**
 * The repository the Action scenarios run in, and the fake secrets they plant. Every raw value in
 * RAW_SECRETS is searched for in the summary, the outputs, stdout, stderr, the SARIF file and every
 * request body the GitHub double received: none may appear.
 */
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';

export const REPO = 'acme/ledger';

/** GitHub classic tokens with a valid CRC32 checksum (fake). */
export const PR_TOKEN = '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';
export const BASE_TOKEN = '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';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fake classic token: 30 characters, then their CRC32 in 6 base-62 digits, as GitHub's format has it. */
export function classicToken(seed: number): string {
  let body = '';
  for (let i = 0, x = seed * 7919 + 17; i < 30; i++, x = (x * 48271) % 2147483647) body += BASE62[x % 62];
  let crc = crc32(body);
  let checksum = '';
  for (let i = 0; i < 6; i++, crc = Math.floor(crc / 62)) checksum = BASE62[crc % 62] + checksum;
  return `ghp_${body}${checksum}`;
}

/** Twelve tokens, one per line: more errors than a step shows as annotations. */
export const MANY_TOKENS = Array.from({ length: 12 }, (_, i) => classicToken(i + 1));

export const RAW_SECRETS = [PR_TOKEN, BASE_TOKEN, ...MANY_TOKENS];

export const OWNERS_FILE = `identities:
  - match: "kubernetes:ServiceAccount/ledger/ledger-api"
    owner: "@acme/ledger"
`;

/** A clean default branch: one owned ServiceAccount, some code. */
export const BASE_FILES: Record<string, string> = {
  'README.md': '# ledger\n',
  '.github/nhi-owners.yml': OWNERS_FILE,
  'k8s/api.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ledger-api
  namespace: ledger
`,
  'src/server.js': `const port = process.env.PORT || 8080;\nconsole.log('listening on', port);\n`,
};

/** The secret sits on line 3. */
export const CONFIG_WITH_SECRET = `export const config = {
  region: 'eu-west-1',
  githubToken: '${PR_TOKEN}',
};
`;

/** A default branch with governance gaps, for the scheduled scan: an access key nobody rotates, an embedded token. */
export const GAPS_FILES: Record<string, string> = {
  ...BASE_FILES,
  'infra/iam.tf': `resource "aws_iam_user" "ci_bot" {
  name = "ci-bot"
}

resource "aws_iam_access_key" "ci_bot" {
  user = aws_iam_user.ci_bot.name
}
`,
  'scripts/deploy.sh': `#!/bin/sh\nexport GH_TOKEN=${BASE_TOKEN}\n./deploy\n`,
};

const require = createRequire(import.meta.url);
const examples: { name: string; examples: any[] }[] = require('@octokit/webhooks-examples');

/** A real `pull_request.opened` payload from @octokit/webhooks-examples, pointed at the test PR. */
export function pullRequestPayload(pull: { number: number; headSha: string; baseSha: string; repository?: string }): any {
  const payload = structuredClone(examples.find((e) => e.name === 'pull_request')!.examples.find((x) => x.action === 'opened'));
  const [owner, name] = (pull.repository ?? REPO).split('/');
  const repository = { ...payload.repository, name, full_name: `${owner}/${name}`, owner: { ...payload.repository.owner, login: owner }, default_branch: 'main' };
  payload.number = pull.number;
  payload.repository = repository;
  payload.pull_request = {
    ...payload.pull_request,
    number: pull.number,
    head: { ...payload.pull_request.head, sha: pull.headSha, ref: 'feature', repo: repository },
    base: { ...payload.pull_request.base, sha: pull.baseSha, ref: 'main', repo: repository },
  };
  return payload;
}

/**
 * The runner's `schedule` event payload: there is no webhook for it, so no example; the runner
 * writes the cron expression and the repository.
 */
export function schedulePayload(): any {
  const repository = structuredClone(examples.find((e) => e.name === 'push')!.examples[0].repository);
  const [owner, name] = REPO.split('/');
  return { schedule: '17 3 * * 1', repository: { ...repository, name, full_name: REPO, owner: { ...repository.owner, login: owner, name: owner } } };
}
