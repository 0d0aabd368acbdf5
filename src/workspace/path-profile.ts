import { isIgnored } from '../core/scan.js';
import { customDetector, customDetectorProblems } from '../core/secrets/custom.js';
import type { Detector } from '../core/secrets/detector.js';
import { allDetectors } from '../core/secrets/detectors/index.js';
import { falsePositiveReason, isLockFile } from '../core/secrets/false-positives.js';
import type { ScanSettings } from '../core/types.js';
import { DEFAULT_SKIPPED_FOLDERS } from './walk.js';

/**
 * A blob's scan result can depend on the path it is scanned under (docs/history.md, "One blob,
 * several paths"): `paths-ignore`, lock files, detectors that only apply to a file name
 * (`.netrc`, `.pgpass`, custom detectors with `paths`), and the false-positive filters that judge
 * by path (documentation, examples and tests, code files, minified bundles, type declarations).
 * A path's *profile* sums up every such decision; two paths with the same profile give the same
 * findings for the same bytes, so history mode scans a blob once per distinct profile, not once
 * per path.
 *
 * The false-positive filters are not re-implemented here: the profile asks the engine's own
 * `falsePositiveReason` about a few probe candidates, each built to be judged by path alone
 * (test/unit/path-profile.test.ts checks that each probe is accepted at a neutral path and
 * rejected at the path kind it stands for).
 */
export interface PathProfiles {
  /** Interned profile id of a path (0 is the profile of an ordinary source file). */
  of(path: string): number;
  /** Whether the profile's paths are not scanned at all (`paths-ignore`, `node_modules`, lock files). */
  skipped(id: number): boolean;
}

const PROBE_SECRET = 'Qz8vX2mK7pR4tY9wLb3N';
const PROBE_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxN2JmM2QxYSJ9.Xb7dK2qLm9RtV4wYz8Hc1PfGj6SnA3eU0oIuT5rBkMa';

/** Probe candidates for the path-judged false-positive filters (detector id, line). */
export const PATH_PROBES: readonly { detector: string; line: string; secret: string }[] = [
  // Examples, tests and fixtures; documentation (both judge generic `password: "…"` lines).
  { detector: 'generic-password', line: `password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // Code files: an unquoted value is a variable.
  { detector: 'generic-password', line: `password = ${PROBE_SECRET}`, secret: PROBE_SECRET },
  // Minified bundles: a line over 1,000 characters.
  { detector: 'generic-password', line: `${'x'.repeat(1000)};password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // Type declarations' doc comments.
  { detector: 'generic-password', line: ` * password: "${PROBE_SECRET}"`, secret: PROBE_SECRET },
  // SDK example files for JWTs.
  { detector: 'jwt', line: `"token": "${PROBE_JWT}"`, secret: PROBE_JWT },
];

const NEUTRAL_PATH = 'src/profile/neutral.txt';

export function pathProfiles(settings: Pick<ScanSettings, 'pathsIgnore' | 'detectors'>): PathProfiles {
  const scoped = pathScopedDetectors(settings);
  const probes = PATH_PROBES.flatMap((p) => {
    const detector = allDetectors.find((d) => d.id === p.detector);
    return detector ? [{ ...p, detector }] : [];
  });
  const ids = new Map<string, number>();
  const skippedIds = new Set<number>();
  const cache = new Map<string, number>();
  const keyOf = (path: string): { key: string; skip: boolean } => {
    const skip = isIgnored(path, settings) || path.split('/').slice(0, -1).some((s) => DEFAULT_SKIPPED_FOLDERS.includes(s)) || isLockFile(path);
    if (skip) return { key: 'skip', skip };
    let key = '';
    for (const d of scoped) key += d.pathPattern!.test(path) ? '1' : '0';
    key += '|';
    for (const p of probes) key += `${falsePositiveReason({ detector: p.detector, secret: p.secret, line: p.line, path }) ?? ''}|`;
    return { key, skip };
  };
  const intern = (path: string): number => {
    const { key, skip } = keyOf(path);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      if (skip) skippedIds.add(id);
    }
    return id;
  };
  intern(NEUTRAL_PATH);
  return {
    of(path) {
      let id = cache.get(path);
      if (id === undefined) {
        // Bounded: a history with millions of distinct paths must not grow this without end.
        if (cache.size >= 50_000) cache.clear();
        id = intern(path);
        cache.set(path, id);
      }
      return id;
    },
    skipped: (id) => skippedIds.has(id),
  };
}

/** Detectors that apply only to some paths: built-in credential files and custom detectors with `paths`. */
function pathScopedDetectors(settings: Pick<ScanSettings, 'detectors'>): Detector[] {
  const builtIn = allDetectors.filter((d) => d.pathPattern);
  const ids = new Set(allDetectors.map((d) => d.id));
  const custom = (settings.detectors.custom ?? []).filter((spec) => customDetectorProblems(spec, ids).length === 0).map(customDetector).filter((d) => d.pathPattern);
  return [...builtIn, ...custom];
}
