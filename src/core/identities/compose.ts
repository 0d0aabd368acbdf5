import { posix } from 'node:path';
import type { ExtractResult, Extractor, IdentityRecord, SourceFile, UsedBy } from '../types.js';
import { loadYaml, type LoadedYaml } from './yaml/load.js';
import { asList, asMapping, asText, type Mapping } from './yaml/values.js';

/**
 * docker-compose files. Credentials declared here:
 * - a credential-named `environment` variable with a literal value (map or list form) →
 *   `compose:env/<service>/<VAR>`, `attributes.literal: true`. The value itself is never kept: the
 *   secrets engine reports it; this record is the NHI it belongs to. `${VAR}` values come from
 *   elsewhere and are not declarations;
 * - an `env_file` → `compose:env_file/<path>` (files that hold a service's credentials);
 * - a top-level `secrets:` entry → `compose:secret/<name>` with its source.
 * Each service using one is a usedBy edge (`app` = the service).
 */

const PLATFORM = 'compose';

/** Name segments that mark a variable as a credential (DB_PASSWORD, JWT_SECRET, STRIPE_API_KEY…). */
const CREDENTIAL_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|API_?KEY|APIKEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_SECRET|CREDENTIALS?|AUTH_KEY|DSN)(_|$)/i;
/** `POSTGRES_PASSWORD_FILE=/run/secrets/db`: a path to a secret, not one. */
const NOT_A_VALUE_NAME = /_(FILE|PATH|DIR|URL_FILE)$/i;
/** Switches and sizes, not secrets: `AUTH_TOKEN_ENABLED=true`, `TOKEN_TTL=3600`. */
const NOT_A_SECRET_VALUE = /^(true|false|yes|no|on|off|none|null|\d{1,6})$/i;
/** `scheme://user:password@host`: a credential whatever the variable is called. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i;
/** `${VAR}`, `$VAR` interpolate from the environment; `$$` is a literal dollar. */
const INTERPOLATED = /(^|[^$])\$(\{|[A-Za-z_])/;

export const composeExtractor: Extractor = {
  platform: PLATFORM,
  matches: (path) => /(^|\/)(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(path),
  extract: extractCompose,
};

export function extractCompose(file: SourceFile): ExtractResult {
  const yaml = loadYaml(file.path, file.content);
  const root = asMapping(yaml.documents[0]?.value);
  if (!root) return { records: [], errors: yaml.errors };
  const records = new Map<string, IdentityRecord>();
  const add = (type: string, name: string, namespace: string | undefined, line: number, attributes: Mapping) => {
    const id = namespace ? `${PLATFORM}:${type}/${namespace}/${name}` : `${PLATFORM}:${type}/${name}`;
    let r = records.get(id);
    if (!r) records.set(id, (r = { id, kind: 'credential', platform: PLATFORM, type, name, ...(namespace ? { namespace } : {}), file: file.path, line, attributes, usedBy: [] }));
    return r;
  };

  const topSecrets = asMapping(root.secrets) ?? {};
  for (const [name, spec] of Object.entries(topSecrets)) add('secret', name, undefined, yaml.keyLine(topSecrets, name, 1), secretSource(asMapping(spec) ?? {}));

  const services = asMapping(root.services) ?? {};
  for (const [service, body] of Object.entries(services)) {
    const s = asMapping(body) ?? {};
    const serviceLine = yaml.keyLine(services, service, 1);
    const usedBy = (line: number, via: string): UsedBy => ({ id: `${PLATFORM}:service/${service}`, kind: 'service', name: service, file: file.path, line, via, app: service });
    for (const v of literalCredentials(yaml, s.environment, serviceLine)) {
      add('env', v.name, service, v.line, { literal: true, ...(v.url ? { urlWithPassword: true } : {}) }).usedBy.push(usedBy(v.line, 'environment'));
    }
    const envFiles = Array.isArray(s.env_file) ? s.env_file : s.env_file === undefined ? [] : [s.env_file];
    for (const entry of envFiles) {
      const path = asText(entry) ?? asText(asMapping(entry)?.path);
      if (!path) continue;
      const line = typeof entry === 'string' ? yaml.keyLine(Array.isArray(s.env_file) ? s.env_file : s, Array.isArray(s.env_file) ? path : 'env_file', serviceLine) : yaml.lineOf(entry, serviceLine);
      // Relative to the compose file, as Compose resolves it, so `.env` in two projects stays two files.
      const resolved = posix.normalize(posix.join(posix.dirname(file.path), path));
      add('env_file', resolved, undefined, line, { path }).usedBy.push(usedBy(line, 'env_file'));
    }
    for (const entry of asList(s.secrets)) {
      const name = asText(entry) ?? asText(asMapping(entry)?.source);
      const r = name ? records.get(`${PLATFORM}:secret/${name}`) : undefined;
      if (r) r.usedBy.push(usedBy(typeof entry === 'string' ? yaml.keyLine(s.secrets, entry, serviceLine) : yaml.lineOf(entry, serviceLine), 'secrets'));
    }
  }
  return { records: [...records.values()], errors: yaml.errors };
}

function secretSource(spec: Mapping): Mapping {
  if (spec.external === true || asMapping(spec.external)) return { source: 'external', ...(asText(spec.name) ? { externalName: asText(spec.name) } : {}) };
  if (asText(spec.file)) return { source: 'file', path: asText(spec.file) };
  if (asText(spec.environment)) return { source: 'environment', variable: asText(spec.environment) };
  // Compose spec `content:` inlines the value in the file.
  if (spec.content !== undefined) return { source: 'content', literal: true };
  return { source: 'unknown' };
}

/** Credential-named variables with literal values, from the map or the `KEY=value` list form. */
function literalCredentials(yaml: LoadedYaml, environment: unknown, fallback: number): Array<{ name: string; line: number; url: boolean }> {
  const entries: Array<[name: string, value: string | undefined, line: number]> = [];
  if (Array.isArray(environment)) {
    for (const item of environment) {
      const text = asText(item);
      if (!text) continue;
      const eq = text.indexOf('=');
      entries.push([eq === -1 ? text : text.slice(0, eq), eq === -1 ? undefined : text.slice(eq + 1), yaml.keyLine(environment, text, fallback)]);
    }
  } else {
    const map = asMapping(environment) ?? {};
    for (const [name, value] of Object.entries(map)) entries.push([name, asText(value), yaml.keyLine(map, name, fallback)]);
  }
  return entries.flatMap(([name, value, line]) => {
    if (value === undefined || value.trim() === '' || INTERPOLATED.test(value)) return [];
    const url = URL_WITH_PASSWORD.test(value);
    const named = CREDENTIAL_NAME.test(name) && !NOT_A_VALUE_NAME.test(name) && !NOT_A_SECRET_VALUE.test(value.trim());
    return named || url ? [{ name, line, url }] : [];
  });
}

/** Input → expected record ids, run by test/unit/identities/samples.test.ts. */
export const samples: Array<{ name: string; path: string; input: string; ids: string[]; edges?: Array<[target: string, usedBy: string, via: string]> }> = [
  {
    name: 'literal password in map form; interpolated one ignored',
    path: 'docker-compose.yml',
    input: 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: fixture-literal\n      POSTGRES_USER: app\n      REPLICA_PASSWORD: ${REPLICA_PASSWORD}\n',
    ids: ['compose:env/db/POSTGRES_PASSWORD'],
    edges: [['compose:env/db/POSTGRES_PASSWORD', 'compose:service/db', 'environment']],
  },
  {
    name: 'list form, URL with a password, *_FILE and switches ignored',
    path: 'compose.yaml',
    input: 'services:\n  app:\n    environment:\n      - DATABASE_URL=postgres://app:fixture@db/app\n      - DB_PASSWORD_FILE=/run/secrets/db\n      - AUTH_TOKEN=true\n      - API_KEY\n',
    ids: ['compose:env/app/DATABASE_URL'],
  },
  {
    name: 'top-level secret used by a service',
    path: 'deploy/compose.prod.yml',
    input: 'services:\n  api:\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n',
    ids: ['compose:secret/db_password'],
    edges: [['compose:secret/db_password', 'compose:service/api', 'secrets']],
  },
];
