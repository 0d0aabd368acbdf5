import { append } from '../append.js';
/** What the overlap resolution needs to know about a candidate. */
export interface Span {
  start: number;
  end: number;
  /** Provider detectors beat generic ones (`generic-*`) on the same text. */
  generic: boolean;
  /** Catalog position: the final, deterministic tie-break. */
  order: number;
}

/**
 * One finding per secret span: among candidates whose secret spans overlap, keep a provider
 * detector before a generic one, then the longer secret, then the earlier detector in the catalog.
 * Works cluster by cluster (runs of mutually overlapping spans after sorting by start), so a file
 * with a hundred thousand candidates stays n log n.
 */
export function resolveOverlaps<T extends Span>(candidates: readonly T[]): T[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const kept: T[] = [];
  let cluster: T[] = [];
  let clusterEnd = -1;
  for (const candidate of sorted) {
    if (candidate.start >= clusterEnd && cluster.length > 0) {
      append(kept, pickWithin(cluster));
      cluster = [];
    }
    cluster.push(candidate);
    clusterEnd = Math.max(clusterEnd, candidate.end);
  }
  append(kept, pickWithin(cluster));
  return kept.sort((a, b) => a.start - b.start || a.order - b.order);
}

function pickWithin<T extends Span>(cluster: T[]): T[] {
  if (cluster.length <= 1) return cluster;
  const ranked = [...cluster].sort((a, b) => Number(a.generic) - Number(b.generic) || b.end - b.start - (a.end - a.start) || a.order - b.order || a.start - b.start);
  const chosen: T[] = [];
  for (const candidate of ranked) {
    if (chosen.every((c) => candidate.end <= c.start || candidate.start >= c.end)) chosen.push(candidate);
  }
  return chosen;
}
