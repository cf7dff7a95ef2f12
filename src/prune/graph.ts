/**
 * The manifest graph of one package and reachability over it (mark phase of mark and sweep): from
 * each kept root, index children at any depth, OCI referrers (a `subject`, or listed in the
 * `sha256-<hex>` referrers index) and `sha256-<hex>.*` signature tags of a kept digest are kept too.
 */
import type { ManifestRead, PackageVersion } from './model.js';

/** A cosign-style tag naming the digest it belongs to: `sha256-<hex>`, `.sig`, `.att`, `.sbom` … */
export const ARTIFACT_TAG = /^sha256-([a-f0-9]{64})(?:\..+)?$/;

/**
 * How a manifest is attached to its subject: an OCI `subject` (referrer), a `sha256-<hex>` index of
 * the referrers tag schema, or a cosign-style `sha256-<hex>.sig|.att|.sbom` tag (signature).
 */
export type Attachment = 'referrer' | 'referrers index' | 'signature';

export interface Graph {
  /** Digests whose manifest was read. */
  readable: Set<string>;
  children: Map<string, string[]>;
  parents: Map<string, string[]>;
  /** Subject -> the manifests attached to it. */
  attached: Map<string, { digest: string; kind: Attachment }[]>;
  /** Attached manifest -> its subject. */
  subjectOf: Map<string, { digest: string; kind: Attachment }>;
}

export function artifactSubject(tag: string): string | undefined {
  const m = ARTIFACT_TAG.exec(tag);
  return m ? `sha256:${m[1]}` : undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildGraph(
  versions: readonly PackageVersion[],
  manifests: ReadonlyMap<string, ManifestRead>
): Graph {
  const graph: Graph = {
    readable: new Set(),
    children: new Map(),
    parents: new Map(),
    attached: new Map(),
    subjectOf: new Map()
  };
  const attach = (digest: string, subject: string, kind: Attachment) => {
    if (graph.subjectOf.has(digest) || subject === digest) return;
    graph.subjectOf.set(digest, { digest: subject, kind });
    push(graph.attached, subject, { digest, kind });
  };
  for (const [digest, read] of manifests) {
    if (read.status !== 'ok') continue;
    graph.readable.add(digest);
    const children = [...new Set(read.children)];
    graph.children.set(digest, children);
    for (const child of children) push(graph.parents, child, digest);
    if (read.subject) attach(digest, read.subject, 'referrer');
  }
  // A tag names its subject without the manifest being read.
  for (const v of versions) {
    if (v.tags.length === 0) continue;
    const subjects = v.tags.map(artifactSubject);
    if (!subjects.every(Boolean)) continue;
    attach(v.digest, subjects[0]!, v.tags.some(t => !t.includes('.')) ? 'referrers index' : 'signature');
  }
  // A referrers index lists the referrers of its subject: they belong to it without being read.
  for (const [digest, { digest: subject, kind }] of [...graph.subjectOf]) {
    if (kind !== 'referrers index') continue;
    for (const child of graph.children.get(digest) ?? []) attach(child, subject, 'referrer');
  }
  return graph;
}

export interface Mark {
  /** The kept root this digest is kept for. */
  root: string;
  via: 'root' | 'child' | Attachment;
  /** The kept digest it was reached from. */
  from: string;
}

/** Marks everything reachable from the roots, in order; digests marked before keep their first mark. */
export function markReachable(graph: Graph, roots: Iterable<string>, marks: Map<string, Mark>): void {
  for (const root of roots) {
    if (marks.has(root)) continue;
    marks.set(root, { root, via: 'root', from: root });
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      const digest = queue[i];
      const reach = (next: string, via: Mark['via']) => {
        if (marks.has(next)) return;
        marks.set(next, { root, via, from: digest });
        queue.push(next);
      };
      for (const child of graph.children.get(digest) ?? []) reach(child, 'child');
      for (const a of graph.attached.get(digest) ?? []) reach(a.digest, a.kind);
    }
  }
}
