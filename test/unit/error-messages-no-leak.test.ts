import { afterEach, describe, expect, it, vi } from 'vitest';
import { extractors } from '../../src/core/identities/registry.js';
import { defaultSettings } from '../../src/core/types.js';
import { parseConfig } from '../../src/core/policy/config.js';
import { parseOwnersFile } from '../../src/core/policy/owners-file.js';
import { renderers } from '../../src/core/report/registry.js';
import { extractIdentities, scanSources } from '../../src/core/scan.js';

/**
 * SPEC §2.2/§6: no output carries a whole secret, and a parse error is itself a finding. The two
 * meet when a parse error lands on the line that holds the secret: the message names the problem
 * and the place, and redacts the text it would otherwise quote.
 */
const TOKEN = 'ghp_Zx9Lq2Vm7Tn4Wp8Bs1Hd3Kf6Jg5Rc0Ya2Ue4';
const LABEL = 'Zx9Lq2Vm7Tn4Wp8Bs1Hd3Kf6Jg5';

const CASES: Array<[string, string, string, string]> = [
  ['a token on a line of its own', `resource "aws_iam_user" "u" {\n  name = "x"\n}\n${TOKEN}\n`, TOKEN, "HCL: expected '{' after …2Ue4, found end of line"],
  ['a token as an attribute with no value', `${TOKEN} =\n`, TOKEN, 'HCL: attribute …2Ue4 has no value'],
  ['a secret as a block label', `password "${LABEL}" = 1\n`, LABEL, `HCL: expected '{' after password "…6Jg5", found '='`],
  ['a token as a resource label', `resource "aws_iam_user" "${TOKEN}"\n`, TOKEN, `HCL: expected '{' after resource "aws_iam_user" "…2Ue4", found end of line`],
  ['a token as the label of an unclosed block', `resource "aws_iam_user" "${TOKEN}" {\n  name = "x"\n`, TOKEN, `HCL: unclosed block resource "aws_iam_user" "…2Ue4": no '}' for the '{' on line 1`],
  ['a token where a block or attribute should start', `locals {\n  x = 1\n}\n= ${TOKEN}\n`, TOKEN, "HCL: expected an attribute or block, found '='"],
];

describe('HCL parse errors never quote a secret', () => {
  it.each(CASES)('%s', (_what, content, secret, message) => {
    const { findings } = extractIdentities({ path: 'infra/main.tf', content });
    expect(findings.map((f) => f.message)).toEqual([message]);
    expect(findings[0]).toMatchObject({ rule: 'parse/error', file: 'infra/main.tf' });
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it('keeps ordinary names readable in the same messages', () => {
    const { findings } = extractIdentities({ path: 'main.tf', content: 'resource "aws_iam_user" "ci_bot" {\n  name = "x"\n' });
    expect(findings.map((f) => f.message)).toEqual([`HCL: unclosed block resource "aws_iam_user" "ci_bot": no '}' for the '{' on line 1`]);
  });

  it('no report format of a scan over those files contains the secrets', async () => {
    const settings = defaultSettings();
    const sources = CASES.map(([, content], i) => ({ path: `infra/case${i}.tf`, content }));
    const result = await scanSources(sources, { settings, parallel: { workers: 0 } });
    expect(result.findings.filter((f) => f.rule === 'parse/error')).toHaveLength(CASES.length);
    for (const renderer of renderers) {
      const output = renderer.render(result, { version: '0.0.0', root: 'repo' });
      for (const secret of [TOKEN, LABEL]) expect(output.includes(secret), `${renderer.format} output`).toBe(false);
    }
  });
});

describe('an extractor that crashes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('becomes a parse/error finding whose message redacts what the error quoted', () => {
    const terraform = extractors.find((e) => e.platform === 'terraform')!;
    const secret = 'Zx9Lq2Vm7Tn4Wp8B';
    vi.spyOn(terraform, 'extract').mockImplementation(() => JSON.parse(secret));
    const { findings } = extractIdentities({ path: 'main.tf', content: `token = "${secret}"\n` });
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'parse/error', file: 'main.tf', line: 1, message: `terraform extractor failed: Unexpected token 'Z', "…Wp8B" is not valid JSON` }),
    ]);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });
});

describe('YAML parse errors never quote a secret', () => {
  // An unquoted value that starts with `!` or `*` is a tag or an alias to YAML; passwords do that.
  it.each([
    ['k8s/secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: !${LABEL} x\n`, 5, 'malformed YAML: unknown tag !<…6Jg5>'],
    ['k8s/alias.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: *${LABEL}\n`, 5, 'malformed YAML: unidentified alias "…6Jg5"'],
    ['.github/workflows/ci.yml', `on: push\njobs:\n  a:\n    steps:\n      - run: !${TOKEN} x\n`, 5, 'malformed YAML: unknown tag !<…2Ue4>'],
    ['docker-compose.yml', `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: *${LABEL}\n`, 4, 'malformed YAML: unidentified alias "…6Jg5"'],
  ])('%s', (path, content, line, message) => {
    const { findings } = extractIdentities({ path, content });
    expect(findings.map((f) => [f.rule, f.line, f.message])).toEqual([['parse/error', line, message]]);
    expect(JSON.stringify(findings)).not.toContain(LABEL);
  });
});

describe('config and owners-file problems never quote a secret pasted into them', () => {
  it.each([
    [`fail-on: ${LABEL}\n`, '"fail-on" must be one of error, warning, notice, info, none, not "…6Jg5"'],
    [`paths-ignore: ${LABEL}\n`, '"paths-ignore" must be a list, not a string ("…6Jg5")'],
    [`${LABEL}: 1\n`, 'unknown key "…6Jg5" in the config file; known keys: paths-ignore, max-file-size, fail-on, detectors, issues, dashboard, schedule, rules, baseline, owners-file, verify'],
    [`fail-on: *${LABEL}\n`, 'cannot read the YAML: Unresolved alias (the anchor must be set before the alias): …6Jg5'],
  ])('config %j', (content, message) => {
    const { errors } = parseConfig(content, '.github/nhi-steward.yml');
    expect(errors.map((e) => e.message)).toEqual([`.github/nhi-steward.yml: ${message}`]);
    expect(JSON.stringify(errors)).not.toContain(LABEL);
  });

  it.each([
    [`identities:\n  - match: "*"\n    owner: ${LABEL}\n`, 'owner "…6Jg5" is not a valid owner: write @user, @org/team or an email address'],
    [`identities:\n  - match: "*"\n    owner: "@acme/a"\n    rotation: ${LABEL}\n`, 'rotation "…6Jg5" is not a duration: write a whole number and a unit (h, d, w, mo, y), e.g. 90d; or use ephemeral, managed, never'],
    [`identities:\n  - match: "*"\n    owner: *${LABEL}\n`, 'cannot read the YAML: Unresolved alias (the anchor must be set before the alias): …6Jg5'],
  ])('owners %j', (content, message) => {
    const { problems } = parseOwnersFile(content);
    expect(problems.map((p) => p.message)).toEqual([message]);
    expect(JSON.stringify(problems)).not.toContain(LABEL);
  });
});
