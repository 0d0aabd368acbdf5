import { createHash } from 'node:crypto';
import type { ExtractResult, Extractor, Finding, IdentityRecord, SourceFile, UsedBy } from '../types.js';
import { loadYaml, type LoadedYaml } from './yaml/load.js';
import { asList, asMapping, asText, type Mapping } from './yaml/values.js';

/**
 * GitHub Actions workflows. Each `secrets.NAME` a workflow reads is a credential
 * `github-actions:secret/NAME` (names are case-insensitive on GitHub, so upper-cased; the pipeline
 * merges the records of all workflows into one per repository). Each use is a usedBy edge from
 * its job, with file and line; `attributes.tokenPermissions` keeps the GITHUB_TOKEN permissions
 * (job block, else workflow block, else `default`) of every job that reads it.
 *
 * Cloud logins: static keys handed to a cloud login action raise `credential/static-ci-key`
 * (NHI6). A login through OIDC is recorded as an identity `github-actions:oidc/<cloud>/<role or
 * provider>` with rotation evidence `oidc`: nothing long-lived is stored, each run gets a token.
 */

const PLATFORM = 'github-actions';

interface CloudLogin {
  action: string;
  cloud: string;
  label: string;
  /** Inputs that carry long-lived keys. */
  staticInputs: string[];
  /** The input naming what OIDC assumes. */
  oidcInput: string;
  advice: string;
}

const CLOUD_LOGINS: CloudLogin[] = [
  {
    action: 'aws-actions/configure-aws-credentials',
    cloud: 'aws',
    label: 'AWS',
    staticInputs: ['aws-access-key-id', 'aws-secret-access-key'],
    oidcInput: 'role-to-assume',
    advice: 'grant the job `permissions: id-token: write`, create an IAM role trusting token.actions.githubusercontent.com for this repository, pass it as `role-to-assume`, then delete the access key and its secrets',
  },
  {
    action: 'google-github-actions/auth',
    cloud: 'gcp',
    label: 'Google Cloud',
    staticInputs: ['credentials_json'],
    oidcInput: 'workload_identity_provider',
    advice: 'grant the job `permissions: id-token: write`, set up Workload Identity Federation for GitHub, pass `workload_identity_provider` (and `service_account`), then delete the service-account key',
  },
  {
    action: 'azure/login',
    cloud: 'azure',
    label: 'Azure',
    staticInputs: ['creds'],
    oidcInput: 'client-id',
    advice: 'grant the job `permissions: id-token: write`, add a federated credential for this repository to the app registration, pass `client-id`, `tenant-id` and `subscription-id` instead of `creds`, then delete the client secret',
  },
];

const SECRET_REF = /(?<![\w.-])secrets\.([A-Za-z_][A-Za-z0-9_]*)|(?<![\w.-])secrets\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]/g;
const BUILT_IN = new Set(['GITHUB_TOKEN']);

export const workflowsExtractor: Extractor = {
  platform: PLATFORM,
  matches: (path) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path),
  extract: extractWorkflow,
};

interface Job {
  id: string;
  line: number;
  body: Mapping;
  permissions: string[];
  /** Line of the `permissions` block that applies (job's, else workflow's); undefined when none does. */
  permissionsLine?: number;
  usedBy: (line: number, via: string) => UsedBy;
}

export function extractWorkflow(file: SourceFile): ExtractResult {
  const yaml = loadYaml(file.path, file.content);
  const root = asMapping(yaml.documents[0]?.value);
  if (!root) return { records: [], errors: yaml.errors };
  const workflow = file.path.split('/').pop() ?? file.path;
  const workflowPermissions = renderPermissions(root.permissions);
  const jobsMap = asMapping(root.jobs) ?? {};
  const jobs: Job[] = Object.entries(jobsMap).map(([id, body]) => {
    const line = yaml.keyLine(jobsMap, id, 1);
    const job = asMapping(body) ?? {};
    return {
      id,
      line,
      body: job,
      permissions: job.permissions !== undefined ? renderPermissions(job.permissions) : workflowPermissions,
      permissionsLine: job.permissions !== undefined ? yaml.keyLine(job, 'permissions', line) : root.permissions !== undefined ? yaml.keyLine(root, 'permissions', 1) : undefined,
      usedBy: (useLine, via) => ({ id: `${PLATFORM}:job/${workflow}/${id}`, kind: 'job', name: id, file: file.path, line: useLine, via }),
    };
  });
  jobs.sort((a, b) => a.line - b.line);
  const workflowUse = (line: number, via: string): UsedBy => ({ id: `${PLATFORM}:workflow/${workflow}`, kind: 'workflow', name: workflow, file: file.path, line, via });

  const records = new Map<string, IdentityRecord>();
  const secret = (name: string, line: number) => {
    const id = `${PLATFORM}:secret/${name}`;
    let r = records.get(id);
    if (!r) records.set(id, (r = { id, kind: 'credential', platform: PLATFORM, type: 'secret', name, file: file.path, line, attributes: { tokenPermissions: {} }, usedBy: [] }));
    return r;
  };

  for (const use of secretUses(file.content)) {
    const job = jobAt(jobs, use.line);
    const r = secret(use.name, use.line);
    const usedBy = job ? job.usedBy(use.line, use.via) : workflowUse(use.line, use.via);
    r.usedBy.push(usedBy);
    (r.attributes.tokenPermissions as Record<string, string[]>)[usedBy.id] = job ? job.permissions : workflowPermissions;
    // A secret in a job whose GITHUB_TOKEN may write everything: one leak away from the repository.
    const permissions = job ? job.permissions : workflowPermissions;
    const permissionsLine = job ? job.permissionsLine : root.permissions !== undefined ? yaml.keyLine(root, 'permissions', 1) : undefined;
    if (permissions.includes('write-all') && permissionsLine !== undefined) {
      const grants = (r.grants ??= []);
      if (!grants.some((g) => g.file === file.path && g.line === permissionsLine)) grants.push({ permission: `github-token:write-all (${job ? `job ${job.id}` : 'workflow'})`, file: file.path, line: permissionsLine });
    }
  }
  const callSecrets = asMapping(asMapping(asMapping(root.on)?.workflow_call)?.secrets) ?? {};
  for (const name of Object.keys(callSecrets)) {
    const line = yaml.keyLine(callSecrets, name, 1);
    secret(name.toUpperCase(), line).usedBy.push(workflowUse(line, 'workflow_call'));
  }

  for (const r of records.values()) {
    if (r.usedBy.length > 0 && r.usedBy.every((u) => REFERENCE_INPUTS.has(u.via))) {
      r.kind = 'config';
      r.attributes.reference = [...new Set(r.usedBy.map((u) => u.via))];
    }
  }
  const findings: Finding[] = [];
  for (const job of jobs) cloudLogins(file.path, yaml, job, records, findings);
  for (const job of jobs) exposures(file.path, yaml, root, job, records);
  const all = [...records.values()];
  return { records: all, errors: yaml.errors, findings };
}

/** `secrets.NAME` / `secrets['NAME']` in expressions, outside comment lines. */
function secretUses(content: string): Array<{ name: string; line: number; via: string }> {
  const out: Array<{ name: string; line: number; via: string }> = [];
  if (!content.includes('secrets')) return out;
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes('secrets') || /^\s*#/.test(line)) continue;
    // Outside `${{ }}` only `if:` conditions are expressions; elsewhere `secrets.md` is just text.
    if (!line.includes('${{') && !/^\s*(-\s+)?if:/.test(line)) continue;
    const via = /^\s*(?:-\s+)?([\w.-]+):/.exec(line)?.[1] ?? 'expression';
    for (const m of line.matchAll(SECRET_REF)) {
      const name = (m[1] ?? m[2]).toUpperCase();
      if (!BUILT_IN.has(name)) out.push({ name, line: i + 1, via });
    }
  }
  return out;
}

function jobAt(jobs: Job[], line: number): Job | undefined {
  let found: Job | undefined;
  for (const job of jobs) if (job.line <= line) found = job;
  return found;
}

/** `read-all`, or `contents: read`… per scope; `default` when no block applies (repository default). */
function renderPermissions(value: unknown): string[] {
  if (value === undefined || value === null) return ['default'];
  const text = asText(value);
  if (text !== undefined) return [text];
  const map = asMapping(value) ?? {};
  const scopes = Object.entries(map).map(([scope, level]) => `${scope}: ${asText(level) ?? '?'}`);
  return scopes.length ? scopes : ['none'];
}

function cloudLogins(file: string, yaml: LoadedYaml, job: Job, records: Map<string, IdentityRecord>, findings: Finding[]): void {
  for (const step of asList(job.body.steps)) {
    const s = asMapping(step) ?? {};
    const uses = asText(s.uses)?.split('@')[0].toLowerCase();
    const login = CLOUD_LOGINS.find((l) => l.action === uses);
    if (!login) continue;
    const inputs = asMapping(s.with) ?? {};
    const stepLine = yaml.lineOf(step, job.line);
    const staticInputs = login.staticInputs.filter((input) => inputs[input] !== undefined);
    if (staticInputs.length > 0) {
      const line = yaml.keyLine(inputs, staticInputs[0], stepLine);
      const secrets = staticInputs.flatMap((input) => [...(asText(inputs[input]) ?? '').matchAll(SECRET_REF)].map((m) => `${PLATFORM}:secret/${(m[1] ?? m[2]).toUpperCase()}`));
      findings.push({
        rule: 'credential/static-ci-key',
        level: 'warning',
        file,
        line,
        column: 1,
        message: `Job \`${job.id}\` gives ${login.action} long-lived ${login.label} keys (${staticInputs.join(', ')}). Use OIDC instead: ${login.advice}.`,
        fingerprint: createHash('sha256').update(`credential/static-ci-key|${file}|${job.id}|${login.action}`).digest('hex'),
        // The secret half of a key pair names the credential (see pairCredentials in link.ts).
        ...(secrets.length ? { identityId: secrets.at(-1) } : {}),
        owasp: ['NHI6'],
        data: { job: job.id, action: login.action, inputs: staticInputs, secrets },
      });
      continue;
    }
    const target = asText(inputs[login.oidcInput]);
    if (!target) continue;
    const full = target.replace(/^\$\{\{\s*(.*?)\s*\}\}$/, '$1');
    const name = shortOidcName(login.cloud, full);
    const id = `${PLATFORM}:oidc/${login.cloud}/${name}`;
    const line = yaml.keyLine(inputs, login.oidcInput, stepLine);
    let r = records.get(id);
    if (!r) {
      const idTokenWrite = job.permissions.some((p) => p === 'id-token: write' || p === 'write-all');
      r = { id, kind: 'identity', platform: PLATFORM, type: 'oidc', name, namespace: login.cloud, file, line, attributes: { action: login.action, idTokenWrite, ...(full !== name ? { target: full } : {}) }, usedBy: [], permissions: job.permissions, rotationEvidence: 'oidc (short-lived token per workflow run)' };
      records.set(id, r);
    }
    r.usedBy.push(job.usedBy(line, login.oidcInput));
  }
}

/**
 * A short, globbable name for what an OIDC login assumes (the full text stays in `attributes.target`):
 * `arn:aws:iam::123456789012:role/deploy/docs` → `123456789012/deploy/docs`;
 * `projects/123/locations/global/workloadIdentityPools/github/providers/acme` → `github/acme`;
 * expressions (`vars.AWS_ROLE`, `secrets.AZURE_CLIENT_ID`) and plain ids as they are.
 */
export function shortOidcName(cloud: string, target: string): string {
  if (cloud === 'aws') {
    const arn = /^arn:aws[\w-]*:iam::(\d{12}|\$\{[^}]*\}):role\/(.+)$/.exec(target);
    if (arn) return `${arn[1]}/${arn[2]}`;
  }
  if (cloud === 'gcp') {
    const provider = /workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/.exec(target);
    if (provider) return `${provider[1]}/${provider[2]}`;
  }
  return target;
}

/**
 * Inputs that name an identity rather than hold a secret: a secret read only through them (a role
 * ARN, a workload identity provider, a client or tenant id) is configuration, recorded with kind
 * `config`: it needs an owner, but there is nothing to rotate.
 */
const REFERENCE_INPUTS = new Set(['role-to-assume', 'role-session-name', 'aws-region', 'audience', 'service_account', 'workload_identity_provider', 'project_id', 'client-id', 'tenant-id', 'subscription-id']);

/** Owners whose actions run as part of GitHub itself; anything else is third-party code. */
const FIRST_PARTY = /^(actions|github)\//i;
const FULL_SHA = /^[0-9a-f]{40}$/i;
/** A checkout of the pull request's own code rather than the base branch. */
const PR_HEAD = /github\.event\.pull_request\.head\.|github\.head_ref|refs\/pull\/|github\.event\.pull_request\.merge_commit_sha/;
const PR_HEAD_RUN = /\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/|\bgit\s+checkout\b[^\n]*\$\{\{\s*github\.(event\.pull_request\.head|head_ref)/;

export interface Exposure {
  kind: 'pull_request_target' | 'unpinned-action';
  file: string;
  line: number;
  job: string;
  action?: string;
}

function triggers(root: Mapping): string[] {
  const on = root.on ?? root[true as unknown as string];
  const text = asText(on);
  if (text !== undefined) return [text];
  if (Array.isArray(on)) return on.map((t) => asText(t) ?? '');
  return Object.keys(asMapping(on) ?? {});
}

function secretNames(value: unknown): string[] {
  const texts: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 8) return;
    const t = asText(v);
    if (t !== undefined) texts.push(t);
    else for (const child of Array.isArray(v) ? v : Object.values(asMapping(v) ?? {})) walk(child, depth + 1);
  };
  walk(value, 0);
  return texts.flatMap((t) => [...t.matchAll(SECRET_REF)].map((m) => (m[1] ?? m[2]).toUpperCase())).filter((n) => !BUILT_IN.has(n));
}

/**
 * Where a job hands secrets to code the repository does not control (`workflow/secret-exposure`):
 * a `pull_request_target` job that checks out the pull request's head runs the PR author's code
 * with the base repository's secrets; a third-party action pinned by a tag (which its owner can
 * move) receives the secrets given to its step. Recorded on the secret as `attributes.exposures`.
 */
function exposures(file: string, yaml: LoadedYaml, root: Mapping, job: Job, records: Map<string, IdentityRecord>): void {
  const add = (name: string, exposure: Exposure) => {
    const r = records.get(`${PLATFORM}:secret/${name}`);
    if (!r) return;
    const list = ((r.attributes.exposures ??= []) as Exposure[]);
    if (!list.some((e) => e.kind === exposure.kind && e.line === exposure.line && e.file === exposure.file)) list.push(exposure);
  };
  const steps = asList(job.body.steps);
  if (triggers(root).includes('pull_request_target')) {
    let headLine: number | undefined;
    for (const step of steps) {
      const s = asMapping(step) ?? {};
      const stepLine = yaml.lineOf(step, job.line);
      const uses = asText(s.uses)?.split('@')[0].toLowerCase();
      const ref = asText(asMapping(s.with)?.ref);
      if (uses === 'actions/checkout' && ref && PR_HEAD.test(ref)) headLine ??= yaml.keyLine(asMapping(s.with), 'ref', stepLine);
      const run = asText(s.run);
      if (run && PR_HEAD_RUN.test(run)) headLine ??= yaml.keyLine(s, 'run', stepLine);
    }
    if (headLine !== undefined) {
      const jobId = job.usedBy(0, '').id;
      for (const r of records.values()) {
        if (r.type === 'secret' && r.usedBy.some((u) => u.id === jobId)) add(r.name, { kind: 'pull_request_target', file, line: headLine, job: job.id });
      }
    }
  }
  for (const step of steps) {
    const s = asMapping(step) ?? {};
    const uses = asText(s.uses);
    if (!uses || uses.startsWith('./') || uses.startsWith('docker://')) continue;
    const [action, ref = ''] = uses.split('@');
    if (FIRST_PARTY.test(action) || FULL_SHA.test(ref)) continue;
    const line = yaml.keyLine(s, 'uses', yaml.lineOf(step, job.line));
    for (const name of new Set(secretNames([s.with, s.env]))) add(name, { kind: 'unpinned-action', file, line, job: job.id, action: uses });
  }
}

/** Input → expected record ids, run by test/unit/identities/samples.test.ts. */
export const samples: Array<{ name: string; path: string; input: string; ids: string[]; edges?: Array<[target: string, usedBy: string, via: string]> }> = [
  {
    name: 'a secret in a step input',
    path: '.github/workflows/publish.yml',
    input: 'on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
    ids: ['github-actions:secret/NPM_TOKEN'],
    edges: [['github-actions:secret/NPM_TOKEN', 'github-actions:job/publish.yml/publish', 'NODE_AUTH_TOKEN']],
  },
  {
    name: 'GITHUB_TOKEN and commented-out secrets are not credentials',
    path: '.github/workflows/ci.yaml',
    input: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.GITHUB_TOKEN }}\n      # - run: echo ${{ secrets.OLD_KEY }}\n      - run: cat docs/secrets.md\n',
    ids: [],
  },
  {
    name: 'bracket form, lower case',
    path: '.github/workflows/x.yml',
    input: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: deploy\n        env:\n          KEY: ${{ secrets['deploy_key'] }}\n",
    ids: ['github-actions:secret/DEPLOY_KEY'],
  },
];
