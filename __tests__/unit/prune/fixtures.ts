/** Synthetic packages for planner tests: versions named for readability, digests derived from names. */
import { createHash } from 'node:crypto';
import type {
  ManifestRead,
  PackagePlan,
  PackageVersion,
  PlanInput,
  Policy,
  Presence
} from '../../../src/prune/model.js';
import { parsePattern } from '../../../src/prune/patterns.js';

export const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

const names = new Map<string, string>();

/** The digest of a named manifest (stable: sha256 of the name). */
export function d(name: string): string {
  const digest = `sha256:${createHash('sha256').update(name).digest('hex')}`;
  names.set(digest, name);
  return digest;
}

/** A name back from a digest, or the short digest in a message rewritten to its name. */
export function named(text: string): string {
  return text.replace(/sha256:[a-f0-9]{12,64}/g, m => {
    for (const [digest, name] of names) if (digest.startsWith(m)) return name;
    return m;
  });
}

export interface Node {
  name: string;
  tags?: string[];
  /** Days old. */
  age?: number;
  children?: string[];
  subject?: string;
  /** Listed by the API (default) or only present in the registry. */
  listed?: boolean;
  read?: 'ok' | 'gone' | 'error';
}

export function policy(
  p: Partial<Omit<Policy, 'keepTags' | 'deleteTags'>> & { keepTags?: string[]; deleteTags?: string[] } = {}
): Policy {
  return {
    deleteUntagged: true,
    ...p,
    keepTags: (p.keepTags ?? []).map(parsePattern),
    deleteTags: (p.deleteTags ?? []).map(parsePattern)
  };
}

export function input(
  nodes: Node[],
  pol: Policy,
  extra: { registryTags?: [string, string][]; outside?: [string, Presence][] } = {}
): PlanInput {
  const versions: PackageVersion[] = [];
  const manifests = new Map<string, ManifestRead>();
  const registryTags = new Map<string, string>();
  nodes.forEach((n, i) => {
    const digest = d(n.name);
    if (n.listed !== false)
      versions.push({ id: 100 + i, digest, tags: n.tags ?? [], created: NOW - (n.age ?? 100) * DAY });
    if (n.read === 'gone') manifests.set(digest, { status: 'gone' });
    else if (n.read === 'error') manifests.set(digest, { status: 'error', error: 'HTTP 500' });
    else {
      const children = (n.children ?? []).map(d);
      manifests.set(digest, {
        status: 'ok',
        kind: children.length ? 'index' : 'image',
        children,
        ...(n.subject ? { subject: d(n.subject) } : {})
      });
    }
    for (const tag of n.tags ?? []) registryTags.set(tag, digest);
  });
  for (const [tag, name] of extra.registryTags ?? []) registryTags.set(tag, d(name));
  const outside = new Map((extra.outside ?? []).map(([name, p]) => [d(name), p] as [string, Presence]));
  return { versions, manifests, registryTags, outside, policy: pol, now: NOW };
}

/** A plan in names: deletions in order with reasons, kept with reasons, tag removals. */
export function readable(plan: PackagePlan) {
  const name = (digest: string) => named(digest);
  return {
    deleted: plan.deletions.map(x => [name(x.digest), named(x.reason)]),
    kept: plan.kept.map(x => [name(x.digest), named(x.reason)]),
    tagRemovals: plan.tagRemovals.map(x => [name(x.digest), x.tags.join(',')]),
    ...(plan.gone.length ? { gone: plan.gone.map(v => name(v.digest)) } : {}),
    ...(plan.blocked ? { blocked: named(plan.blocked) } : {})
  };
}

/** Index + two platform manifests + two attestation manifests, as a buildx multi-arch push makes. */
export function multiArch(name: string, opts: Omit<Node, 'name' | 'children'> = {}): Node[] {
  const parts = ['amd64', 'arm64', 'att-amd64', 'att-arm64'].map(p => `${name}/${p}`);
  return [{ name, ...opts, children: parts }, ...parts.map(p => ({ name: p, age: opts.age }))];
}
