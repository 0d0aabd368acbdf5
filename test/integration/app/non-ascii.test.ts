/**
 * The App's full scan reads the tarball's non-ASCII texts as stand-ins (src/core/stand-in.ts): what
 * it reports must be what the real texts hold. A password of accented letters opens its issue (a
 * stand-in alone would judge placeholders), and a Kubernetes manifest full of non-ASCII comments
 * and annotations still lands in the inventory under its name. Real App over HTTP, signed
 * deliveries, the API double.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../support/app-harness.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double/index.js';
import { OWNERS_FILE, oneRepoSeed, REPO } from './fixtures.js';

let double: GitHubDouble;
let app: RunningApp;
const PASSWORD = 'Zöñüßéàçø9Kq';

beforeEach(async () => {
  double = await startGitHubDouble({ seed: oneRepoSeed() });
  app = await startApp(double);
});

afterEach(async () => {
  await app?.close();
  await double?.close();
});

describe("the App's full scan of non-ASCII files", () => {
  it('opens the issue for a password of accented letters and inventories a manifest with non-ASCII text', { timeout: 60_000 }, async () => {
    const manifest = ['# Dienstkonto für die Zahlungen — «zahlungen» ✓', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: zahlungs-bot', '  namespace: zahlungen', '  annotations:', '    beschreibung: "Überweisungen, 支払い 😀"', ''].join('\n');
    double.state.push(REPO, {
      files: {
        'config/db.env': `# Zugangsdaten für die Datenbank — nicht teilen\ndb_password = "${PASSWORD}"\n`,
        'k8s/zahlungen.yaml': manifest,
        // Its owner's address is not ASCII: the owners file is read from its real text.
        '.github/nhi-owners.yml': `${OWNERS_FILE}  # Zahlungsdienst — Ansprechpartnerin\n  - match: "kubernetes:ServiceAccount/zahlungen/zahlungs-bot"\n    owner: "zoë.müller@example.com"\n`,
        'docs/leitfaden.md': '# Leitfaden\n\nKein Geheimnis: token, password, api_key — nur Wörter. 😀\n'.repeat(200),
      },
    });
    await app.scheduler.tick();
    const issues = [...double.state.repo(REPO).issues.values()].filter((i) => !i.pull && i.labels.includes('nhi-steward'));
    const secrets = issues.filter((i) => i.title.startsWith('Embedded secret'));
    expect(secrets.map((i) => i.title)).toEqual(['Embedded secret (generic-password) in config/db.env']);
    expect(secrets[0].body).toContain('config/db.env');
    const dashboard = issues.find((i) => i.title === 'NHI inventory');
    expect(dashboard?.body).toContain('kubernetes:ServiceAccount/zahlungen/zahlungs-bot');
    expect(dashboard?.body).toContain('zoë.müller@example.com');
    const sent = double.requests.map((r) => JSON.stringify(r.body ?? '')).join('\n');
    expect(sent).not.toContain(PASSWORD);
    expect(app.logs.join('\n')).not.toContain(PASSWORD);
    double.assertNoViolations();
  });
});
