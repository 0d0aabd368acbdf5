import { isIgnored } from '../core/scan.js';
import { pathUnion } from '../core/secrets/compile.js';
import { customDetector, customDetectorProblems } from '../core/secrets/custom.js';
import type { Detector } from '../core/secrets/detector.js';
import { allDetectors } from '../core/secrets/detectors/index.js';
import { isLockFile, PATH_PREDICATES } from '../core/secrets/false-positives.js';
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
 * The false-positive filters are not re-implemented here: they read a path only through the
 * engine's exported `PATH_PREDICATES` (src/core/secrets/false-positives.ts), and the profile is the
 * answer of each predicate. test/unit/path-profile.test.ts cross-checks that on thousands of real
 * and crafted paths against `falsePositiveReason` itself (with probe candidates of its own): paths of one
 * profile get the same verdicts, and no two paths the probes tell apart share a profile.
 */
export interface PathProfiles {
  /** Interned profile id of a path (0 is the profile of an ordinary source file). */
  of(path: string): number;
  /** Whether the profile's paths are not scanned at all (`paths-ignore`, `node_modules`, lock files). */
  skipped(id: number): boolean;
}

const NEUTRAL_PATH = 'src/profile/neutral.txt';
const SKIP = -1;

/** `node_modules/` and `.git/` as a folder anywhere in the path (the directory walk never enters them). */
const SKIPPED_FOLDER = new RegExp(`(?:^|/)(?:${DEFAULT_SKIPPED_FOLDERS.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/`);

export function pathProfiles(settings: Pick<ScanSettings, 'pathsIgnore' | 'detectors'>): PathProfiles {
  const scoped = scopedMatcher(settings);
  const ignoring = settings.pathsIgnore.length > 0;
  const ids = new Map<string | number, number>();
  const skippedIds = new Set<number>();
  const cache = new Map<string, number>();
  const keyOf = (path: string): string | number => {
    if ((ignoring && isIgnored(path, settings)) || SKIPPED_FOLDER.test(path) || isLockFile(path)) return SKIP;
    // One bit per predicate the false-positive filters read, then the path-scoped detectors that apply.
    let traits = 0;
    for (let i = 0; i < PATH_PREDICATES.length; i++) if (PATH_PREDICATES[i](path)) traits |= 1 << i;
    const on = scoped(path);
    return on === '' ? traits : `${traits}${on}`;
  };
  const intern = (path: string): number => {
    const key = keyOf(path);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      if (key === SKIP) skippedIds.add(id);
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

/**
 * Which path-scoped detectors apply to a path (built-in credential files, custom detectors with
 * `paths`), as `,i,j` (indexes of distinct patterns), '' for none. Most paths match no built-in
 * pattern: one regex made of all of them rejects those at once (≈ 3× cheaper than testing each;
 * it matches exactly when one of them does). Custom `paths` patterns match most paths (they are
 * "outside these globs"), so they are tested one by one.
 */
function scopedMatcher(settings: Pick<ScanSettings, 'detectors'>): (path: string) => string {
  const distinct = (detectors: Detector[]) => [...new Map(detectors.map((d) => [`${d.pathPattern!.flags}/${d.pathPattern!.source}`, d.pathPattern!])).values()];
  const builtIn = distinct(allDetectors.filter((d) => d.pathPattern));
  const ids = new Set(allDetectors.map((d) => d.id));
  const custom = distinct((settings.detectors.custom ?? []).filter((spec) => customDetectorProblems(spec, ids).length === 0).map(customDetector).filter((d) => d.pathPattern));
  const any = pathUnion(builtIn);
  return (path) => {
    let on = '';
    if (!any || any.test(path)) for (let i = 0; i < builtIn.length; i++) if (builtIn[i].test(path)) on += `,${i}`;
    for (let i = 0; i < custom.length; i++) if (custom[i].test(path)) on += `,${builtIn.length + i}`;
    return on;
  };
}
