/**
 * Carries out a package's plan: deletions in plan order (a version only after everything that refers
 * to it is gone), paced, within `max-deletions` and the API budget; then tag removals; and, when
 * verification fails, the restore of what was deleted.
 */
import type { RateLimit } from '../common/github.js';
import { pushBlob } from '../common/registry/blobs.js';
import type { RegistryClient } from '../common/registry/client.js';
import { isIndexType, parseManifest } from '../common/registry/media.js';
import type { PackagePlan, PlannedDeletion, VersionRecord } from './model.js';
import { DeleteError, type OwnerScope, type PackagesApi } from './packages-api.js';
import type { Pacer } from './pacer.js';
import { placeholderManifest } from './placeholder.js';
import { shortDigest } from './plan.js';
import { errorMessage } from '../common/errors.js';

export interface ExecContext {
  api: PackagesApi;
  scope: OwnerScope;
  pkg: string;
  repository: string;
  registry: RegistryClient;
  pacer: Pacer;
  rate: RateLimit;
  /** Deletions still allowed in this run (max-deletions), shared by all packages. */
  allowance: { left: number };
  warn: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface DeletedVersion extends VersionRecord {
  /** `gone`: the API answered 404, the version was already deleted. */
  outcome: 'deleted' | 'gone';
}

export interface PackageOutcome {
  deleted: DeletedVersion[];
  skipped: { deletion: PlannedDeletion; why: string }[];
  backlog: PlannedDeletion[];
  tagsRemoved: VersionRecord[];
  /** The placeholder version deleted to remove tags. */
  placeholder?: DeletedVersion;
  stop?: { kind: 'budget' | 'max-deletions' | 'error'; message: string };
}

/** Requests kept in hand beyond a restore of everything deleted so far. */
export const RESERVE = 3;

/** Whether the API budget covers one more deletion and a restore of all deletions in this package. */
export function budgetAllows(rate: RateLimit, deletedInPackage: number, requests = 1): boolean {
  if (rate.remaining === undefined) return true;
  return rate.remaining >= requests + deletedInPackage + requests + RESERVE;
}

function stopFor(kind: 'budget' | 'max-deletions', rate: RateLimit): { kind: typeof kind; message: string } {
  if (kind === 'max-deletions') return { kind, message: 'max-deletions reached' };
  const reset = rate.reset ? ` (it resets at ${new Date(rate.reset * 1000).toISOString()})` : '';
  return { kind, message: `API budget running short: ${rate.remaining ?? 0} requests left${reset}` };
}

export async function executePlan(plan: PackagePlan, ctx: ExecContext): Promise<PackageOutcome> {
  const out: PackageOutcome = { deleted: [], skipped: [], backlog: [], tagsRemoved: [] };
  const done = new Set<string>();
  /** Parts of an image GitHub refused to delete, with why they stay. */
  const held = new Map<string, string>();
  for (const deletion of plan.deletions) {
    const blocker = deletion.after.find(d => !done.has(d));
    if (out.stop) {
      out.backlog.push(deletion);
    } else if (held.has(deletion.digest)) {
      out.skipped.push({ deletion, why: held.get(deletion.digest)! });
    } else if (blocker) {
      out.skipped.push({ deletion, why: `${shortDigest(blocker)} refers to it and stays` });
    } else if (ctx.allowance.left <= 0 || !budgetAllows(ctx.rate, out.deleted.length)) {
      out.stop = stopFor(ctx.allowance.left <= 0 ? 'max-deletions' : 'budget', ctx.rate);
      out.backlog.push(deletion);
    } else {
      await ctx.pacer.take();
      try {
        const outcome = await ctx.api.deleteVersion(ctx.scope, ctx.pkg, deletion.id);
        const { id, digest, tags, reason } = deletion;
        out.deleted.push({ id, digest, tags, reason, outcome });
        done.add(deletion.digest);
        ctx.allowance.left--;
      } catch (err) {
        const e = err instanceof DeleteError ? err : new DeleteError(String(err), 'failed', 0);
        if (e.kind === 'refused') {
          ctx.warn(
            `Version ${deletion.id} (${shortDigest(deletion.digest)}) of ${ctx.pkg} is kept: GitHub refused to delete it (${e.reason})`
          );
          out.skipped.push({ deletion, why: `GitHub refused to delete it: ${e.reason}` });
          const problem = await holdParts(deletion.digest, ctx, out, held);
          if (problem) out.stop = { kind: 'error', message: problem };
        } else {
          out.stop =
            e.kind === 'budget'
              ? { kind: 'budget', message: e.message }
              : { kind: 'error', message: e.message };
          out.backlog.push(deletion);
        }
      }
    }
  }
  if (!out.stop && plan.tagRemovals.length) await removeTags(plan.tagRemovals, ctx, out);
  return out;
}

/** Every manifest an image uses (index children at any depth); undefined when it cannot be read. */
async function partsOf(ctx: ExecContext, digest: string): Promise<string[] | undefined> {
  const parts: string[] = [];
  try {
    for (let queue = [digest]; queue.length;) {
      const next: string[] = [];
      for (const d of queue) {
        const res = await ctx.registry.getManifest(ctx.repository, d);
        if (!res) continue;
        for (const child of parseManifest(res.bytes, res.mediaType).manifests) {
          if (parts.includes(child.digest)) continue;
          parts.push(child.digest);
          if (isIndexType(child.mediaType)) next.push(child.digest);
        }
      }
      queue = next;
    }
  } catch {
    return undefined;
  }
  return parts;
}

/**
 * GitHub refused to delete an image, so it stays, whole: its parts planned for deletion are kept, and
 * any already deleted (its manifest was not read when planning) are restored. Returns a problem that
 * must stop the run.
 */
async function holdParts(
  digest: string,
  ctx: ExecContext,
  out: PackageOutcome,
  held: Map<string, string>
): Promise<string | undefined> {
  const parts = await partsOf(ctx, digest);
  if (!parts)
    return `${shortDigest(digest)}, which GitHub refused to delete, could not be read to keep its parts`;
  const why = `part of ${shortDigest(digest)}, which GitHub refused to delete`;
  for (const part of parts) {
    held.set(part, why);
    const at = out.deleted.findIndex(d => d.digest === part && d.outcome === 'deleted');
    if (at < 0) continue;
    const [version] = out.deleted.splice(at, 1);
    await ctx.pacer.take();
    try {
      await ctx.api.restoreVersion(ctx.scope, ctx.pkg, version.id);
    } catch (err) {
      return `restoring version ${version.id} (${shortDigest(part)}), ${why}, failed: ${errorMessage(err)}`;
    }
    ctx.allowance.left++;
    const { id, tags, reason } = version;
    out.skipped.push({ deletion: { id, digest: part, tags, reason, after: [] }, why: `${why}; restored` });
  }
  return undefined;
}

async function findVersion(ctx: ExecContext, digest: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt) await ctx.sleep(1000 * attempt);
    const found = (await ctx.api.newestVersions(ctx.scope, ctx.pkg)).find(v => v.digest === digest);
    if (found) return found.id;
  }
  return undefined;
}

/** Moves the tags onto one placeholder manifest, then deletes the placeholder's version. */
async function removeTags(removals: VersionRecord[], ctx: ExecContext, out: PackageOutcome): Promise<void> {
  if (ctx.allowance.left <= 0 || !budgetAllows(ctx.rate, out.deleted.length, 2)) {
    out.stop = stopFor(ctx.allowance.left <= 0 ? 'max-deletions' : 'budget', ctx.rate);
    return;
  }
  const placeholder = placeholderManifest(new Date(ctx.now()).toISOString());
  const moved: { removal: VersionRecord; tags: string[] }[] = [];
  try {
    await pushBlob(ctx.registry, ctx.repository, placeholder.config);
    for (const removal of removals) {
      const tags: string[] = [];
      for (const tag of removal.tags) {
        const head = await ctx.registry.headManifest(ctx.repository, tag);
        if (head?.digest !== removal.digest) {
          ctx.warn(`Tag ${tag} of ${ctx.pkg} moved since planning; it is left alone`);
          continue;
        }
        await ctx.registry.putManifest(ctx.repository, tag, placeholder.manifest, placeholder.mediaType);
        tags.push(tag);
      }
      if (tags.length) moved.push({ removal, tags });
    }
  } catch (err) {
    out.stop = { kind: 'error', message: `moving tags to a placeholder failed: ${errorMessage(err)}` };
  }
  if (moved.length === 0) return;
  out.tagsRemoved = moved.map(m => ({ ...m.removal, tags: m.tags }));
  const id = await findVersion(ctx, placeholder.digest);
  if (id === undefined) {
    ctx.warn(
      `The placeholder ${shortDigest(placeholder.digest)} of ${ctx.pkg} is not listed yet; the next run deletes it`
    );
    return;
  }
  await ctx.pacer.take();
  const tags = moved.flatMap(m => m.tags);
  const reason = 'placeholder that took the removed tags';
  try {
    const outcome = await ctx.api.deleteVersion(ctx.scope, ctx.pkg, id);
    out.placeholder = { id, digest: placeholder.digest, tags, reason, outcome };
    ctx.allowance.left--;
  } catch (err) {
    ctx.warn(`Deleting the placeholder version ${id} of ${ctx.pkg} failed: ${errorMessage(err)}`);
  }
}

/** Restores deleted versions, children first (the reverse of deletion order); returns the failures. */
export async function restoreDeleted(
  deleted: readonly DeletedVersion[],
  ctx: ExecContext
): Promise<string[]> {
  const errors: string[] = [];
  for (const v of [...deleted].reverse()) {
    if (v.outcome !== 'deleted') continue;
    await ctx.pacer.take();
    try {
      await ctx.api.restoreVersion(ctx.scope, ctx.pkg, v.id);
    } catch (err) {
      errors.push(`version ${v.id} (${shortDigest(v.digest)}): ${errorMessage(err)}`);
    }
  }
  return errors;
}
