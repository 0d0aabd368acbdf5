/**
 * GitHub's published OpenAPI description as a route table, and request validation against it.
 *
 * The dereferenced spec is ~70 MB; parsing it costs about a second and 200 MB of heap. We keep
 * only the request side (method, path template, parameters, JSON request body schema) and cache
 * that compact table in the OS temp dir, keyed by the spec file's size and mtime, so every later
 * test process starts in milliseconds. Schemas are compiled lazily, once per operation.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export interface OperationParam {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Record<string, unknown>;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  params: OperationParam[];
  /** JSON request body, when the operation takes one. */
  body?: { required: boolean; schema: Record<string, unknown> };
  /** The operation takes a non-JSON body (e.g. release assets); we do not validate it. */
  rawBody?: boolean;
}

export interface RouteMatch {
  op: Operation;
  pathParams: Record<string, string>;
}

/** Path parameters whose value may contain raw slashes when they end the path (`contents/a/b.yml`). */
const GREEDY_TAIL_PARAMS = new Set(['path', 'ref']);

interface CompiledRoute {
  op: Operation;
  regex: RegExp;
  greedy?: RegExp;
  names: string[];
  literalCount: number;
}

/** Bump when the extracted shape changes, so stale caches are ignored. */
const CACHE_FORMAT = 3;
const SPEC_FILE = 'generated/api.github.com.deref.json';
const require = createRequire(import.meta.url);

function specPath(): string {
  return join(require.resolve('@octokit/openapi/package.json').replace(/package\.json$/, ''), SPEC_FILE);
}

/**
 * OpenAPI 3.0 `nullable` without a `type` (e.g. beside `oneOf`) is meaningless to Ajv and fails
 * compilation; rewrite it as `anyOf: [schema, null]`, which is what the spec means.
 */
function normalizeSchema(schema: any): any {
  if (Array.isArray(schema)) return schema.map(normalizeSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    // Descriptions and examples are most of the spec's bytes and play no part in validation.
    if (k === 'description' || k === 'example' || k === 'examples') continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? mapValues(v, normalizeSchema) : normalizeSchema(v);
  }
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  // OpenAPI 3.0 `nullable: true` beside a `type` (and an `enum`) also admits null.
  if (out.nullable === true && typeof out.type === 'string') {
    delete out.nullable;
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function mapValues(obj: any, f: (v: any) => any): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj ?? {}).map(([k, v]) => [k, f(v)]));
}

function extractOperations(spec: any): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    const shared: any[] = item.parameters ?? [];
    for (const [method, raw] of Object.entries<any>(item)) {
      if (!raw || typeof raw !== 'object' || !raw.operationId) continue;
      const params: OperationParam[] = [...shared, ...(raw.parameters ?? [])]
        .filter((p: any) => p.in === 'path' || p.in === 'query')
        .map((p: any) => ({ name: p.name, in: p.in, required: p.required === true, schema: normalizeSchema(p.schema ?? {}) }));
      const op: Operation = { method: method.toUpperCase(), template, operationId: raw.operationId, params };
      const content = raw.requestBody?.content;
      if (content?.['application/json']) {
        op.body = { required: raw.requestBody.required === true, schema: normalizeSchema(content['application/json'].schema ?? {}) };
      } else if (content) {
        op.rawBody = true;
      }
      ops.push(op);
    }
  }
  return ops;
}

function loadOperations(): Operation[] {
  const file = specPath();
  const st = statSync(file);
  const cache = join(tmpdir(), `nhi-steward-openapi-v${CACHE_FORMAT}-${st.size}-${Math.floor(st.mtimeMs)}.json`);
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as Operation[];
  } catch {
    // no cache yet (or unreadable): build it below
  }
  const ops = extractOperations(JSON.parse(readFileSync(file, 'utf8')));
  // Write-then-rename so concurrent test processes never read a half-written cache.
  const tmp = `${cache}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(ops));
  renameSync(tmp, cache);
  return ops;
}

function compileRoute(op: Operation): CompiledRoute {
  const names: string[] = [];
  const segments = op.template.split('/').slice(1);
  let literalCount = 0;
  const parts = segments.map((seg) => {
    const m = /^\{(\w+)\}$/.exec(seg);
    if (m) {
      names.push(m[1]);
      return '([^/]+)';
    }
    literalCount++;
    // A segment may mix a literal and a parameter, e.g. `{owner}-{repo}`; rare, handled generically.
    return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_s, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
  });
  const regex = new RegExp(`^/${parts.join('/')}$`);
  const last = names[names.length - 1];
  const endsWithParam = /\{\w+\}$/.test(op.template);
  const greedy =
    endsWithParam && GREEDY_TAIL_PARAMS.has(last)
      ? new RegExp(`^/${[...parts.slice(0, -1), '(.+)'].join('/')}$`)
      : undefined;
  return { op, regex, greedy, names, literalCount };
}

export interface Violation {
  method: string;
  path: string;
  operationId?: string;
  message: string;
}

export interface ValidationResult {
  ok: boolean;
  status?: 404 | 422;
  message?: string;
}

export class OpenApiRoutes {
  private readonly byMethod = new Map<string, CompiledRoute[]>();
  private readonly all: CompiledRoute[] = [];
  private readonly ajv: Ajv;
  private readonly paramAjv: Ajv;
  private readonly bodyValidators = new Map<string, ValidateFunction | undefined>();
  /** Operations whose published schema Ajv could not compile; their bodies go unvalidated. */
  readonly schemaErrors: string[] = [];
  private readonly paramValidators = new Map<string, ValidateFunction>();

  constructor(ops: Operation[]) {
    for (const op of ops) {
      const route = compileRoute(op);
      this.all.push(route);
      const list = this.byMethod.get(op.method) ?? [];
      list.push(route);
      this.byMethod.set(op.method, list);
    }
    // Literal-heavy templates first, so `/issues/comments/{id}` wins over `/issues/{issue_number}`.
    for (const list of this.byMethod.values()) list.sort((a, b) => b.literalCount - a.literalCount);
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }));
    this.paramAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: true }));
    // GitHub's own format for `owner/name` (pulls/create `head_repo`).
    for (const ajv of [this.ajv, this.paramAjv]) ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  }

  /** Finds the operation for a method and a raw (still percent-encoded) path. */
  match(method: string, rawPath: string): RouteMatch | undefined {
    const list = this.byMethod.get(method.toUpperCase()) ?? [];
    for (const pass of ['regex', 'greedy'] as const) {
      for (const route of list) {
        const re = route[pass];
        const m = re?.exec(rawPath);
        if (!m) continue;
        const pathParams: Record<string, string> = {};
        route.names.forEach((n, i) => {
          pathParams[n] = safeDecode(m[i + 1]);
        });
        return { op: route.op, pathParams };
      }
    }
    return undefined;
  }

  /** True when some other method serves this path (so the mistake is the method). */
  methodsFor(rawPath: string): string[] {
    return [...new Set(this.all.filter((r) => r.regex.test(rawPath) || r.greedy?.test(rawPath)).map((r) => r.op.method))];
  }

  validate(match: RouteMatch, query: Record<string, string>, body: unknown, hasBody: boolean): ValidationResult {
    const { op } = match;
    const paramErrors = this.validateParams(op, match.pathParams, query);
    if (paramErrors) return { ok: false, status: 422, message: paramErrors };
    // GitHub ignores a query key it does not know; in our code that is a typo that silently does nothing.
    const known = new Set(op.params.filter((p) => p.in === 'query').map((p) => p.name));
    const unknownQuery = Object.keys(query).filter((k) => !known.has(k));
    if (unknownQuery.length) return { ok: false, status: 422, message: `Unknown query parameters for ${op.operationId}: ${unknownQuery.join(', ')}` };
    if (op.rawBody) return { ok: true };
    if (!op.body) {
      if (hasBody && body && typeof body === 'object' && Object.keys(body).length > 0) {
        return { ok: false, status: 422, message: `${op.operationId} takes no request body` };
      }
      return { ok: true };
    }
    if (!hasBody) {
      return op.body.required ? { ok: false, status: 422, message: `${op.operationId} requires a JSON body` } : { ok: true };
    }
    const validate = this.bodyValidator(op);
    if (!validate) return { ok: true };
    if (!validate(body)) return { ok: false, status: 422, message: `Invalid request body: ${formatErrors(validate.errors)}` };
    const unknown = unknownKeys(op.body.schema, body, '');
    if (unknown.length) return { ok: false, status: 422, message: `Unknown body properties for ${op.operationId}: ${unknown.join(', ')}` };
    return { ok: true };
  }

  private validateParams(op: Operation, pathParams: Record<string, string>, query: Record<string, string>): string | undefined {
    let validate = this.paramValidators.get(op.operationId);
    if (!validate) {
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      for (const p of op.params) {
        const key = `${p.in}:${p.name}`;
        properties[key] = p.schema;
        if (p.required || p.in === 'path') required.push(key);
      }
      validate = this.paramAjv.compile({ type: 'object', properties, required });
      this.paramValidators.set(op.operationId, validate);
    }
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pathParams)) data[`path:${k}`] = v;
    for (const p of op.params) if (p.in === 'query' && query[p.name] !== undefined) data[`query:${p.name}`] = query[p.name];
    if (validate(data)) return undefined;
    return `Invalid parameters for ${op.operationId}: ${formatErrors(validate.errors)}`;
  }

  /** Undefined when GitHub's schema itself does not compile (listed in `schemaErrors`). */
  private bodyValidator(op: Operation): ValidateFunction | undefined {
    if (this.bodyValidators.has(op.operationId)) return this.bodyValidators.get(op.operationId);
    let validate: ValidateFunction | undefined;
    try {
      validate = this.ajv.compile(op.body!.schema);
    } catch (e) {
      this.schemaErrors.push(`${op.operationId}: ${(e as Error).message}`);
    }
    this.bodyValidators.set(op.operationId, validate);
    return validate;
  }
}

/**
 * GitHub ignores unknown body keys, but an unknown key in our own code is nearly always a typo
 * (`conclution`, an annotation's `start_col`) that would silently do nothing in production; the
 * double flags it at any depth where the schema lists the properties of an object.
 */
function hasType(schema: any, type: string): boolean {
  return schema?.type === type || (Array.isArray(schema?.type) && schema.type.includes(type));
}

function unknownKeys(schema: Record<string, any> | undefined, value: unknown, at: string): string[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return hasType(schema, 'array') && schema.items ? value.flatMap((item, i) => unknownKeys(schema.items, item, `${at}[${i}]`)) : [];
  if (!hasType(schema, 'object') || !schema.properties || schema.additionalProperties !== undefined) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (!(key in schema.properties)) out.push(path);
    else out.push(...unknownKeys(schema.properties[key], child, path));
  }
  return out;
}

function formatErrors(errors: ErrorObject[] | null | undefined, max = 5): string {
  return (errors ?? [])
    .slice(0, max)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params as any).allowedValues.join(', ')})` : ''}`)
    .join('; ');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

let shared: OpenApiRoutes | undefined;

/** The process-wide route table (built once, from the compact cache when present). */
export function openApiRoutes(): OpenApiRoutes {
  shared ??= new OpenApiRoutes(loadOperations());
  return shared;
}

// ---------------------------------------------------------------------------------------------
// Responses: the double's answers are validated too, against the same description.

export interface ResponseSpec {
  schema: Record<string, unknown>;
  /** The spec's first example, used to fill required fields the double does not model. */
  example?: unknown;
}

/** operationId → status → JSON response spec, for the operations the double serves. */
type ResponseTable = Record<string, Record<string, ResponseSpec>>;

const RESPONSE_CACHE_FORMAT = 2;

function loadResponses(operationIds: readonly string[]): ResponseTable {
  const file = specPath();
  const st = statSync(file);
  const key = createHash('sha1').update([...operationIds].sort().join(',')).digest('hex').slice(0, 12);
  const cache = join(tmpdir(), `nhi-steward-openapi-responses-v${RESPONSE_CACHE_FORMAT}-${st.size}-${Math.floor(st.mtimeMs)}-${key}.json`);
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as ResponseTable;
  } catch {
    // build below
  }
  const wanted = new Set(operationIds);
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const table: ResponseTable = {};
  for (const item of Object.values<any>(spec.paths)) {
    for (const raw of Object.values<any>(item)) {
      if (!raw || typeof raw !== 'object' || !wanted.has(raw.operationId)) continue;
      const out: Record<string, ResponseSpec> = {};
      for (const [status, response] of Object.entries<any>(raw.responses ?? {})) {
        const json = response?.content?.['application/json'];
        if (!json?.schema || !/^2\d\d$/.test(status)) continue;
        const example = json.examples ? (Object.values<any>(json.examples)[0]?.value ?? undefined) : json.example;
        out[status] = { schema: normalizeSchema(json.schema), example };
      }
      table[raw.operationId] = out;
    }
  }
  const tmp = `${cache}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(table));
  renameSync(tmp, cache);
  return table;
}

/**
 * Checks the double's own answers: required fields the double does not model are filled from the
 * spec's example (or a typed blank), then the answer must match the response schema, and every key
 * the double itself wrote must be one the schema knows (a misspelt field fails the test).
 */
export class ResponseValidator {
  private readonly table: ResponseTable;
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: false }));
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(operationIds: readonly string[]) {
    this.table = loadResponses(operationIds);
  }

  check(operationId: string, status: number, body: unknown): { body: unknown; problems: string[] } {
    const spec = this.table[operationId]?.[String(status)];
    if (!spec || body === undefined) return { body, problems: [] };
    const problems = unknownKeys(spec.schema, body, '').map((k) => `unknown response field ${k}`);
    const filled = fill(spec.schema, body, spec.example);
    const key = `${operationId}:${status}`;
    if (!this.compiled.has(key)) {
      try {
        this.compiled.set(key, this.ajv.compile(spec.schema));
      } catch {
        this.compiled.set(key, null);
      }
    }
    const validate = this.compiled.get(key);
    if (validate && !validate(filled)) problems.push(`response does not match the schema: ${formatErrors(validate.errors, 12)}`);
    return { body: filled, problems };
  }
}

/** Adds the required properties `value` lacks, from `example` when it has them, else a typed blank. */
function fill(schema: any, value: unknown, example: unknown): unknown {
  if (!schema || typeof schema !== 'object') return value;
  if (value === undefined) value = example !== undefined ? structuredClone(example) : blank(schema);
  if (Array.isArray(value)) {
    const items = hasType(schema, 'array') ? schema.items : objectBranch(schema) ? undefined : arrayItems(schema);
    const sample = Array.isArray(example) ? example[0] : undefined;
    return items ? value.map((v) => fill(items, v, sample)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const object = objectBranch(schema);
  if (!object?.properties) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const ex = example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  for (const [key, child] of Object.entries<any>(object.properties)) {
    if (key in out) out[key] = fill(child, out[key], ex[key]);
    else if ((object.required ?? []).includes(key)) out[key] = fill(child, undefined, ex[key]);
  }
  return out;
}

/**
 * The object schema of `schema`: itself, the merge of its allOf members (every one must hold), or
 * the first object branch of anyOf/oneOf.
 */
function objectBranch(schema: any): any {
  if (!schema || typeof schema !== 'object') return undefined;
  if (schema.properties && !schema.allOf) return schema;
  if (schema.allOf) {
    const parts = schema.allOf.map(objectBranch).filter(Boolean);
    if (schema.properties) parts.unshift({ properties: schema.properties, required: schema.required });
    if (parts.length) return { type: 'object', properties: Object.assign({}, ...parts.map((p: any) => p.properties)), required: [...new Set(parts.flatMap((p: any) => p.required ?? []))] };
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const found = objectBranch(branch);
    if (found) return found;
  }
  return undefined;
}

function arrayItems(schema: any): any {
  for (const branch of [...(schema?.anyOf ?? []), ...(schema?.oneOf ?? [])]) if (hasType(branch, 'array')) return branch.items;
  return undefined;
}

function blank(schema: any): unknown {
  if (schema.anyOf?.some((s: any) => s?.type === 'null') || hasType(schema, 'null')) return null;
  const inner = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'string':
      return schema.enum?.[0] ?? (schema.format === 'date-time' ? '1970-01-01T00:00:00Z' : schema.format === 'uri' ? 'https://example.invalid/' : '');
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return inner ? blank(inner) : null;
  }
}
