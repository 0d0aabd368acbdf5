import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sarifRenderer } from '../../../src/core/report/sarif.js';
import { RAW_SECRET, context, sampleResult, secretFinding } from './sample-result.js';

/**
 * The official SARIF 2.1.0 schema is draft-04; ajv's draft-07 default reads it once the draft-04
 * `$schema` and its top-level `id` (draft-07 spells it `$id`) are adjusted. No other keyword differs.
 */
function sarifValidator() {
  const schema = JSON.parse(readFileSync('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }) // the schema's `language` pattern is not valid with the u flag;
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('sarif report', () => {
  const validate = sarifValidator();
  const result = sampleResult();
  const sarif = JSON.parse(sarifRenderer.render(result, context));
  const run = sarif.runs[0];

  it('is valid SARIF 2.1.0 against the official schema', () => {
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe('2.1.0');
  });

  it('the validator really checks (a level SARIF does not know is rejected)', () => {
    const bad = structuredClone(sarif);
    bad.runs[0].results[0].level = 'info';
    expect(validate(bad)).toBe(false);
  });

  it('also validates when empty', () => {
    const empty = JSON.parse(sarifRenderer.render({ ...result, findings: [], skipped: [] }, context));
    expect(validate(empty)).toBe(true);
    expect(empty.runs[0].results).toEqual([]);
  });

  it('describes every rule with help, tags and security-severity', () => {
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual(['credential/no-rotation', 'identity/unowned', 'owners/stale-entry', 'secret/github-classic-pat', 'secret/stripe-test-key']);
    const secret = run.tool.driver.rules[3];
    expect(secret.shortDescription.text).toBe('GitHub personal access token (classic)');
    expect(secret.help.markdown).toContain('**Fix:**');
    expect(secret.properties.tags).toEqual(expect.arrayContaining(['security', 'NHI2']));
    expect(secret.properties['security-severity']).toBe('8.0');
    expect(run.tool.driver.rules[1].properties.tags).toContain('NHI1');
    expect(run.tool.driver.rules[4].properties['security-severity']).toBe('1.0');
  });

  it('maps findings to results with relative locations and both fingerprints', () => {
    const first = run.results[0];
    expect(first).toMatchObject({
      ruleId: 'secret/github-classic-pat',
      level: 'error',
      message: { text: 'GitHub personal access token ghp_…1234' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'services/api/config.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 7 } } }],
      fingerprints: { 'nhi-steward/v1': result.findings[0].fingerprint },
    });
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
    expect(first.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'note', 'note', 'warning', 'warning']);
  });

  it('keeps the line hash stable when a line moves, and counts repeats', () => {
    const moved = JSON.parse(sarifRenderer.render({ ...result, findings: [secretFinding({ line: 40 }), secretFinding({ line: 50 })] }, context));
    const [a, b] = moved.runs[0].results.map((r: { partialFingerprints: { primaryLocationLineHash: string } }) => r.partialFingerprints.primaryLocationLineHash);
    expect(a).toBe(run.results[0].partialFingerprints.primaryLocationLineHash);
    expect(b).toBe(a.replace(/:1$/, ':2'));
  });

  it('lists skipped files as notifications and never contains the raw secret', () => {
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain('assets/logo.png: binary');
    expect(JSON.stringify(sarif)).not.toContain(RAW_SECRET);
  });

  it('percent-encodes unusual path characters in the uri', () => {
    const odd = JSON.parse(sarifRenderer.render({ ...result, findings: [secretFinding({ file: 'my dir/a#b.env' })] }, context));
    expect(odd.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('my%20dir/a%23b.env');
    expect(validate(odd)).toBe(true);
  });
});
