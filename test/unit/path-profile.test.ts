import { describe, expect, it } from 'vitest';
import { allDetectors } from '../../src/core/secrets/detectors/index.js';
import { falsePositiveReason } from '../../src/core/secrets/false-positives.js';
import { defaultSettings } from '../../src/core/types.js';
import { PATH_PROBES, pathProfiles } from '../../src/workspace/path-profile.js';

describe('path profiles (history mode scans a blob once per profile)', () => {
  it('each probe is judged by path alone: accepted at a neutral path, rejected at the kind of path it stands for', () => {
    const at = ['test/fixtures/a.txt', 'src/a.ts', 'dist/app.min.js', 'types/index.d.ts', 'api.examples.json'];
    PATH_PROBES.forEach((probe, i) => {
      const detector = allDetectors.find((d) => d.id === probe.detector)!;
      expect(detector, probe.detector).toBeDefined();
      expect(falsePositiveReason({ detector, secret: probe.secret, line: probe.line, path: 'src/neutral.txt' }), `probe ${i}`).toBeUndefined();
      expect(falsePositiveReason({ detector, secret: probe.secret, line: probe.line, path: at[i] }), `probe ${i} at ${at[i]}`).toBeDefined();
    });
  });

  it('paths that change a scan get distinct profiles; ordinary files share profile 0', () => {
    const profiles = pathProfiles(defaultSettings({ pathsIgnore: ['vendor/**'] }));
    expect(profiles.of('src/a.txt')).toBe(0);
    expect(profiles.of('config/app.yml')).toBe(0);
    const distinct = ['README.md', 'test/a.txt', 'src/a.ts', 'app.min.js', '.pgpass', 'home/.netrc', 'package-lock.json', 'vendor/x.txt'];
    const ids = distinct.map((p) => profiles.of(p));
    for (const id of ids) expect(id).not.toBe(0);
    expect(new Set(ids.slice(0, 6)).size).toBe(6);
    expect(profiles.skipped(profiles.of('vendor/x.txt'))).toBe(true);
    expect(profiles.skipped(profiles.of('a/node_modules/b.txt'))).toBe(true);
    expect(profiles.skipped(profiles.of('package-lock.json'))).toBe(true);
    expect(profiles.skipped(profiles.of('src/a.ts'))).toBe(false);
  });

  it('a custom detector allow-listing paths makes its paths a profile of their own', () => {
    const settings = defaultSettings({ detectors: { disabled: [], enabled: [], custom: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{32}', keywords: ['acme_'], allowlist: { paths: ['generated/**'] } }] } });
    const profiles = pathProfiles(settings);
    expect(profiles.of('generated/x.txt')).not.toBe(profiles.of('src/x.txt'));
    expect(pathProfiles(defaultSettings()).of('generated/x.txt')).toBe(0);
  });
});
