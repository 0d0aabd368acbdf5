import { fileURLToPath } from 'node:url';
import { POLICY_RULES } from '../core/policy/rules.js';
import { CONFIG_SCHEMA_URL, OWNERS_SCHEMA_URL, configSchema, ownersSchema } from '../core/policy/schemas.js';
import { helpedRules, ruleHelp } from '../core/report/rule-help.js';
import { allDetectors } from '../core/secrets/detectors/index.js';
import { UsageError } from '../workspace/errors.js';
import type { Io } from './io.js';

/** Rules raised outside the policy table (extractors, the pipeline, the App's offboarding check). */
/** Every rule id a report can carry: policy rules, those with help of their own (rule-help.ts) and one per secret detector. */
export function knownRules(): string[] {
  const secrets = allDetectors.flatMap((d) => [d.id, ...(d.pair ? [d.pair.id] : [])]).map((id) => `secret/${id}`);
  return [...new Set([...POLICY_RULES.map((r) => r.id), ...helpedRules(), ...secrets])];
}

/**
 * `nhi-steward explain RULE`: what the rule finds, why it matters, how to fix it and its OWASP NHI
 * Top 10 ids, so each report line can stay short. A detector id alone (`github-classic-pat`) works too.
 */
export function explainCommand(rule: string, io: Io): number {
  const known = knownRules();
  const id = known.includes(rule) ? rule : known.includes(`secret/${rule}`) ? `secret/${rule}` : undefined;
  if (!id) {
    const near = known.filter((k) => k.includes(rule) || rule.includes(k.split('/')[1] ?? k)).slice(0, 5);
    const hint = near.length > 0 ? `did you mean ${near.join(', ')}?` : `rules: ${known.filter((k) => !k.startsWith('secret/')).join(', ')}, secret/<detector id>`;
    throw new UsageError(`unknown rule "${rule}": ${hint}`);
  }
  const help = ruleHelp(id);
  const [why, ...fix] = help.help.split('\n\n');
  const out = [
    `${id}: ${help.title}`,
    '',
    `Why: ${plain(why)}`,
    '',
    ...fix.map((p) => plain(p)),
    '',
    `OWASP Non-Human Identities Top 10: ${help.owasp.length > 0 ? help.owasp.join(', ') : 'none'} (https://owasp.org/www-project-non-human-identities-top-10/)`,
  ];
  io.stdout(`${out.join('\n')}\n`);
  return 0;
}

/** Markdown emphasis and code marks read as noise in a terminal. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}

const SCHEMAS = {
  owners: { file: 'nhi-owners.schema.json', url: OWNERS_SCHEMA_URL, schema: ownersSchema, for: '.github/nhi-owners.yml' },
  config: { file: 'nhi-steward.schema.json', url: CONFIG_SCHEMA_URL, schema: configSchema, for: '.github/nhi-steward.yml' },
} as const;

/**
 * `nhi-steward schema [owners|config]`: without a name, where each JSON Schema is (the published
 * URL and the copy in this install, for editors that take a local path); with one, the schema itself.
 */
export function schemaCommand(name: string | undefined, io: Io): number {
  if (name === undefined) {
    for (const entry of Object.values(SCHEMAS)) {
      const local = fileURLToPath(new URL(`../../schema/${entry.file}`, import.meta.url));
      io.stdout(`${entry.for}\n  url:   ${entry.url}\n  local: ${local}\n  modeline: # yaml-language-server: $schema=${entry.url}\n`);
    }
    return 0;
  }
  const entry = SCHEMAS[name as keyof typeof SCHEMAS];
  if (!entry) throw new UsageError(`unknown schema "${name}": owners or config`);
  io.stdout(`${JSON.stringify(entry.schema, null, 2)}\n`);
  return 0;
}
