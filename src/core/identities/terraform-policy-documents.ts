import { HclExpression, attribute, blocksOf, isObject } from './hcl/ast.js';
import type { HclBlock, HclValue } from './hcl/ast.js';
import { parseHclExpression } from './hcl/parser.js';

/**
 * Reads AWS IAM policy documents as Terraform code writes them — `jsonencode({…})`, a JSON
 * heredoc, or a reference to a `data "aws_iam_policy_document"` in the same file — into the few
 * facts an inventory needs: the allowed actions and the trusted principals.
 */

export interface PolicyStatement {
  effect: string;
  actions: string[];
  /** `*`, ARNs or expressions as written. */
  resources: string[];
  /** `Service:lambda.amazonaws.com`, `Federated:arn:…`, `AWS:arn:…`, `*`. */
  principals: string[];
}

/** Looks up `data "<type>" "<name>"` blocks of the same file. */
export type DataLookup = (type: string, name: string) => HclBlock | undefined;

const DATA_POLICY_REF = /^data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)\.(?:json|minified_json)$/;
const JSONENCODE = /^jsonencode\(([\s\S]*)\)$/;

export function readPolicyDocument(value: HclValue | undefined, data: DataLookup): PolicyStatement[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return fromJsonText(value);
  if (!(value instanceof HclExpression)) return [];
  const raw = value.raw.trim();
  const ref = DATA_POLICY_REF.exec(raw);
  if (ref) {
    const doc = data('aws_iam_policy_document', ref[1]);
    return doc ? fromPolicyDocumentBlock(doc) : [];
  }
  const encoded = JSONENCODE.exec(raw);
  if (encoded) return fromJsonValue(parseHclExpression(encoded[1]));
  // A templated heredoc: the JSON is still readable once interpolations are neutralised.
  if (raw.startsWith('<<')) return fromJsonText(raw.replace(/^<<-?\w+\s*\n/, '').replace(/\n\s*\w+\s*$/, '').replace(/\$\{[^}]*\}/g, 'TEMPLATE'));
  return [];
}

function fromJsonText(text: string): PolicyStatement[] {
  try {
    return fromJsonValue(JSON.parse(text) as HclValue);
  } catch {
    return [];
  }
}

function strings(value: HclValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value instanceof HclExpression) return [value.raw];
  return [];
}

function fromJsonValue(doc: HclValue | undefined): PolicyStatement[] {
  if (!isObject(doc)) return [];
  const statements = doc.Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.filter(isObject).map((s) => ({
    effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
    actions: strings(s.Action),
    resources: strings(s.Resource),
    principals: principalsOf(s.Principal),
  }));
}

function principalsOf(principal: HclValue | undefined): string[] {
  if (principal === '*') return ['*'];
  if (!isObject(principal)) return [];
  return Object.entries(principal).flatMap(([kind, ids]) => strings(ids).map((id) => `${kind}:${id}`));
}

function fromPolicyDocumentBlock(doc: HclBlock): PolicyStatement[] {
  // `dynamic "statement"` blocks carry their statement in `content`.
  const dynamic = blocksOf(doc, 'dynamic').filter((d) => d.labels[0] === 'statement').flatMap((d) => blocksOf(d, 'content'));
  return [...blocksOf(doc, 'statement'), ...dynamic].map((s) => {
    const effect = attribute(s, 'effect')?.value;
    return {
      effect: typeof effect === 'string' ? effect : 'Allow',
      actions: strings(attribute(s, 'actions')?.value),
      resources: strings(attribute(s, 'resources')?.value),
      principals: blocksOf(s, 'principals').flatMap((p) => {
        const type = attribute(p, 'type')?.value;
        return strings(attribute(p, 'identifiers')?.value).map((id) => (type === '*' && id === '*' ? '*' : `${String(type)}:${id}`));
      }),
    };
  });
}

export function allowedActions(statements: PolicyStatement[]): string[] {
  return statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions);
}

/** Allowed actions as grants: `aws-action:<action> on <resources>` (see `Grant`). */
export function actionGrants(statements: PolicyStatement[]): string[] {
  return statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions.map((a) => `aws-action:${a} on ${s.resources.join(',') || '?'}`));
}

export function trustedPrincipals(statements: PolicyStatement[]): string[] {
  return statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.principals);
}
