/**
 * The planner: package versions + manifest graph + policy -> what to delete, what to keep and why.
 * Roots are the versions the policy keeps (and anything the registry tags but the list does not show
 * yet); everything reachable from a root is kept; only the rest may be deleted.
 */
import { ARTIFACT_TAG, buildGraph, markReachable, type Graph, type Mark } from './graph.js';
import {
  versionRecord,
  type PackagePlan,
  type PackageVersion,
  type PlanInput,
  type VersionRecord
} from './model.js';
import { orderDeletions, type Candidate } from './order.js';
import { firstMatch } from './patterns.js';

export function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[a-f0-9]{12})[a-f0-9]*$/, '$1');
}

function newestFirst(a: PackageVersion, b: PackageVersion): number {
  return b.created - a.created || b.id - a.id;
}

function listTags(tags: string[]): string {
  return `${tags.length > 1 ? 'tags' : 'tag'} ${tags.join(', ')}`;
}

function blockedPlan(live: PackageVersion[], gone: PackageVersion[], why: string): PackagePlan {
  const kept = live.map(v => versionRecord(v, `fail closed: ${why}`));
  return { deletions: [], kept, tagRemovals: [], gone, blocked: why };
}

function unreadable(input: PlanInput): string | undefined {
  if (input.failures?.length) return input.failures[0];
  for (const [digest, read] of input.manifests) {
    if (read.status === 'error') return `manifest ${shortDigest(digest)} could not be read (${read.error})`;
  }
  return undefined;
}

/** Without `lazy`: every version, every digest a registry tag names, and every child, at any depth. */
function everything(input: PlanInput): string[] {
  const wanted = new Set([...input.versions.map(v => v.digest), ...input.registryTags.values()]);
  for (const read of input.manifests.values())
    if (read.status === 'ok') read.children.forEach(c => wanted.add(c));
  return [...wanted].filter(d => !input.manifests.has(d));
}

/** With `lazy`: the kept digests not read yet that can reach further (roots, attachments, nested indexes). */
function keptUnread(marks: ReadonlyMap<string, Mark>, manifests: PlanInput['manifests']): string[] {
  const needs: string[] = [];
  for (const [digest, mark] of marks) {
    if (manifests.has(digest)) continue;
    if (mark.via === 'child') {
      const parent = manifests.get(mark.from);
      const nested = parent?.status === 'ok' ? parent.indexChildren : undefined;
      if (nested && !nested.includes(digest)) continue;
    }
    needs.push(digest);
  }
  return needs;
}

/**
 * With `lazy`: the referrers indexes not read yet, kept or not, so that the referrers they list go
 * with their subject instead of counting as untagged images of their own.
 */
function referrersUnread(graph: Graph, manifests: PlanInput['manifests']): string[] {
  const needs: string[] = [];
  for (const [digest, { kind }] of graph.subjectOf)
    if (kind === 'referrers index' && !manifests.has(digest)) needs.push(digest);
  return needs;
}

export function planPackage(input: PlanInput): PackagePlan {
  const { policy, now } = input;
  const seen = new Set<string>();
  const versions = input.versions.filter(v => !seen.has(v.digest) && seen.add(v.digest));
  const gone = versions.filter(v => input.manifests.get(v.digest)?.status === 'gone');
  const live = versions.filter(v => input.manifests.get(v.digest)?.status !== 'gone').sort(newestFirst);
  const failure = unreadable(input);
  if (failure) return blockedPlan(live, gone, `${failure}; nothing in this package is deleted`);
  if (!input.lazy) {
    const needs = everything(input);
    if (needs.length) return { deletions: [], kept: [], tagRemovals: [], gone, needs };
  }

  const byDigest = new Map(live.map(v => [v.digest, v]));
  const graph = buildGraph(live, input.manifests);
  const registryTagsOf = new Map<string, string[]>();
  for (const [tag, digest] of input.registryTags)
    registryTagsOf.set(digest, [...(registryTagsOf.get(digest) ?? []), tag]);
  const label = (digest: string): string => {
    const listed = byDigest.get(digest)?.tags ?? [];
    const tags = listed.length ? listed : (registryTagsOf.get(digest) ?? []);
    return tags.find(t => !ARTIFACT_TAG.test(t)) ?? tags[0] ?? shortDigest(digest);
  };

  const roots = new Map<string, string>();
  const setRoot = (digest: string, reason: string) => {
    if (!roots.has(digest)) roots.set(digest, reason);
  };
  const candidateReason = new Map<string, string>();
  const removeTags = new Map<string, string[]>();
  const young = (v: PackageVersion) =>
    policy.olderThanMs !== undefined && now - v.created < policy.olderThanMs;

  for (const [tag, digest] of input.registryTags) {
    if (!byDigest.get(digest)?.tags.includes(tag)) {
      setRoot(digest, `tag ${tag} points here in the registry but is not in the package list yet`);
    }
  }

  const tagged: PackageVersion[] = [];
  const untagged: PackageVersion[] = [];
  for (const v of live) {
    const policyTags = v.tags.filter(t => !ARTIFACT_TAG.test(t));
    const keepTag = policyTags.find(t => firstMatch(policy.keepTags, t));
    if (keepTag) setRoot(v.digest, `tag ${keepTag} matches keep-tags`);
    const removed = policyTags.filter(
      t => !firstMatch(policy.keepTags, t) && firstMatch(policy.deleteTags, t)
    );
    if (removed.length) removeTags.set(v.digest, removed);
    if (policyTags.length > removed.length) {
      tagged.push(v);
    } else if (removed.length) {
      candidateReason.set(
        v.digest,
        `${listTags(removed)} ${removed.length > 1 ? 'match' : 'matches'} delete-tags`
      );
    } else if (graph.subjectOf.has(v.digest)) {
      const { digest: subject, kind } = graph.subjectOf.get(v.digest)!;
      if (byDigest.has(subject) || graph.readable.has(subject)) continue;
      const presence = input.outside.get(subject) ?? 'unknown';
      if (presence !== 'absent')
        setRoot(v.digest, `${kind} of ${shortDigest(subject)}, which is not in the package list`);
      else if (!policy.deleteUntagged) setRoot(v.digest, `orphaned ${kind}; delete-untagged is false`);
      else candidateReason.set(v.digest, `orphaned ${kind}: ${shortDigest(subject)} is not in the registry`);
    } else if (!graph.parents.has(v.digest)) {
      if (policy.deleteUntagged) untagged.push(v);
      else setRoot(v.digest, 'untagged; delete-untagged is false');
    }
  }

  const n = policy.keepNTagged;
  tagged.forEach((v, rank) => {
    if (n === undefined) setRoot(v.digest, 'tagged');
    else if (rank < n) setRoot(v.digest, `one of the ${n} newest tagged images (keep-n-tagged)`);
    else candidateReason.set(v.digest, `beyond the ${n} newest tagged images (keep-n-tagged)`);
  });
  for (const v of live) if (young(v)) setRoot(v.digest, `newer than ${policy.olderThan} (older-than)`);

  const marks = new Map<string, Mark>();
  markReachable(graph, roots.keys(), marks);

  const m = policy.keepNUntagged;
  const untaggedPool = untagged.filter(v => !marks.has(v.digest) || young(v));
  untaggedPool.forEach((v, rank) => {
    if (m !== undefined && rank < m)
      setRoot(v.digest, `one of the ${m} newest untagged images (keep-n-untagged)`);
    else if (m !== undefined)
      candidateReason.set(v.digest, `untagged, beyond the ${m} newest untagged images (keep-n-untagged)`);
    else candidateReason.set(v.digest, 'untagged and not used by any kept image');
  });
  if (m !== undefined)
    markReachable(
      graph,
      untaggedPool.slice(0, m).map(v => v.digest),
      marks
    );

  if (input.lazy) {
    const needs = [
      ...new Set([...keptUnread(marks, input.manifests), ...referrersUnread(graph, input.manifests)])
    ];
    if (needs.length) return { deletions: [], kept: [], tagRemovals: [], gone, needs };
  }

  const candidates = new Map<string, Candidate>();
  for (const v of live) {
    if (marks.has(v.digest)) continue;
    candidates.set(v.digest, {
      version: v,
      reason:
        candidateReason.get(v.digest) ?? derivedReason(v.digest, graph, marks, label, d => byDigest.has(d))
    });
  }
  const kept = live
    .filter(v => marks.has(v.digest))
    .map(v => versionRecord(v, keptReason(marks.get(v.digest)!, roots, label)));
  const keptReasons = new Map(kept.map(k => [k.digest, k.reason]));
  const tagRemovals: VersionRecord[] = [];
  for (const v of live) {
    const tags = (removeTags.get(v.digest) ?? []).filter(t => input.registryTags.get(t) === v.digest);
    if (!marks.has(v.digest) || young(v) || tags.length === 0) continue;
    const reason = `${listTags(tags)} ${tags.length > 1 ? 'match' : 'matches'} delete-tags; the image is kept (${keptReasons.get(v.digest)})`;
    tagRemovals.push(versionRecord({ ...v, tags }, reason));
  }
  return { deletions: orderDeletions(candidates, graph), kept, tagRemovals, gone };
}

function derivedReason(
  digest: string,
  graph: Graph,
  marks: Map<string, Mark>,
  label: (d: string) => string,
  isVersion: (d: string) => boolean
): string {
  const subject = graph.subjectOf.get(digest);
  if (subject && !marks.has(subject.digest)) return `${subject.kind} of deleted ${label(subject.digest)}`;
  const parents = (graph.parents.get(digest) ?? []).filter(p => !marks.has(p));
  const deleted = parents.find(isVersion);
  if (deleted) return `part of deleted ${label(deleted)}`;
  if (parents.length) return `part of ${label(parents[0])}, which is not listed and not kept`;
  return 'not used by any kept image';
}

function keptReason(mark: Mark, roots: Map<string, string>, label: (d: string) => string): string {
  if (mark.via === 'root') return roots.get(mark.root)!;
  if (mark.via === 'child') return `part of kept ${label(mark.root)}`;
  return `${mark.via} of kept ${label(mark.from)}`;
}
