import { describe, expect, it } from 'vitest';
import { cloudformationExtractor, extractCloudFormation } from '../../../src/core/identities/cloudformation.js';
import { INTRINSIC_TAGS } from '../../../src/core/identities/yaml/cloudformation-schema.js';
import { countBy, extractSet, fixtureFiles } from './fixture-set.js';
import { cpuTimed } from '../../support/cpu-time.js';

const set = extractSet(cloudformationExtractor, fixtureFiles('cloudformation'));
const edges = (id: string) => set.byId(id).usedBy.map((u) => `${u.via} ${u.id} @${u.line}`).sort();

describe('cloudformation extractor over fixtures/iac/cloudformation', () => {
  it('finds exactly these records, by type', () => {
    expect(set.errors).toEqual([]);
    expect(countBy(set.records, (r) => `${r.kind} ${r.type}`)).toEqual({
      'identity AWS::IAM::User': 2,
      'identity AWS::IAM::Role': 3,
      'credential AWS::IAM::AccessKey': 2,
      'credential AWS::SecretsManager::Secret': 3,
    });
    expect(set.records.filter((r) => r.file === 'network/vpc.yaml')).toEqual([]);
  });

  it('links an access key to its user; Serial is rotation evidence, its absence is not', () => {
    const key = set.byId('cloudformation:AWS::IAM::AccessKey/ci/deploy-user/DeployUserKey');
    expect([key.file, key.line, key.rotationEvidence]).toEqual(['ci/deploy-user.yaml', 32, 'AWS::IAM::AccessKey Serial !Ref KeySerial (bump to rotate)']);
    expect(key.attributes.user).toBe('cloudformation:AWS::IAM::User/ci/deploy-user/DeployUser');
    expect(edges(key.id)).toEqual(['SecretString cloudformation:AWS::SecretsManager::Secret/ci/deploy-user/DeployUserKeySecret @51', 'UserName cloudformation:AWS::IAM::User/ci/deploy-user/DeployUser @35']);
    const legacy = set.byId('cloudformation:AWS::IAM::AccessKey/ci/deploy-user/LegacyRunnerKey');
    expect([legacy.line, legacy.rotationEvidence, edges(legacy.id)]).toEqual([40, undefined, ['UserName cloudformation:AWS::IAM::User/ci/deploy-user/DeployUser @43']]);
  });

  it('collects managed, inline and attached policies as permissions', () => {
    expect(set.byId('cloudformation:AWS::IAM::User/ci/deploy-user/DeployUser').permissions).toEqual([
      '!Sub arn:${AWS::Partition}:iam::aws:policy/AWSCloudFormationFullAccess',
      'inline/artifacts: s3:GetObject,s3:PutObject',
      'policy/deploy-ecr-push: ecr:PutImage,ecr:InitiateLayerUpload',
    ]);
    const role = set.byId('cloudformation:AWS::IAM::Role/oidc/github-deploy-role/GitHubDeployRole');
    expect([role.file, role.line]).toEqual(['oidc/github-deploy-role.json', 16]);
    expect(role.permissions).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', 'policy/deploy-boundary: !iam:CreateUser']);
    expect(role.attributes.trust).toEqual(['Federated:https://token.actions.githubusercontent.com']);
  });

  it('rotation schedules, SAM functions, dynamic references', () => {
    const db = set.byId('cloudformation:AWS::SecretsManager::Secret/sam/template/OrdersDbSecret');
    expect(db.rotationEvidence).toBe('AWS::SecretsManager::RotationSchedule OrdersDbSecretRotation (every !FindInMap [StageConfig, !Ref Stage, RotationDays] days)');
    expect(edges(db.id)).toEqual(['Environment cloudformation:AWS::Serverless::Function/sam/template/OrdersFunction @91', 'Policies cloudformation:AWS::IAM::Role/sam/template/OrdersFunctionRole @77']);
    expect(set.byId('cloudformation:AWS::SecretsManager::Secret/sam/template/PaymentsApiKey').rotationEvidence).toBeUndefined();
    expect(edges('cloudformation:AWS::SecretsManager::Secret/sam/template/PaymentsApiKey')).toEqual([
      'Environment cloudformation:AWS::Serverless::Function/sam/template/OrdersFunction @91',
      'Environment cloudformation:AWS::Serverless::Function/sam/template/ReportsFunction @118',
      'Policies cloudformation:AWS::Serverless::Function/sam/template/ReportsFunction @113',
    ]);
    expect(edges('cloudformation:AWS::IAM::Role/sam/template/OrdersFunctionRole')).toEqual(['Role cloudformation:AWS::Serverless::Function/sam/template/OrdersFunction @90']);
  });
});

describe('cloudformation YAML intrinsics', () => {
  it.each(INTRINSIC_TAGS.flatMap((tag) => [[tag, 'scalar', `!${tag} Value`], [tag, 'sequence', `!${tag} [a, b]`], [tag, 'mapping', `!${tag} {k: v}`]]))('!%s as %s', (tag, _kind, expression) => {
    const content = `Resources:\n  Bot:\n    Type: AWS::IAM::User\n    Metadata:\n      X: ${expression}\n`;
    const result = extractCloudFormation({ path: 't.yaml', content });
    expect(result.errors).toEqual([]);
    expect(result.records.map((r) => r.id)).toEqual(['cloudformation:AWS::IAM::User/t/Bot']);
  });

  it('an unknown tag loads as its long form instead of failing the file', () => {
    const result = extractCloudFormation({ path: 't.yaml', content: 'Resources:\n  Bot:\n    Type: AWS::IAM::User\n    Metadata: !Rain::Embed file.txt\n' });
    expect(result.errors).toEqual([]);
    expect(result.records).toHaveLength(1);
  });
});

describe('cloudformation bad input', () => {
  it('malformed YAML names line and column', () => {
    expect(extractCloudFormation({ path: 'bad.yaml', content: 'Resources:\n  Bot:\n    Type: AWS::IAM::User\n   Properties: {}\n' }).errors).toEqual([
      { file: 'bad.yaml', line: 4, column: 4, message: 'malformed YAML: bad indentation of a mapping entry' },
    ]);
  });

  it('malformed JSON names line and column, without quoting the file', () => {
    const content = '{\n  "Resources": {\n    "Key": {\n      "Type": "AWS::IAM::AccessKey",\n      "Properties": { "UserName": "bot" "Serial": 1 }\n    }\n  }\n}\n';
    expect(extractCloudFormation({ path: 'bad.json', content }).errors).toEqual([{ file: 'bad.json', line: 5, column: 41, message: "malformed JSON: Expected ',' or '}' after property value" }]);
  });

  it('100k nested JSON brackets are refused before parsing', () => {
    const content = `{"Resources": {"X": {"Type": "AWS::IAM::User", "Metadata": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;
    expect(extractCloudFormation({ path: 'deep.json', content }).errors).toEqual([{ file: 'deep.json', line: 1, column: 313, message: 'malformed JSON: nesting exceeded maxDepth (256)' }]);
  });

  it('a 10 MB JSON template extracts in reasonable time', () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; resources && i < 40_000; i++) {
      resources[`Bucket${i}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': `acme-\${AWS::Region}-${i}` }, Tags: [{ Key: 'team', Value: 'platform-and-reliability-engineering' }] } };
    }
    for (let i = 0; i < 500; i++) {
      resources[`User${i}`] = { Type: 'AWS::IAM::User', Properties: { Path: '/machine/' } };
      resources[`Key${i}`] = { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: `User${i}` }, Serial: i } };
    }
    const content = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2);
    expect(content.length).toBeGreaterThan(10_000_000);
    const { value: result, ms } = cpuTimed(() => extractCloudFormation({ path: 'big.json', content }));
    expect(result.errors).toEqual([]);
    expect(result.records).toHaveLength(1000);
    expect(result.records.find((r) => r.id === 'cloudformation:AWS::IAM::AccessKey/big/Key499')?.usedBy[0].id).toBe('cloudformation:AWS::IAM::User/big/User499');
    // ~1.5 s on an idle core (JSON.parse 0.25 s, outline 0.4 s); the bound leaves room for a loaded CI machine.
    expect(ms).toBeLessThan(8000);
  });
});

describe('cloudformation nested templates written inline', () => {
  it('a StackSet TemplateBody is its own stack, each resource at its own line', () => {
    const content = 'Resources:\n  Common:\n    Type: AWS::CloudFormation::StackSet\n    Properties:\n      TemplateBody:\n        Resources:\n          Role:\n            Type: AWS::IAM::Role\n          Key:\n            Type: AWS::IAM::AccessKey\n            Properties:\n              UserName: !Ref Bot\n          Bot:\n            Type: AWS::IAM::User\n  Role:\n    Type: AWS::IAM::Role\n';
    const { records } = extractCloudFormation({ path: 'org/set.yaml', content });
    expect(records.map((r) => [r.id, r.line])).toEqual([
      ['cloudformation:AWS::IAM::Role/org/set/Role', 15],
      ['cloudformation:AWS::IAM::Role/org/set/Common/Role', 7],
      ['cloudformation:AWS::IAM::AccessKey/org/set/Common/Key', 9],
      ['cloudformation:AWS::IAM::User/org/set/Common/Bot', 13],
    ]);
    expect(records[2].usedBy.map((u) => u.id)).toEqual(['cloudformation:AWS::IAM::User/org/set/Common/Bot']);
  });
});

describe('cloudformation nested template as text', () => {
  it('a TemplateBody block scalar is read as its own stack, lines shifted to the block', () => {
    const content = 'Resources:\n  Set:\n    Type: AWS::CloudFormation::StackSet\n    Properties:\n      TemplateBody: |\n        AWSTemplateFormatVersion: "2010-09-09"\n        Resources:\n          ReplicationRole:\n            Type: AWS::IAM::Role\n';
    const { records, errors } = extractCloudFormation({ path: 'org/set.yaml', content });
    expect(errors).toEqual([]);
    expect(records.map((r) => [r.id, r.line])).toEqual([['cloudformation:AWS::IAM::Role/org/set/Set/ReplicationRole', 8]]);
  });
});
