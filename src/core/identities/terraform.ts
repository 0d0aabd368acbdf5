import { HclExpression, attribute, blocksOf, isObject } from './hcl/ast.js';
import type { HclAttribute, HclBlock, HclValue } from './hcl/ast.js';
import { parseTerraformJson } from './hcl/json.js';
import { parseHcl } from './hcl/parser.js';
import { actionGrants, allowedActions, readPolicyDocument, trustedPrincipals } from './terraform-policy-documents.js';
import type { ExtractResult, Extractor, IdentityKind, IdentityRecord, IdentityReference, SourceFile } from '../types.js';

/**
 * Terraform (SPEC §2.3): the identities and credentials a `.tf` (or `.tf.json`) file declares, with the links,
 * permissions and rotation evidence the same file shows.
 *
 * Ids are `terraform:<type>/<module path>/<name>`: the module path is the directory of the file
 * (a Terraform module is a directory), omitted at the root — `terraform:aws_iam_user/ci_bot`,
 * `terraform:aws_iam_user/modules/ci-user/ci_bot`. `name` is the resource label, which is what
 * Terraform itself keys state by; the cloud-side name is in `attributes.name`.
 *
 * The extractor sees one file at a time. Ids are predictable from a reference, so a grant or a
 * rotation whose target is declared in another file of the module travels as an
 * `IdentityReference` that the pipeline attaches once every file is read.
 */

interface Declaration {
  kind: IdentityKind;
  /** Attributes copied into the record. Allow-listed so that no secret value is ever copied. */
  facts: string[];
  /** Attributes naming the identity a credential belongs to (→ `usedBy`), and its types. */
  owner?: { attributes: string[]; types: string[] };
  /** Rotation shown by the declaration itself. */
  rotation?: (block: HclBlock, ctx: Context) => string | undefined;
}

const AWS_USER = ['aws_iam_user'];
const AZURE_APP = ['azuread_application'];

const DECLARATIONS: Record<string, Declaration> = {
  aws_iam_user: { kind: 'identity', facts: ['name', 'path', 'permissions_boundary', 'tags'] },
  aws_iam_role: { kind: 'identity', facts: ['name', 'path', 'max_session_duration', 'permissions_boundary'] },
  aws_iam_access_key: { kind: 'credential', facts: ['user', 'status'], owner: { attributes: ['user'], types: AWS_USER } },
  aws_iam_user_login_profile: { kind: 'credential', facts: ['user', 'password_reset_required', 'password_length'], owner: { attributes: ['user'], types: AWS_USER } },
  aws_iam_service_specific_credential: { kind: 'credential', facts: ['service_name', 'user_name', 'status'], owner: { attributes: ['user_name'], types: AWS_USER } },
  aws_secretsmanager_secret: { kind: 'credential', facts: ['name', 'name_prefix', 'description', 'kms_key_id', 'recovery_window_in_days'] },
  google_service_account: { kind: 'identity', facts: ['account_id', 'display_name', 'description', 'project', 'disabled'] },
  google_service_account_key: {
    kind: 'credential',
    facts: ['service_account_id', 'key_algorithm', 'public_key_type'],
    owner: { attributes: ['service_account_id'], types: ['google_service_account'] },
  },
  azuread_application: { kind: 'identity', facts: ['display_name', 'sign_in_audience'] },
  azuread_service_principal: { kind: 'identity', facts: ['client_id', 'application_id', 'app_role_assignment_required'] },
  azuread_application_password: {
    kind: 'credential',
    facts: ['application_id', 'application_object_id', 'display_name', 'end_date', 'end_date_relative'],
    owner: { attributes: ['application_id', 'application_object_id'], types: AZURE_APP },
    rotation: azurePasswordRotation,
  },
  azuread_service_principal_password: {
    kind: 'credential',
    facts: ['service_principal_id', 'display_name', 'end_date', 'end_date_relative'],
    owner: { attributes: ['service_principal_id'], types: ['azuread_service_principal'] },
    rotation: azurePasswordRotation,
  },
  // Azure rotates a managed identity's credentials itself.
  azurerm_user_assigned_identity: { kind: 'identity', facts: ['name', 'resource_group_name', 'location'], rotation: () => 'managed' },
  github_actions_secret: { kind: 'credential', facts: ['repository', 'secret_name'] },
  github_actions_environment_secret: { kind: 'credential', facts: ['repository', 'environment', 'secret_name'] },
  github_actions_organization_secret: { kind: 'credential', facts: ['secret_name', 'visibility'] },
  github_repository_deploy_key: { kind: 'credential', facts: ['title', 'repository', 'read_only'] },
  vault_approle_auth_backend_role: {
    kind: 'identity',
    facts: ['role_name', 'backend', 'token_policies', 'token_ttl', 'token_max_ttl', 'secret_id_ttl', 'secret_id_num_uses', 'token_type'],
    rotation: vaultSecretIdRotation,
  },
};

/** Resources that grant permissions to, rotate, or bind another declaration. */
interface Link {
  /** Attributes holding the target; list-valued ones (`users`, `members`) name several. */
  targets: string[];
  types: string[];
  apply: (link: HclBlock, target: IdentityRecord, ctx: Context, via: HclAttribute) => void;
}

const AWS_PRINCIPALS = ['aws_iam_user', 'aws_iam_role'];
const AZURE_PRINCIPALS = ['azurerm_user_assigned_identity', 'azuread_service_principal', 'azuread_application'];

const LINKS: Record<string, Link> = {
  aws_iam_user_policy_attachment: { targets: ['user'], types: AWS_USER, apply: grantPolicyArn },
  aws_iam_role_policy_attachment: { targets: ['role'], types: ['aws_iam_role'], apply: grantPolicyArn },
  aws_iam_policy_attachment: { targets: ['users', 'roles'], types: AWS_PRINCIPALS, apply: grantPolicyArn },
  aws_iam_user_policy: { targets: ['user'], types: AWS_USER, apply: grantInlinePolicy },
  aws_iam_role_policy: { targets: ['role'], types: ['aws_iam_role'], apply: grantInlinePolicy },
  aws_secretsmanager_secret_rotation: { targets: ['secret_id'], types: ['aws_secretsmanager_secret'], apply: secretRotation },
  azurerm_role_assignment: { targets: ['principal_id'], types: AZURE_PRINCIPALS, apply: grantAzureRole },
  google_service_account_iam_member: { targets: ['service_account_id'], types: ['google_service_account'], apply: bindServiceAccountUser },
  google_service_account_iam_binding: { targets: ['service_account_id'], types: ['google_service_account'], apply: bindServiceAccountUser },
};

/** `google_<scope>_iam_member` / `_binding` grant a role on a scope to the members it names. */
const GOOGLE_GRANT = /^google_([a-z0-9_]+?)_iam_(member|binding)$/;

/** Registry modules that declare IAM identities, recorded as `terraform:module/<path>/<name>`. */
const IAM_MODULES: RegExp[] = [
  /^terraform-aws-modules\/iam\/aws(\/\/modules\/[\w-]+)?$/,
  /^terraform-google-modules\/service-accounts\/google(\/\/modules\/[\w-]+)?$/,
  /^terraform-google-modules\/github-actions-runners\/google\/\/modules\/gh-oidc$/,
];

interface Context {
  file: string;
  modulePath: string;
  resources: Map<string, HclBlock>;
  data: Map<string, HclBlock>;
  /** `type.label` → the record declared by that resource in this file. */
  records: Map<string, IdentityRecord>;
  /** Grants and rotations aimed at declarations in other files. */
  references: IdentityReference[];
}

export const terraformExtractor: Extractor = {
  platform: 'terraform',
  matches: (path) => path.endsWith('.tf') || path.endsWith('.tf.json'),
  extract: extractTerraform,
};

export function extractTerraform(file: SourceFile): ExtractResult {
  // `.tf.json` is Terraform's JSON syntax, read into the same tree (hcl/json.ts).
  const json = file.path.endsWith('.tf.json');
  const parsed = json ? parseTerraformJson(file.content) : parseHcl(file.content);
  const errors = parsed.errors.map((e) => ({ file: file.path, line: e.line, column: e.column, message: json ? `Terraform JSON: ${e.message}` : `HCL: ${e.message}` }));
  const slash = file.path.lastIndexOf('/');
  const ctx: Context = { file: file.path, modulePath: slash === -1 ? '' : file.path.slice(0, slash), resources: new Map(), data: new Map(), records: new Map(), references: [] };
  // A block left open cannot be trusted: its `}` may belong to what follows. Its error says so.
  const blocks = parsed.body.blocks.filter((b) => b.closed);
  for (const b of blocks) {
    if (b.labels.length !== 2) continue;
    if (b.type === 'resource') ctx.resources.set(`${b.labels[0]}.${b.labels[1]}`, b);
    else if (b.type === 'data') ctx.data.set(`${b.labels[0]}.${b.labels[1]}`, b);
  }
  for (const [key, block] of ctx.resources) {
    const declaration = own(DECLARATIONS, block.labels[0]);
    if (declaration) ctx.records.set(key, declare(block, declaration, ctx));
  }
  // Owners and links go after every declaration is known: a literal name may name a later one.
  for (const [key, record] of ctx.records) {
    const owner = DECLARATIONS[record.type].owner;
    if (owner) linkOwner(ctx.resources.get(key) as HclBlock, record, owner, ctx);
  }
  for (const block of ctx.resources.values()) applyLinks(block, ctx);
  for (const record of ctx.records.values()) summariseRole(record, ctx);
  const modules = blocks.filter((b) => b.type === 'module' && b.labels.length === 1).flatMap((b) => moduleRecord(b, ctx));
  return { records: [...ctx.records.values(), ...modules], errors, references: ctx.references };
}

/** Table lookup by a name from the file: `resource "constructor" "x"` must not find Object's. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function identityId(type: string, name: string, ctx: Pick<Context, 'modulePath'>): string {
  return `terraform:${type}/${ctx.modulePath ? `${ctx.modulePath}/` : ''}${name}`;
}

function declare(block: HclBlock, declaration: Declaration, ctx: Context): IdentityRecord {
  const [type, name] = block.labels;
  const attributes: Record<string, unknown> = {};
  for (const fact of declaration.facts) {
    const a = attribute(block, fact);
    if (a) attributes[fact] = factValue(a.value);
  }
  const record: IdentityRecord = { id: identityId(type, name, ctx), kind: declaration.kind, platform: 'terraform', type, name, file: ctx.file, line: block.line, attributes, usedBy: [] };
  if (ctx.modulePath) record.namespace = ctx.modulePath;
  for (const meta of ['count', 'for_each']) {
    const a = attribute(block, meta);
    if (a) {
      attributes[meta] = a.raw;
      record.templated = true;
    }
  }
  addTypeFacts(block, record, ctx);
  const rotation = declaration.rotation?.(block, ctx) ?? timeRotatingEvidence(block, ctx);
  if (rotation) record.rotationEvidence = rotation;
  return record;
}

/** Literal values as they are; expressions as their (bounded) source text. */
function factValue(value: HclValue): unknown {
  if (value instanceof HclExpression) return value.raw.length > 200 ? `${value.raw.slice(0, 200)}…` : value.raw;
  if (Array.isArray(value)) return value.map(factValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, factValue(v)]));
  return value;
}

/** Facts a type needs beyond its copied attributes; none of them carries a secret value. */
function addTypeFacts(block: HclBlock, record: IdentityRecord, ctx: Context): void {
  const a = record.attributes;
  switch (record.type) {
    case 'aws_iam_access_key':
      a.encrypted = attribute(block, 'pgp_key') !== undefined;
      break;
    case 'github_actions_secret':
    case 'github_actions_environment_secret':
    case 'github_actions_organization_secret': {
      a.value = attribute(block, 'encrypted_value') ? 'encrypted' : valueSource(attribute(block, 'plaintext_value'));
      if (typeof a.secret_name === 'string') a.declares = `github-actions:secret/${a.secret_name}`;
      break;
    }
    case 'github_repository_deploy_key':
      // The provider defaults read_only to true; a writable key can push.
      record.permissions = [attribute(block, 'read_only')?.value === false ? 'contents:write' : 'contents:read'];
      break;
    case 'vault_approle_auth_backend_role': {
      const policies = attribute(block, 'token_policies')?.value;
      if (Array.isArray(policies)) record.permissions = policies.map((p) => (typeof p === 'string' ? p : factValue(p) as string));
      break;
    }
    case 'azuread_service_principal':
      for (const ref of references(attribute(block, 'client_id') ?? attribute(block, 'application_id'), AZURE_APP, ctx)) a.application = ref.id;
      break;
  }
}

/** Where a secret's value comes from, never the value: a literal here is itself a leak. */
function valueSource(a: HclAttribute | undefined): string | undefined {
  if (!a) return undefined;
  return typeof a.value === 'string' ? 'literal' : 'reference';
}

interface Reference {
  type: string;
  name: string;
  id: string;
}

const REFERENCE = /(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;

/** References in an attribute to resources of the given types (`aws_iam_user.ci.name` → ci). */
function references(a: HclAttribute | undefined, types: string[], ctx: Pick<Context, 'modulePath'>): Reference[] {
  if (!a) return [];
  const out: Reference[] = [];
  for (const m of a.raw.matchAll(REFERENCE)) {
    if (types.includes(m[1])) out.push({ type: m[1], name: m[2], id: identityId(m[1], m[2], ctx) });
  }
  return out;
}

/** Targets of an attribute: references to resources of `types`, or literal names declared here. */
function targets(a: HclAttribute, types: string[], ctx: Context, block?: HclBlock): Reference[] {
  const refs = references(a, types, ctx);
  if (refs.length > 0) return refs;
  // `for_each = aws_iam_user.integration` + `user = each.value.name`: the target is the iterated resource.
  const forEach = block && /\beach\.(value|key)\b/.test(a.raw) ? references(attribute(block, 'for_each'), types, ctx) : [];
  if (forEach.length > 0) return forEach;
  const names = (Array.isArray(a.value) ? a.value : [a.value]).filter((v): v is string => typeof v === 'string');
  const out: Reference[] = [];
  for (const [key, record] of ctx.records) {
    if (types.includes(record.type) && names.includes(record.attributes.name as string)) out.push({ type: record.type, name: key.split('.')[1], id: record.id });
  }
  return out;
}

function linkOwner(block: HclBlock, record: IdentityRecord, owner: NonNullable<Declaration['owner']>, ctx: Context): void {
  for (const attrName of owner.attributes) {
    const a = attribute(block, attrName);
    if (!a) continue;
    for (const t of targets(a, owner.types, ctx, block)) {
      record.usedBy.push({ id: t.id, kind: t.type, name: t.name, file: ctx.file, line: a.line, via: attrName });
      record.attributes.identity = t.id;
    }
  }
}

function applyLinks(block: HclBlock, ctx: Context): void {
  const type = block.labels[0];
  const link = own(LINKS, type) ?? googleGrantLink(type);
  if (!link) return;
  for (const attrName of link.targets) {
    const a = attribute(block, attrName);
    if (!a) continue;
    for (const t of targets(a, link.types, ctx, block)) {
      const target = ctx.records.get(`${t.type}.${t.name}`);
      if (target) link.apply(block, target, ctx, a);
      else ctx.references.push(...crossFile(t, (stand) => link.apply(block, stand, ctx, a)));
    }
  }
}

/** Applies a link to a stand-in for a declaration in another file, and returns it as references. */
function crossFile(t: Reference, apply: (stand: IdentityRecord) => void): IdentityReference[] {
  const stand: IdentityRecord = { id: t.id, kind: 'identity', platform: 'terraform', type: t.type, name: t.name, file: '', line: 0, attributes: {}, usedBy: [] };
  apply(stand);
  const out: IdentityReference[] = [];
  if (stand.permissions || stand.rotationEvidence) {
    const ref: IdentityReference = { target: t.id };
    if (stand.permissions) ref.permissions = stand.permissions;
    if (stand.grants) ref.grants = stand.grants;
    if (stand.rotationEvidence) ref.rotationEvidence = stand.rotationEvidence;
    out.push(ref);
  }
  for (const usedBy of stand.usedBy) out.push({ target: t.id, usedBy });
  return out;
}

function googleGrantLink(type: string): Link | undefined {
  const m = GOOGLE_GRANT.exec(type);
  if (!m || m[1] === 'service_account') return undefined;
  return { targets: [m[2] === 'member' ? 'member' : 'members'], types: ['google_service_account'], apply: grantGoogleRole };
}

function addPermission(record: IdentityRecord, ...permissions: string[]): void {
  const list = (record.permissions ??= []);
  for (const p of permissions) if (!list.includes(p)) list.push(p);
}

/** Records where a grant is written, for rules that report on its line. */
function addGrant(record: IdentityRecord, ctx: Pick<Context, 'file'>, line: number, ...permissions: string[]): void {
  const grants = (record.grants ??= []);
  for (const permission of permissions) if (!grants.some((g) => g.permission === permission && g.line === line)) grants.push({ permission, file: ctx.file, line });
}

function text(value: HclValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value instanceof HclExpression ? value.raw : typeof value === 'string' ? value : JSON.stringify(value);
}

/** A managed policy ARN, or for a policy declared in this file, the actions it allows. */
function grantPolicyArn(link: HclBlock, target: IdentityRecord, ctx: Context): void {
  const arn = attribute(link, 'policy_arn');
  if (!arn) return;
  const local = references(arn, ['aws_iam_policy'], ctx)[0];
  const policy = local && ctx.resources.get(`aws_iam_policy.${local.name}`);
  const statements = policy ? readPolicyDocument(attribute(policy, 'policy')?.value, dataLookup(ctx)) : [];
  const actions = allowedActions(statements);
  addPermission(target, ...(actions.length > 0 ? actions : [arn.raw.replace(/^"|"$/g, '')]));
  // The grant is the attachment's line; a policy declared here is judged by what it allows.
  addGrant(target, ctx, arn.line, ...(actions.length > 0 ? actionGrants(statements) : [`aws-policy:${arn.raw.replace(/^"|"$/g, '')}`]));
}

function grantInlinePolicy(link: HclBlock, target: IdentityRecord, ctx: Context): void {
  const policy = attribute(link, 'policy');
  const statements = readPolicyDocument(policy?.value, dataLookup(ctx));
  addPermission(target, ...allowedActions(statements));
  addGrant(target, ctx, policy?.line ?? link.line, ...actionGrants(statements));
}

function secretRotation(link: HclBlock, target: IdentityRecord): void {
  const rules = blocksOf(link, 'rotation_rules')[0];
  const days = rules && attribute(rules, 'automatically_after_days')?.value;
  const schedule = rules && text(attribute(rules, 'schedule_expression')?.value);
  const every = typeof days === 'number' ? `${days} days` : (schedule ?? 'schedule not given');
  target.rotationEvidence = `aws_secretsmanager_secret_rotation (${every})`;
  if (typeof days === 'number') target.attributes.rotationDays = days;
}

function grantAzureRole(link: HclBlock, target: IdentityRecord, ctx: Context): void {
  const roleAttr = attribute(link, 'role_definition_name') ?? attribute(link, 'role_definition_id');
  const role = text(roleAttr?.value) ?? 'role';
  const scope = text(attribute(link, 'scope')?.value);
  addPermission(target, scope ? `${role} on ${scope}` : role);
  addGrant(target, ctx, roleAttr?.line ?? link.line, `azure-role:${role} on ${scope ?? '?'}`);
}

function grantGoogleRole(link: HclBlock, target: IdentityRecord, ctx: Context): void {
  const roleAttr = attribute(link, 'role');
  const role = text(roleAttr?.value) ?? 'role';
  const scopeType = GOOGLE_GRANT.exec(link.labels[0])?.[1] ?? 'resource';
  addPermission(target, `${role} on ${scopeType}`);
  addGrant(target, ctx, roleAttr?.line ?? link.line, `gcp-role:${role} on ${scopeType}`);
}

/** Who may act as a Google service account: usedBy, e.g. a Kubernetes SA via Workload Identity. */
function bindServiceAccountUser(link: HclBlock, target: IdentityRecord, ctx: Context): void {
  const role = text(attribute(link, 'role')?.value) ?? 'role';
  const memberAttr = attribute(link, 'member') ?? attribute(link, 'members');
  if (!memberAttr) return;
  const members = Array.isArray(memberAttr.value) ? memberAttr.value : [memberAttr.value];
  for (const member of members) {
    if (typeof member !== 'string') {
      // An expression (`local.members[each.key]`) names no one we can link; keep its text.
      ((target.attributes.boundMembers ??= []) as string[]).push(text(member) ?? '');
      continue;
    }
    const m = member;
    const ksa = /\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]/.exec(m);
    const usedBy = ksa
      ? { id: `kubernetes:ServiceAccount/${ksa[1]}/${ksa[2]}`, kind: 'ServiceAccount', name: ksa[2], namespace: ksa[1] }
      : { id: m, kind: m.startsWith('principalSet://') || m.startsWith('principal://') ? 'workload-identity-pool' : 'member', name: m };
    target.usedBy.push({ ...usedBy, file: ctx.file, line: memberAttr.line, via: role });
  }
}

function dataLookup(ctx: Context) {
  return (type: string, name: string) => ctx.data.get(`${type}.${name}`);
}

/** Roles: who may assume them, and the policies declared inline or by ARN on the role itself. */
function summariseRole(record: IdentityRecord, ctx: Context): void {
  if (record.type !== 'aws_iam_role') return;
  const block = ctx.resources.get(`aws_iam_role.${record.name}`);
  if (!block) return;
  const trust = readPolicyDocument(attribute(block, 'assume_role_policy')?.value, dataLookup(ctx));
  const principals = [...new Set(trustedPrincipals(trust))];
  record.attributes.assumedBy = principals;
  if (principals.some((p) => p.startsWith('Federated:') && p.includes('token.actions.githubusercontent.com'))) record.attributes.githubOidc = true;
  const managedAttr = attribute(block, 'managed_policy_arns');
  const managed = managedAttr?.value;
  if (Array.isArray(managed)) {
    addPermission(record, ...managed.map((m) => text(m) ?? ''));
    addGrant(record, ctx, managedAttr!.line, ...managed.map((m) => `aws-policy:${text(m) ?? ''}`));
  }
  for (const inline of blocksOf(block, 'inline_policy')) {
    const statements = readPolicyDocument(attribute(inline, 'policy')?.value, dataLookup(ctx));
    addPermission(record, ...allowedActions(statements));
    addGrant(record, ctx, attribute(inline, 'policy')?.line ?? inline.line, ...actionGrants(statements));
  }
}

const ROTATION_UNITS: Array<[string, string]> = [['rotation_days', 'days'], ['rotation_months', 'months'], ['rotation_years', 'years'], ['rotation_hours', 'hours'], ['rotation_minutes', 'minutes']];

/** `keepers`, `rotate_when_changed` or `lifecycle.replace_triggered_by` tied to a `time_rotating`. */
function timeRotatingEvidence(block: HclBlock, ctx: Context): string | undefined {
  const lifecycle = blocksOf(block, 'lifecycle')[0];
  const carriers: Array<[string, HclAttribute | undefined]> = [
    ['keepers', attribute(block, 'keepers')],
    ['rotate_when_changed', attribute(block, 'rotate_when_changed')],
    ['replace_triggered_by', lifecycle && attribute(lifecycle, 'replace_triggered_by')],
  ];
  for (const [via, a] of carriers) {
    const ref = references(a, ['time_rotating'], ctx)[0];
    if (!ref) continue;
    const timer = ctx.resources.get(`time_rotating.${ref.name}`);
    const period = ROTATION_UNITS.map(([attr, unit]) => {
      const v = timer && attribute(timer, attr)?.value;
      return v === undefined ? undefined : typeof v === 'number' ? `${v} ${unit}` : `${attr} ${text(v)}`;
    }).find((p) => p !== undefined);
    return `${via} time_rotating.${ref.name}${period ? ` (${period})` : ''}`;
  }
  return undefined;
}

function azurePasswordRotation(block: HclBlock, ctx: Context): string | undefined {
  const relative = attribute(block, 'end_date_relative');
  if (relative) return `end_date_relative ${text(relative.value)}`;
  const timer = timeRotatingEvidence(block, ctx);
  if (timer) return timer;
  const end = attribute(block, 'end_date');
  return end ? `end_date ${text(end.value)}` : undefined;
}

/** A finite `secret_id_ttl` makes SecretIDs expire; 0 (the default) means they never do. */
function vaultSecretIdRotation(block: HclBlock): string | undefined {
  const ttl = attribute(block, 'secret_id_ttl')?.value;
  return typeof ttl === 'number' && ttl > 0 ? `secret_id_ttl ${ttl}s` : undefined;
}

function moduleRecord(block: HclBlock, ctx: Context): IdentityRecord[] {
  const source = attribute(block, 'source')?.value;
  if (typeof source !== 'string' || !IAM_MODULES.some((re) => re.test(source))) return [];
  const name = block.labels[0];
  const attributes: Record<string, unknown> = { source };
  const version = attribute(block, 'version')?.value;
  if (typeof version === 'string') attributes.version = version;
  const record: IdentityRecord = { id: identityId('module', name, ctx), kind: 'identity', platform: 'terraform', type: 'module', name, file: ctx.file, line: block.line, attributes, usedBy: [], templated: true };
  if (ctx.modulePath) record.namespace = ctx.modulePath;
  const arns = block.attributes.flatMap((a) => literalStrings(a.value)).filter((s) => s.startsWith('arn:aws:iam::aws:policy/') || s.startsWith('roles/') || /=>roles\//.test(s));
  if (arns.length > 0) {
    record.permissions = [...new Set(arns)];
    for (const a of block.attributes) {
      for (const s of literalStrings(a.value)) {
        if (s.startsWith('arn:aws:iam::aws:policy/')) addGrant(record, ctx, a.line, `aws-policy:${s}`);
        else if (s.startsWith('roles/')) addGrant(record, ctx, a.line, `gcp-role:${s} on ${/project/.test(a.name) || a.name === 'project_roles' ? 'project' : 'resource'}`);
      }
    }
  }
  return [record, ...mintedCredentials(block, record, ctx)];
}

/**
 * Well-known registry modules that create a long-lived key when a flag is set: the key is a
 * credential like the resource it wraps (`terraform:aws_iam_access_key/<dir>/module.<name>`), so
 * the rotation rule and the long-lived-key rule apply to it.
 */
const MINTING_FLAGS: Array<{ source: RegExp; flag: string; type: string }> = [
  { source: /^terraform-aws-modules\/iam\/aws(\/\/modules\/iam-user)?$/, flag: 'create_iam_access_key', type: 'aws_iam_access_key' },
  { source: /^terraform-aws-modules\/iam\/aws(\/\/modules\/iam-user)?$/, flag: 'create_iam_user_login_profile', type: 'aws_iam_user_login_profile' },
  { source: /^terraform-google-modules\/service-accounts\/google(\/\/modules\/[\w-]+)?$/, flag: 'generate_keys', type: 'google_service_account_key' },
];

/** Whether a module flag is on: `true` as written (a variable may be; it is not judged). */
function flagOn(block: HclBlock, name: string): HclAttribute | undefined {
  const a = attribute(block, name);
  return a && a.value === true ? a : undefined;
}

function mintedCredentials(block: HclBlock, module: IdentityRecord, ctx: Context): IdentityRecord[] {
  const source = module.attributes.source as string;
  const out: IdentityRecord[] = [];
  for (const minting of MINTING_FLAGS) {
    // iam-user's login profile defaults to on; only an explicit `true` is judged here.
    const flag = minting.source.test(source) ? flagOn(block, minting.flag) : undefined;
    if (!flag) continue;
    const name = `module.${module.name}`;
    const record: IdentityRecord = { id: identityId(minting.type, name, ctx), kind: 'credential', platform: 'terraform', type: minting.type, name, file: ctx.file, line: flag.line, attributes: { module: module.id, [minting.flag]: true }, usedBy: [{ id: module.id, kind: 'module', name: module.name, file: ctx.file, line: flag.line, via: minting.flag }] };
    if (ctx.modulePath) record.namespace = ctx.modulePath;
    const rotation = timeRotatingEvidence(block, ctx);
    if (rotation) record.rotationEvidence = rotation;
    out.push(record);
  }
  return out;
}

function literalStrings(value: HclValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(literalStrings);
  if (isObject(value)) return Object.values(value).flatMap(literalStrings);
  return [];
}
