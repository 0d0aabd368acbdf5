import type { ExtractError, ExtractResult, Extractor, Grant, IdentityRecord, SourceFile, UsedBy } from '../types.js';
import { CLOUDFORMATION_SCHEMA } from './yaml/cloudformation-schema.js';
import { outlineJson, parseJson } from './yaml/json-outline.js';
import { LineIndex } from './yaml/lines.js';
import { DEFAULT_MAX_DEPTH, loadYaml } from './yaml/load.js';
import { asList, asMapping, asText, type Mapping } from './yaml/values.js';

/**
 * CloudFormation and SAM templates, YAML (every short-form intrinsic, see cloudformation-schema)
 * or JSON. IAM users and roles are identities; access keys and Secrets Manager secrets are
 * credentials. Refs are template-local, so every edge is resolved inside the file:
 * - `AWS::IAM::AccessKey.UserName` → the key's user (usedBy, `attributes.user`); `Serial` is
 *   rotation evidence (bumping it replaces the key on deploy);
 * - `AWS::SecretsManager::RotationSchedule.SecretId` → rotation evidence on the secret;
 * - `AWS::IAM::Policy` / `ManagedPolicy` `Users`/`Roles` → permissions on those identities;
 * - any other resource (SAM / Lambda functions, ECS tasks…) whose properties reference a record
 *   (`Ref`, `GetAtt`, `Sub` `${X}`, `{{resolve:secretsmanager:NAME}}`) → usedBy, `via` = property.
 */

const PLATFORM = 'cloudformation';
/** Generic reference walks stop here; templates are shallow, hostile input is not. */
const MAX_WALK_DEPTH = 64;

type Kind = IdentityRecord['kind'];

interface Template {
  file: string;
  /** The template path without its extension: each template is its own stack, so ids carry it. */
  stack: string;
  resources: Mapping;
  records: Map<string, IdentityRecord>;
  /** Secret `Name` → logical id, for `{{resolve:secretsmanager:NAME}}` dynamic references. */
  secretNames: Map<string, string>;
  line(logicalId: string): number;
  propertyLine(logicalId: string, properties: Mapping, key: string): number;
}

export const cloudformationExtractor: Extractor = {
  platform: PLATFORM,
  matches(path, content) {
    if (!/\.(ya?ml|json|template)$/i.test(path) || /(^|\/)\.github\/workflows\//.test(path) || content === undefined) return false;
    return content.includes('AWSTemplateFormatVersion') || (content.includes('Resources') && content.includes('AWS::'));
  },
  extract: extractCloudFormation,
};

export function extractCloudFormation(file: SourceFile): ExtractResult {
  const parsed = parseTemplate(file);
  if (!parsed.template) return { records: [], errors: parsed.errors };
  const t = parsed.template;
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type = asText(asMapping(resource)?.Type);
    const declare = type ? DECLARATIONS[type] : undefined;
    if (declare) t.records.set(logicalId, declare(t, logicalId, properties(resource), type!));
  }
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type = asText(asMapping(resource)?.Type) ?? '';
    if (SAM_IMPLICIT_ROLE[type]) samImplicitRole(t, logicalId, properties(resource), type);
  }
  for (const [logicalId, resource] of Object.entries(t.resources)) {
    const type = asText(asMapping(resource)?.Type) ?? '';
    (LINKERS[type] ?? usedByEdges)(t, logicalId, properties(resource), type);
  }
  return { records: [...t.records.values()], errors: parsed.errors };
}

function parseTemplate(file: SourceFile): { template?: Template; errors: ExtractError[] } {
  const text = file.content;
  if (/^\s*\{/.test(text.slice(0, 256))) {
    const index = new LineIndex(text);
    const outline = outlineJson(text, 'Resources', DEFAULT_MAX_DEPTH);
    if (outline.error) {
      const { position, message } = outline.error;
      return { errors: [{ file: file.path, line: index.line(position), column: index.column(position), message: `malformed JSON: ${message}` }] };
    }
    const json = parseJson(file.path, text, index);
    if (json.error) return { errors: [json.error] };
    const resources = asMapping(asMapping(json.value)?.Resources);
    if (!resources) return { errors: [] };
    const line = (id: string) => {
      const at = outline.keys.get(id);
      return at === undefined ? 1 : index.line(at);
    };
    return { template: newTemplate(file.path, resources, line, (id) => line(id)), errors: [] };
  }
  const yaml = loadYaml(file.path, text, { schema: CLOUDFORMATION_SCHEMA });
  const root = asMapping(yaml.documents[0]?.value);
  const resources = asMapping(root?.Resources);
  if (!resources) return { errors: yaml.errors };
  const line = (id: string) => yaml.keyLine(resources, id, yaml.lineOf(resources, 1));
  return { template: newTemplate(file.path, resources, line, (id, props, key) => yaml.keyLine(props, key, line(id))), errors: yaml.errors };
}

function newTemplate(file: string, resources: Mapping, line: (id: string) => number, propertyLine: (id: string, props: Mapping, key: string) => number): Template {
  const secretNames = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    const r = asMapping(resource);
    const name = asText(asMapping(r?.Properties)?.Name);
    if (r?.Type === 'AWS::SecretsManager::Secret' && name) secretNames.set(name, id);
  }
  return { file, stack: stackOf(file), resources, records: new Map(), secretNames, line, propertyLine };
}

function properties(resource: unknown): Mapping {
  return asMapping(asMapping(resource)?.Properties) ?? {};
}

// ---------------------------------------------------------------------------------------------
// Declarations: resource types that are NHIs
// ---------------------------------------------------------------------------------------------

type Declare = (t: Template, logicalId: string, props: Mapping, type: string) => IdentityRecord;

const DECLARATIONS: Record<string, Declare> = {
  'AWS::IAM::User': (t, id, props, type) =>
    withGrants(t, id, props, record(t, id, type, 'identity', compact({ userName: render(props.UserName), path: render(props.Path), groups: asList(props.Groups).map(render), consoleAccess: props.LoginProfile !== undefined || undefined }), policyPermissions(props))),
  'AWS::IAM::Role': (t, id, props, type) =>
    withGrants(t, id, props, record(t, id, type, 'identity', compact({ roleName: render(props.RoleName), trust: trustSummary(t, props.AssumeRolePolicyDocument), maxSessionDuration: props.MaxSessionDuration }), policyPermissions(props))),
  'AWS::IAM::AccessKey': (t, id, props, type) => {
    const r = record(t, id, type, 'credential', compact({ status: render(props.Status) ?? 'Active', serial: render(props.Serial) }));
    if (props.Serial !== undefined) r.rotationEvidence = `AWS::IAM::AccessKey Serial ${render(props.Serial)} (bump to rotate)`;
    return r;
  },
  'AWS::SecretsManager::Secret': (t, id, props, type) =>
    record(t, id, type, 'credential', compact({ secretName: render(props.Name), generated: props.GenerateSecretString !== undefined || undefined, literalValue: typeof props.SecretString === 'string' || undefined, kmsKey: props.KmsKeyId !== undefined || undefined })),
};

/** `infra/app/template.yaml` → `infra/app/template`. */
export function stackOf(file: string): string {
  return file.replace(/\.(ya?ml|json|template)$/i, '');
}

/** `cloudformation:<Type>/<template path without extension>/<LogicalId>`. */
export function cloudformationId(stack: string, type: string, logicalId: string): string {
  return `${PLATFORM}:${type}/${stack}/${logicalId}`;
}

/** The id form before ids were scoped to their template, kept so old owners globs still match. */
export function legacyCloudformationId(type: string, logicalId: string): string {
  return `${PLATFORM}:${type}/${logicalId}`;
}

function record(t: Template, logicalId: string, type: string, kind: Kind, attributes: Mapping, permissions?: string[]): IdentityRecord {
  const r: IdentityRecord = { id: cloudformationId(t.stack, type, logicalId), kind, platform: PLATFORM, type, name: logicalId, namespace: t.stack, file: t.file, line: t.line(logicalId), attributes, usedBy: [], legacyIds: [legacyCloudformationId(type, logicalId)] };
  if (permissions?.length) r.permissions = permissions;
  return r;
}

/** Managed policy ARNs as written, inline policies as `inline/<name>: <actions>`. */
function policyPermissions(props: Mapping): string[] {
  const managed = asList(props.ManagedPolicyArns).map((arn) => render(arn) ?? '?');
  const inline = asList(props.Policies).map((p) => {
    const policy = asMapping(p) ?? {};
    return `inline/${render(policy.PolicyName) ?? '?'}: ${actions(policy.PolicyDocument)}`;
  });
  return [...managed, ...inline];
}

/** Managed policies and inline statements of a user or role, each at the line of its property. */
function withGrants(t: Template, id: string, props: Mapping, r: IdentityRecord): IdentityRecord {
  const grants: Grant[] = [];
  const managedLine = t.propertyLine(id, props, 'ManagedPolicyArns');
  for (const arn of asList(props.ManagedPolicyArns)) grants.push({ permission: `aws-policy:${render(arn) ?? '?'}`, file: t.file, line: managedLine });
  const policiesLine = t.propertyLine(id, props, 'Policies');
  for (const p of asList(props.Policies)) {
    for (const permission of actionGrants(asMapping(p)?.PolicyDocument)) grants.push({ permission, file: t.file, line: policiesLine });
  }
  if (grants.length) r.grants = grants;
  return r;
}

/** Allowed actions as `aws-action:<action> on <resources>` (see `Grant`). */
function actionGrants(document: unknown): string[] {
  const statement = asMapping(document)?.Statement;
  return (Array.isArray(statement) ? statement : statement ? [statement] : []).flatMap((s) => {
    const st = asMapping(s) ?? {};
    if (st.Effect === 'Deny') return [];
    const resources = (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => render(r) ?? '?').join(',');
    return (Array.isArray(st.Action) ? st.Action : [st.Action]).map((a) => `aws-action:${render(a) ?? '?'} on ${resources}`);
  });
}

function actions(document: unknown): string {
  const statement = asMapping(document)?.Statement;
  const list = (Array.isArray(statement) ? statement : statement ? [statement] : []).flatMap((s) => {
    const st = asMapping(s) ?? {};
    const acts = Array.isArray(st.Action) ? st.Action : [st.Action];
    return acts.map((a) => `${st.Effect === 'Deny' ? '!' : ''}${render(a) ?? '?'}`);
  });
  return [...new Set(list)].join(',');
}

/**
 * `Service:lambda.amazonaws.com`, `Federated:https://token.actions.githubusercontent.com`, `AWS:*`…
 * A `Ref` to an OIDC provider of the same template is shown as the provider's URL.
 */
function trustSummary(t: Template, document: unknown): string[] {
  const statements = asList(asMapping(document)?.Statement);
  const out = new Set<string>();
  for (const s of statements) {
    const principal = asMapping(s)?.Principal;
    if (principal === '*') out.add('*');
    for (const [kind, value] of Object.entries(asMapping(principal) ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) out.add(`${kind}:${oidcProviderUrl(t, v) ?? render(v) ?? '?'}`);
    }
  }
  return [...out];
}

function oidcProviderUrl(t: Template, value: unknown): string | undefined {
  const ref = asText(asMapping(value)?.Ref);
  const provider = ref ? asMapping(t.resources[ref]) : undefined;
  return provider?.Type === 'AWS::IAM::OIDCProvider' ? render(properties(provider).Url) : undefined;
}

/**
 * SAM creates a role `<LogicalId>Role` for a function or state machine that names no `Role`, with
 * the `Policies` it lists (managed policy names or ARNs, SAM policy templates, inline statements).
 * It is an NHI like any declared role, so it gets a record (`attributes.samImplicit`).
 */
const SAM_IMPLICIT_ROLE: Record<string, string> = {
  'AWS::Serverless::Function': 'lambda.amazonaws.com',
  'AWS::Serverless::StateMachine': 'states.amazonaws.com',
};

function samImplicitRole(t: Template, logicalId: string, props: Mapping, type: string): void {
  if (props.Role !== undefined) return;
  const roleId = `${logicalId}Role`;
  if (t.resources[roleId] !== undefined || t.records.has(roleId)) return;
  const policies = Array.isArray(props.Policies) ? props.Policies : props.Policies === undefined ? [] : [props.Policies];
  const permissions = policies.map((p) => {
    const name = asText(p);
    if (name !== undefined) return name.startsWith('arn:') ? name : `arn:aws:iam::aws:policy/${name}`;
    const map = asMapping(p) ?? {};
    if (map.Statement !== undefined) return `inline: ${actions(map)}`;
    const [template] = Object.keys(map);
    return template ? `sam/${template}` : (render(p) ?? '?');
  });
  const r: IdentityRecord = {
    id: cloudformationId(t.stack, 'AWS::IAM::Role', roleId),
    kind: 'identity',
    platform: PLATFORM,
    type: 'AWS::IAM::Role',
    name: roleId,
    namespace: t.stack,
    file: t.file,
    line: t.line(logicalId),
    attributes: { samImplicit: `${type} ${logicalId}`, trust: [`Service:${SAM_IMPLICIT_ROLE[type]}`] },
    usedBy: [{ id: cloudformationId(t.stack, type, logicalId), kind: type, name: logicalId, file: t.file, line: t.line(logicalId), via: 'Role (implicit)' }],
    legacyIds: [legacyCloudformationId('AWS::IAM::Role', roleId)],
  };
  if (permissions.length) {
    r.permissions = permissions;
    const line = t.propertyLine(logicalId, props, 'Policies');
    r.grants = policies.flatMap((p) => {
      const map = asMapping(p);
      if (map?.Statement !== undefined) return actionGrants(map).map((permission) => ({ permission, file: t.file, line }));
      const name = asText(p);
      return name === undefined ? [] : [{ permission: `aws-policy:${name.startsWith('arn:') ? name : `arn:aws:iam::aws:policy/${name}`}`, file: t.file, line }];
    });
  }
  t.records.set(roleId, r);
}

// ---------------------------------------------------------------------------------------------
// Links: edges between resources
// ---------------------------------------------------------------------------------------------

type Link = (t: Template, logicalId: string, props: Mapping, type: string) => void;

const LINKERS: Record<string, Link> = {
  'AWS::IAM::AccessKey': (t, id, props) => {
    const key = t.records.get(id);
    const user = referencedIds(t, props.UserName)[0];
    if (!key || !user) return;
    key.attributes.user = cloudformationId(t.stack, 'AWS::IAM::User', user);
    // The user holds the key: it is the key's user.
    key.usedBy.push({ id: key.attributes.user as string, kind: 'AWS::IAM::User', name: user, file: t.file, line: t.propertyLine(id, props, 'UserName'), via: 'UserName' });
  },
  'AWS::SecretsManager::RotationSchedule': (t, id, props) => {
    const target = t.records.get(referencedIds(t, props.SecretId)[0] ?? '');
    if (!target) return;
    const rules = asMapping(props.RotationRules) ?? {};
    const every = rules.AutomaticallyAfterDays !== undefined ? `every ${render(rules.AutomaticallyAfterDays)} days` : render(rules.ScheduleExpression);
    target.rotationEvidence = `AWS::SecretsManager::RotationSchedule ${id}${every ? ` (${every})` : ''}`;
  },
  'AWS::IAM::Policy': policyAttachment,
  'AWS::IAM::ManagedPolicy': policyAttachment,
};

function policyAttachment(t: Template, id: string, props: Mapping): void {
  const name = render(props.PolicyName ?? props.ManagedPolicyName) ?? id;
  const grant = `policy/${name}: ${actions(props.PolicyDocument)}`;
  const line = t.propertyLine(id, props, 'PolicyDocument');
  const managedLine = t.propertyLine(id, props, 'ManagedPolicyArns');
  for (const key of ['Users', 'Roles']) {
    for (const target of asList(props[key]).flatMap((v) => referencedIds(t, v))) {
      const r = t.records.get(target);
      if (!r) continue;
      r.permissions = [...new Set([...(r.permissions ?? []), grant])];
      // The grant lives in the separate policy resource: report it there.
      r.grants = [...(r.grants ?? []), ...actionGrants(props.PolicyDocument).map((permission) => ({ permission, file: t.file, line }))];
      for (const arn of asList(props.ManagedPolicyArns)) r.grants.push({ permission: `aws-policy:${render(arn) ?? '?'}`, file: t.file, line: managedLine });
    }
  }
}

/** Any other resource using a record through a property becomes a usedBy edge on it. */
function usedByEdges(t: Template, id: string, props: Mapping, type: string): void {
  for (const [key, value] of Object.entries(props)) {
    for (const target of new Set(referencedIds(t, value))) {
      const r = t.records.get(target);
      if (!r || target === id) continue;
      const edge: UsedBy = { id: cloudformationId(t.stack, type, id), kind: type, name: id, file: t.file, line: t.propertyLine(id, props, key), via: key };
      r.usedBy.push(edge);
    }
  }
}

/** Logical ids a value refers to: `Ref`, `Fn::GetAtt`, `${X}` / `${X.Attr}` in `Fn::Sub`, dynamic secret references. */
function referencedIds(t: Template, value: unknown): string[] {
  const out: string[] = [];
  const stack: Array<[unknown, number]> = [[value, 0]];
  let budget = 10_000;
  while (stack.length > 0 && budget-- > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_WALK_DEPTH) continue;
    if (typeof v === 'string') {
      collectStringRefs(t, v, out);
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    const map = asMapping(v);
    if (!map) continue;
    if (typeof map.Ref === 'string') out.push(map.Ref);
    const getAtt = map['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.push(getAtt[0]);
    else if (typeof getAtt === 'string') out.push(getAtt.split('.')[0]);
    for (const child of Object.values(map)) stack.push([child, depth + 1]);
  }
  return out.filter((id) => t.resources[id] !== undefined);
}

function collectStringRefs(t: Template, s: string, out: string[]): void {
  if (s.includes('${')) {
    for (const m of s.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.push(m[1]);
  }
  if (s.includes('{{resolve:secretsmanager:')) {
    for (const m of s.matchAll(/\{\{resolve:secretsmanager:([^:}]+)/g)) {
      const id = t.secretNames.get(m[1]);
      if (id) out.push(id);
    }
  }
}

/** A readable one-line form of a value or intrinsic, never a secret string of the template. */
function render(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = asText(value);
  if (text !== undefined) return text;
  const map = asMapping(value);
  if (!map) return Array.isArray(value) ? `[${value.map(render).join(', ')}]` : undefined;
  const [key, arg] = Object.entries(map)[0] ?? [];
  if (key === 'Ref') return `!Ref ${asText(arg) ?? '?'}`;
  if (key === 'Fn::GetAtt') return `!GetAtt ${Array.isArray(arg) ? arg.map(render).join('.') : asText(arg)}`;
  if (key === 'Fn::Sub') return `!Sub ${asText(Array.isArray(arg) ? arg[0] : arg) ?? '?'}`;
  if (key?.startsWith('Fn::')) return `!${key.slice(4)} ${render(arg) ?? ''}`.trim();
  return JSON.stringify(map).slice(0, 120);
}

function compact(attributes: Mapping): Mapping {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/** Input → expected record ids, run by test/unit/identities/samples.test.ts. */
export const samples: Array<{ name: string; path: string; input: string; ids: string[]; edges?: Array<[target: string, usedBy: string, via: string]> }> = [
  {
    name: 'access key for a user, short-form Ref',
    path: 'cfn/user.yaml',
    input: 'Resources:\n  Bot:\n    Type: AWS::IAM::User\n  BotKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Bot\n',
    ids: ['cloudformation:AWS::IAM::User/cfn/user/Bot', 'cloudformation:AWS::IAM::AccessKey/cfn/user/BotKey'],
    edges: [['cloudformation:AWS::IAM::AccessKey/cfn/user/BotKey', 'cloudformation:AWS::IAM::User/cfn/user/Bot', 'UserName']],
  },
  {
    name: 'JSON template',
    path: 'cfn/secret.json',
    input: '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Db": {"Type": "AWS::SecretsManager::Secret", "Properties": {"GenerateSecretString": {}}}}}',
    ids: ['cloudformation:AWS::SecretsManager::Secret/cfn/secret/Db'],
  },
  {
    name: 'a bucket is no NHI',
    path: 'cfn/bucket.yml',
    input: 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "${AWS::StackName}-logs"\n',
    ids: [],
  },
  {
    name: 'SAM function role via GetAtt',
    path: 'sam/template.yaml',
    input: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  FnRole:\n    Type: AWS::IAM::Role\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Role: !GetAtt FnRole.Arn\n',
    ids: ['cloudformation:AWS::IAM::Role/sam/template/FnRole'],
    edges: [['cloudformation:AWS::IAM::Role/sam/template/FnRole', 'cloudformation:AWS::Serverless::Function/sam/template/Fn', 'Role']],
  },
  {
    name: 'the same logical id in two templates is two identities (each template is its own stack)',
    path: 'teams/orders/template.yaml',
    input: 'Resources:\n  LambdaExecutionRole:\n    Type: AWS::IAM::Role\n',
    ids: ['cloudformation:AWS::IAM::Role/teams/orders/template/LambdaExecutionRole'],
  },
  {
    name: 'SAM function without Role: SAM creates <Function>Role with its Policies',
    path: 'sam/app.yaml',
    input: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - AmazonDynamoDBReadOnlyAccess\n        - S3ReadPolicy: {BucketName: b}\n',
    ids: ['cloudformation:AWS::IAM::Role/sam/app/ApiRole'],
    edges: [['cloudformation:AWS::IAM::Role/sam/app/ApiRole', 'cloudformation:AWS::Serverless::Function/sam/app/Api', 'Role (implicit)']],
  },
];
