/** Deletion order: whatever refers to a version (an index, a referrer, a signature) goes before it. */
import type { Graph } from './graph.js';
import type { PackageVersion, PlannedDeletion } from './model.js';

export interface Candidate {
  version: PackageVersion;
  reason: string;
}

function oldestFirst(a: PackageVersion, b: PackageVersion): number {
  return a.created - b.created || a.id - b.id;
}

/** Orders candidates so that each comes after every candidate that refers to it; oldest first otherwise. */
export function orderDeletions(candidates: ReadonlyMap<string, Candidate>, graph: Graph): PlannedDeletion[] {
  const referrers = (digest: string): string[] =>
    [...(graph.parents.get(digest) ?? []), ...(graph.attached.get(digest) ?? []).map(a => a.digest)]
      .filter(d => candidates.has(d))
      .sort((a, b) => oldestFirst(candidates.get(a)!.version, candidates.get(b)!.version));
  const ordered: PlannedDeletion[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (digest: string) => {
    if (state.has(digest)) return;
    state.set(digest, 'visiting');
    const after = referrers(digest);
    for (const r of after) visit(r);
    state.set(digest, 'done');
    const { version, reason } = candidates.get(digest)!;
    ordered.push({ id: version.id, digest, tags: [...version.tags], reason, after });
  };
  // What was not read may be an index of the untagged versions beside it, pushed after them: untagged
  // versions not read go last, newest first, so that an index still goes before its children.
  const unread = (v: PackageVersion) => !graph.readable.has(v.digest) && v.tags.length === 0;
  const all = [...candidates.values()]
    .map(c => c.version)
    .sort(
      (a, b) => Number(unread(a)) - Number(unread(b)) || (unread(a) ? -oldestFirst(a, b) : oldestFirst(a, b))
    );
  for (const v of all) visit(v.digest);
  return ordered;
}
