/**
 * What each target repository needs so that every tag points to the source digest, from what it
 * holds already (pure). A blob it has is skipped; one in the source's own registry is mounted (no
 * upload); any other is copied. A manifest it has is skipped. A tag already at the digest is kept.
 */
import { authKey } from '../../common/reference.js';
import type { ImageGraph } from './graph.js';

export interface Repo {
  registry: string;
  /** The repository path inside the registry (`o/app`). */
  repository: string;
}

export interface Target extends Repo {
  /** `registry/repository` as meta names it. */
  image: string;
  tags: string[];
}

/** What a target holds, as HEAD requests found it. */
export interface TargetState {
  blobs: ReadonlySet<string>;
  manifests: ReadonlySet<string>;
  /** Each of the target's tags: the digest it points to now, or undefined. */
  tags: ReadonlyMap<string, string | undefined>;
}

export type BlobAction = 'skip' | 'mount' | 'copy';

export interface TargetPlan {
  target: Target;
  blobs: { digest: string; size: number; action: BlobAction }[];
  /** In push order. */
  manifests: { digest: string; action: 'skip' | 'put' }[];
  tags: { tag: string; action: 'keep' | 'put'; from?: string }[];
}

export function sameRegistry(a: Repo, b: Repo): boolean {
  return authKey(a.registry) === authKey(b.registry);
}

export function planTarget(graph: ImageGraph, source: Repo, target: Target, state: TargetState): TargetPlan {
  const mountable = sameRegistry(source, target) && source.repository !== target.repository;
  return {
    target,
    blobs: graph.blobs.map(b => ({
      digest: b.digest,
      size: b.size,
      action: state.blobs.has(b.digest) ? 'skip' : mountable ? 'mount' : 'copy'
    })),
    manifests: graph.manifests.map(m => ({
      digest: m.digest,
      action: state.manifests.has(m.digest) ? 'skip' : 'put'
    })),
    tags: target.tags.map(tag => {
      const now = state.tags.get(tag);
      if (now === graph.digest) return { tag, action: 'keep' as const };
      return { tag, action: 'put' as const, ...(now ? { from: now } : {}) };
    })
  };
}

export interface CopyTotals {
  mounted: number;
  mountedBytes: number;
  copied: number;
  copiedBytes: number;
  skipped: number;
  skippedBytes: number;
  manifestsPut: number;
  tagsPut: number;
  tagsKept: number;
}

/** Sums a target's plan: blobs mounted, copied and skipped (with bytes), manifests and tags written. */
export function totals(plan: TargetPlan): CopyTotals {
  const t: CopyTotals = {
    mounted: 0,
    mountedBytes: 0,
    copied: 0,
    copiedBytes: 0,
    skipped: 0,
    skippedBytes: 0,
    manifestsPut: 0,
    tagsPut: 0,
    tagsKept: 0
  };
  for (const b of plan.blobs) {
    if (b.action === 'mount') {
      t.mounted++;
      t.mountedBytes += b.size;
    } else if (b.action === 'copy') {
      t.copied++;
      t.copiedBytes += b.size;
    } else {
      t.skipped++;
      t.skippedBytes += b.size;
    }
  }
  t.manifestsPut = plan.manifests.filter(m => m.action === 'put').length;
  t.tagsPut = plan.tags.filter(x => x.action === 'put').length;
  t.tagsKept = plan.tags.length - t.tagsPut;
  return t;
}

/** A blob the registry declined to mount becomes a copy (the plan as it was carried out). */
export function withMountDeclined(plan: TargetPlan, digest: string): TargetPlan {
  return {
    ...plan,
    blobs: plan.blobs.map(b => (b.digest === digest && b.action === 'mount' ? { ...b, action: 'copy' } : b))
  };
}

/**
 * The targets of a run: one per image, each with its tags (meta's `image:tag` list), in meta's
 * order. `parse` splits an image into registry and repository path.
 */
export function targetsOf(images: string[], tags: string[], parse: (image: string) => Repo): Target[] {
  return images.map(image => ({
    image,
    ...parse(image),
    tags: tags.filter(t => t.startsWith(`${image}:`)).map(t => t.slice(image.length + 1))
  }));
}
