/**
 * IaC extraction bench: writes ≥ 5,000 files in the shapes teams really write — Kubernetes
 * manifests, Terraform, CloudFormation (YAML and JSON), GitHub Actions workflows, docker-compose —
 * under bench/.work/iac (git-ignored), reads them back, and times `extractIdentities` over them on
 * one core. Target: ≥ 2,000 files/s.
 *
 *   npx tsx bench/iac.ts              # the IaC extraction bench
 *   npx tsx bench/iac.ts --hcl2json   # also: our HCL reader against hcl2json, per resource
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseHcl } from '../src/core/identities/hcl/parser.js';
import { extractIdentities } from '../src/core/scan.js';
import type { SourceFile } from '../src/core/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORK = join(HERE, '.work', 'iac');

/** A deterministic generator, so every run benches the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const APPS = ['billing', 'ledger', 'payments', 'search', 'catalog', 'checkout', 'notifications', 'reporting', 'auth', 'gateway'];
const ENVS = ['dev', 'staging', 'prod'];

interface Shape {
  platform: string;
  count: number;
  path: (i: number) => string;
  content: (i: number, pick: <T>(xs: T[]) => T) => string;
}

const kubernetes: Shape = {
  platform: 'kubernetes',
  count: 1100,
  path: (i) => `k8s/${APPS[i % APPS.length]}/${ENVS[i % 3]}/manifests-${i}.yaml`,
  content: (i, pick) => {
    const app = APPS[i % APPS.length];
    const ns = `${app}-${ENVS[i % 3]}`;
    return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app}-worker
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/part-of: acme
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/${app}-worker
---
apiVersion: v1
kind: Secret
metadata:
  name: ${app}-db
  namespace: ${ns}
type: Opaque
stringData:
  DB_HOST: ${app}-db.${ns}.svc.cluster.local
  DB_USER: ${app}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}-api
  namespace: ${ns}
spec:
  replicas: ${1 + (i % 4)}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      serviceAccountName: ${app}-worker
      imagePullSecrets:
        - name: registry-credentials
      containers:
        - name: api
          image: ghcr.io/acme/${app}:${pick(['1.4.2', '2.0.0', 'sha-3f9c2d1'])}
          ports:
            - containerPort: 8080
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: ${app}-db
                  key: password
          envFrom:
            - secretRef:
                name: ${app}-config
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 512Mi }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${app}-worker-edit
  namespace: ${ns}
subjects:
  - kind: ServiceAccount
    name: ${app}-worker
    namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${pick(['view', 'edit', 'admin'])}
`;
  },
};

const terraform: Shape = {
  platform: 'terraform',
  count: 1100,
  path: (i) => `infra/${APPS[i % APPS.length]}/${ENVS[i % 3]}/iam-${i}.tf`,
  content: (i, pick) => {
    const app = APPS[i % APPS.length];
    return `# IAM for ${app} (${ENVS[i % 3]}); owned by the ${app} team.

resource "aws_iam_user" "${app}_ci" {
  name = "${app}-ci-${i}"
  path = "/ci/"

  tags = {
    Team    = "${app}"
    Purpose = "CI uploads"
  }
}

resource "aws_iam_access_key" "${app}_ci" {
  user = aws_iam_user.${app}_ci.name

  lifecycle {
    replace_triggered_by = [time_rotating.${app}_ci.id]
  }
}

resource "time_rotating" "${app}_ci" {
  rotation_days = ${pick([30, 60, 90])}
}

resource "aws_iam_user_policy_attachment" "${app}_ci" {
  user       = aws_iam_user.${app}_ci.name
  policy_arn = "arn:aws:iam::aws:policy/${pick(['ReadOnlyAccess', 'PowerUserAccess', 'AmazonS3FullAccess'])}"
}

resource "aws_iam_role" "${app}_task" {
  name = "${app}-task-${i}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "${app}_task" {
  name = "data"
  role = aws_iam_role.${app}_task.id
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        { "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "\${aws_dynamodb_table.${app}.arn}" }
      ]
    }
  EOF
}

resource "aws_secretsmanager_secret" "${app}_db" {
  name = "${ENVS[i % 3]}/${app}/db-password"
}

resource "aws_secretsmanager_secret_rotation" "${app}_db" {
  secret_id           = aws_secretsmanager_secret.${app}_db.id
  rotation_lambda_arn = var.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = 30
  }
}

resource "google_service_account" "${app}" {
  for_each     = toset(var.regions)
  account_id   = "${app}-\${each.key}"
  display_name = "${app} in \${each.key}"
}
`;
  },
};

const cloudformationYaml: Shape = {
  platform: 'cloudformation',
  count: 700,
  path: (i) => `cfn/${APPS[i % APPS.length]}/stack-${i}.yaml`,
  content: (i, pick) => {
    const app = APPS[i % APPS.length];
    return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: ${app} service stack ${i}
Parameters:
  Environment:
    Type: String
    AllowedValues: [dev, staging, prod]
  KeySerial:
    Type: Number
    Default: ${1 + (i % 5)}
Resources:
  DeployUser:
    Type: AWS::IAM::User
    Properties:
      UserName: !Sub "${app}-deployer-\${Environment}"
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/${pick(['ReadOnlyAccess', 'PowerUserAccess'])}
  DeployKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref DeployUser
      Serial: !Ref KeySerial
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read-table
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:Query]
                Resource: !GetAtt Table.Arn
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "\${Environment}/${app}/db"
      GenerateSecretString:
        SecretStringTemplate: '{"username": "${app}"}'
        GenerateStringKey: password
  DbSecretRotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref DbSecret
      RotationRules:
        AutomaticallyAfterDays: 30
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
Outputs:
  DeployKeyId:
    Value: !Ref DeployKey
`;
  },
};

const cloudformationJson: Shape = {
  platform: 'cloudformation',
  count: 250,
  path: (i) => `cfn/${APPS[i % APPS.length]}/legacy-${i}.template.json`,
  content: (i) => {
    const app = APPS[i % APPS.length];
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `${app} legacy stack ${i}`,
      Resources: {
        ServiceUser: { Type: 'AWS::IAM::User', Properties: { UserName: `${app}-svc-${i}`, Path: '/legacy/' } },
        ServiceKey: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: 'ServiceUser' } } },
        ApiSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: `${app}/api-key-${i}` } },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: `acme-${app}-${i}` } },
      },
    };
    return JSON.stringify(template, null, 2) + '\n';
  },
};

const workflows: Shape = {
  platform: 'github-actions',
  count: 1000,
  path: (i) => `repos/r${Math.floor(i / 4)}/.github/workflows/${['ci', 'deploy', 'release', 'nightly'][i % 4]}.yml`,
  content: (i, pick) => {
    const oidc = i % 3 === 0;
    return `name: ${['CI', 'Deploy', 'Release', 'Nightly'][i % 4]}

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read
${oidc ? '  id-token: write\n' : ''}
concurrency:
  group: \${{ github.workflow }}-\${{ github.ref }}
  cancel-in-progress: true

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${pick([18, 20, 22])}
          cache: npm
      - run: npm ci
      - run: npm test
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}

  deploy:
    needs: test
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
${oidc ? '          role-to-assume: arn:aws:iam::123456789012:role/github-deploy\n' : '          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n'}          aws-region: eu-west-1
      - run: ./scripts/deploy.sh
        env:
          SLACK_WEBHOOK_URL: \${{ secrets.SLACK_WEBHOOK_URL }}
          SENTRY_AUTH_TOKEN: \${{ secrets.SENTRY_AUTH_TOKEN }}
`;
  },
};

const compose: Shape = {
  platform: 'compose',
  count: 900,
  path: (i) => `repos/r${i}/${i % 2 === 0 ? 'docker-compose.yml' : 'compose.yaml'}`,
  content: (i, pick) => {
    const app = APPS[i % APPS.length];
    return `services:
  ${app}:
    build: .
    image: ghcr.io/acme/${app}:dev
    ports:
      - "8080:8080"
    environment:
      DATABASE_URL: postgres://${app}:\${POSTGRES_PASSWORD}@db:5432/${app}
      REDIS_URL: redis://cache:6379
      LOG_LEVEL: debug
      API_TOKEN: \${API_TOKEN:-}
    depends_on: [db, cache]
  db:
    image: postgres:${pick([14, 15, 16])}
    environment:
      - POSTGRES_USER=${app}
      - POSTGRES_PASSWORD=${i % 3 === 0 ? `${app}-local-dev` : '\${POSTGRES_PASSWORD}'}
      - POSTGRES_DB=${app}
    volumes:
      - db-data:/var/lib/postgresql/data
  cache:
    image: redis:7-alpine
volumes:
  db-data: {}
`;
  },
};

const SHAPES = [kubernetes, terraform, cloudformationYaml, cloudformationJson, workflows, compose];

/** Bump when a shape changes, so that a stale corpus is rewritten. */
const CORPUS_VERSION = 'iac-corpus-v2';

/** Writes the corpus (deterministic) unless an up-to-date one is there; returns the file count. */
export function generateIacCorpus(root = WORK): number {
  const stamp = join(root, '.stamp');
  const expected = `${CORPUS_VERSION} ${SHAPES.reduce((n, s) => n + s.count, 0)}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === expected) return SHAPES.reduce((n, s) => n + s.count, 0);
  rmSync(root, { recursive: true, force: true });
  let files = 0;
  for (const [s, shape] of SHAPES.entries()) {
    const random = rng(0x1ac + s);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    for (let i = 0; i < shape.count; i++) {
      const path = join(root, shape.path(i));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, shape.content(i, pick));
      files++;
    }
  }
  writeFileSync(stamp, expected);
  return files;
}

function readTree(root: string, dir = root): SourceFile[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '.stamp') return [];
    if (statSync(path).isDirectory()) return readTree(root, path);
    return [{ path: relative(root, path).split('\\').join('/'), content: readFileSync(path, 'utf8') }];
  });
}

/** Which platform a corpus path was generated for, from the path shapes above. */
function platformOf(path: string): string {
  if (path.startsWith('k8s/')) return 'kubernetes';
  if (path.startsWith('infra/')) return 'terraform';
  if (path.startsWith('cfn/')) return 'cloudformation';
  return path.includes('/.github/workflows/') ? 'github-actions' : 'compose';
}

export interface IacBenchResult {
  files: number;
  bytes: number;
  /** Wall time of the median pass. */
  ms: number;
  /** CPU time of the same pass (user + system). */
  cpuMs: number;
}

interface PlatformRow {
  files: number;
  bytes: number;
  ms: number;
  records: number;
}

function timedPass(sources: SourceFile[]): { ms: number; cpuMs: number; records: number; perPlatform: Map<string, PlatformRow> } {
  let records = 0;
  const perPlatform = new Map<string, PlatformRow>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const f of sources) {
    const t = performance.now();
    const found = extractIdentities(f).records.length;
    const platform = platformOf(f.path);
    const row = perPlatform.get(platform) ?? { files: 0, bytes: 0, ms: 0, records: 0 };
    row.files++;
    row.bytes += f.content.length;
    row.records += found;
    row.ms += performance.now() - t;
    perPlatform.set(platform, row);
    records += found;
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, records, perPlatform };
}

/** Generates the corpus, then times extraction passes over every file (after a warm-up pass). */
export async function runIacBench(): Promise<IacBenchResult> {
  generateIacCorpus();
  const sources = readTree(WORK);
  const bytes = sources.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  // Warm the JIT on every platform (every 10th file), so the timed pass measures steady state.
  for (let i = 0; i < sources.length; i += 10) extractIdentities(sources[i]);
  // Three timed passes; the median is reported, as the machine may be shared.
  const passes = [0, 1, 2].map(() => timedPass(sources));
  passes.sort((x, y) => x.ms - y.ms);
  const { ms, cpuMs, records, perPlatform } = passes[1];
  for (const [platform, row] of perPlatform) {
    console.log(`  ${platform.padEnd(15)} ${String(row.files).padStart(5)} files ${String(row.records).padStart(6)} records ${row.ms.toFixed(0).padStart(6)} ms ${String(Math.round(row.files / (row.ms / 1000))).padStart(7)} files/s`);
  }
  const filesPerSecond = Math.round(sources.length / (ms / 1000));
  const mbPerSecond = (bytes / 1024 / 1024 / (ms / 1000)).toFixed(1);
  console.log(`IaC extraction: ${sources.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${records} records in ${ms.toFixed(0)} ms → ${filesPerSecond} files/s, ${mbPerSecond} MB/s`);
  // On a shared machine wall time includes waiting for a core; CPU time is the one-core cost.
  console.log(`  (CPU time ${cpuMs.toFixed(0)} ms → ${Math.round(sources.length / (cpuMs / 1000))} files/s, ${(bytes / 1024 / 1024 / (cpuMs / 1000)).toFixed(1)} MB/s)`);
  return { files: sources.length, bytes, ms, cpuMs };
}

/**
 * Why the Terraform extractor has its own reader: HashiCorp's parser compiled to WASM
 * (`@cdktf/hcl2json`) is exact but slow. Both parse the same Terraform corpus files; the cost is
 * given per resource block. hcl2json is warmed up first, so its WASM start-up is not counted.
 */
export async function compareHclParsers(): Promise<{ resources: number; hcl2jsonMs: number; oursMs: number }> {
  generateIacCorpus();
  const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: (file: string, src: string) => Promise<unknown> };
  const files = readTree(join(WORK, 'infra')).slice(0, 300);
  const resources = files.reduce((n, f) => n + parseHcl(f.content).body.blocks.length, 0);
  for (const f of files.slice(0, 20)) await parse(f.path, f.content);
  let started = performance.now();
  for (const f of files) await parse(f.path, f.content);
  const hcl2jsonMs = performance.now() - started;
  for (const f of files) parseHcl(f.content);
  started = performance.now();
  for (const f of files) parseHcl(f.content);
  const oursMs = performance.now() - started;
  const per = (ms: number) => `${((ms / resources) * 1000).toFixed(1)} µs/resource`;
  console.log(`HCL parse, ${files.length} files, ${resources} resource blocks: hcl2json ${hcl2jsonMs.toFixed(0)} ms (${per(hcl2jsonMs)}), ours ${oursMs.toFixed(0)} ms (${per(oursMs)}), ×${(hcl2jsonMs / oursMs).toFixed(0)}`);
  return { resources, hcl2jsonMs, oursMs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runIacBench();
  if (process.argv.includes('--hcl2json')) await compareHclParsers();
}
