/**
 * GraphQL, as GitHub answers it. Every document is parsed and validated with `graphql`'s
 * `validate` against GitHub's published schema (`@octokit/graphql-schema`), and its variables
 * are coerced against the operation's declarations: an unknown field, argument or input key, or
 * a wrong variable type, is answered with GitHub's `errors` array and recorded as a violation,
 * so a document the code sends that GitHub would refuse fails the test.
 *
 * Of the valid documents, the double executes only what the project uses: pinning an issue
 * exists only in GraphQL (`pinIssue` / `unpinIssue`), at most 3 per repository as on GitHub.
 * Any other valid operation is a violation too, so a new GraphQL use shows up in tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  buildSchema,
  getArgumentValues,
  getVariableValues,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Ctx } from '../http.js';
import { issueShape } from '../shapes.js';
import type { IssueState, RepoState } from '../state.js';

export interface GraphqlResult {
  ok: boolean;
  body: unknown;
  message?: string;
}

/** Pinned issues per repository (GitHub's limit). */
export const PIN_LIMIT = 3;

const MUTATIONS = {
  pinIssue: true,
  unpinIssue: false,
} as const;
type MutationName = keyof typeof MUTATIONS;

let schema: GraphQLSchema | undefined;
/**
 * GitHub's public GraphQL schema, built from the package's SDL file once per process (~0.4 s), on
 * the first GraphQL request: importing the package would parse its 5 MB JSON in every test file
 * that starts a double. Its `exports` hide the file from `require.resolve`, so it is looked up
 * along Node's module paths.
 */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const paths = createRequire(import.meta.url).resolve.paths('@octokit/graphql-schema') ?? [];
    const file = paths.map((dir) => join(dir, '@octokit', 'graphql-schema', 'schema.graphql')).find((candidate) => existsSync(candidate));
    if (!file) throw new Error('@octokit/graphql-schema is not installed (npm ci)');
    schema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  }
  return schema;
}

function findIssueByNodeId(ctx: Ctx, id: string): { repo: RepoState; issue: IssueState } | undefined {
  for (const repo of ctx.state.repos.values()) {
    for (const issue of repo.issues.values()) {
      if (issueShape(ctx.baseUrl, repo, issue).node_id === id) return { repo, issue };
    }
  }
  return undefined;
}

/** GitHub answers 200 with an `errors` array for documents it refuses. */
function refused(messages: string[], what: string): GraphqlResult {
  return { ok: false, body: { errors: messages.map((message) => ({ message })) }, message: `${what}: ${messages.join('; ')}` };
}

/** The part of `value` the selection set asks for, keyed by alias as GraphQL answers. */
function project(value: unknown, selection: SelectionSetNode | undefined): unknown {
  if (!selection || value === null || typeof value !== 'object') return value ?? null;
  const out: Record<string, unknown> = {};
  for (const node of selection.selections) {
    if (node.kind !== Kind.FIELD) continue;
    const key = node.alias?.value ?? node.name.value;
    out[key] = node.name.value === '__typename' ? 'Issue' : project((value as Record<string, unknown>)[node.name.value], node.selectionSet);
  }
  return out;
}

export function handleGraphql(ctx: Ctx): GraphqlResult {
  const query = String(ctx.body?.query ?? '');
  const variables = (ctx.body?.variables ?? {}) as Record<string, unknown>;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return refused([(e as Error).message], 'GraphQL syntax error');
  }
  const s = githubSchema();
  const invalid = validate(s, document);
  if (invalid.length > 0) return refused(invalid.map((e) => e.message), "GraphQL document invalid against GitHub's schema");
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operationName = ctx.body?.operationName as string | undefined;
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return refused([`Unknown operation named "${operationName}".`], 'GraphQL operation not found');
  const coerced = getVariableValues(s, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return refused(coerced.errors.map((e) => e.message), 'GraphQL variables invalid');

  const fields = operation.selectionSet.selections;
  const supported = operation.operation === 'mutation' && fields.every((f) => f.kind === Kind.FIELD && f.name.value in MUTATIONS);
  if (!supported) {
    return {
      ok: false,
      body: { errors: [{ message: 'github-double supports only the pinIssue/unpinIssue mutations' }] },
      message: `unsupported GraphQL operation: ${query.slice(0, 80)}`,
    };
  }
  const mutationType = s.getMutationType()!;
  const data: Record<string, unknown> = {};
  const errors: Array<Record<string, unknown>> = [];
  for (const field of fields) {
    if (field.kind !== Kind.FIELD) continue;
    const name = field.name.value as MutationName;
    const key = field.alias?.value ?? name;
    const args = getArgumentValues(mutationType.getFields()[name], field, coerced.coerced);
    const issueId = String((args.input as { issueId: string }).issueId);
    const found = findIssueByNodeId(ctx, issueId);
    if (!found) {
      data[key] = null;
      errors.push({ type: 'NOT_FOUND', path: [key], message: `Could not resolve to a node with the global id of '${issueId}'.` });
      continue;
    }
    // GitHub pins at most 3 issues per repository; a fourth pin is refused and nothing changes.
    const pinned = [...found.repo.issues.values()].filter((i) => i.pinned && i !== found.issue).length;
    if (name === 'pinIssue' && !found.issue.pinned && pinned >= PIN_LIMIT) {
      data[key] = null;
      errors.push({ type: 'UNPROCESSABLE', path: [key], message: `A repository can have at most ${PIN_LIMIT} pinned issues.` });
      continue;
    }
    found.issue.pinned = MUTATIONS[name];
    ctx.state.graphql.push({ name, variables: { issueId } });
    const payload = { clientMutationId: (args.input as { clientMutationId?: string }).clientMutationId ?? null, issue: { id: issueId, number: found.issue.number, title: found.issue.title, isPinned: found.issue.pinned } };
    data[key] = project(payload, field.selectionSet);
  }
  return { ok: true, body: errors.length > 0 ? { data, errors } : { data } };
}
