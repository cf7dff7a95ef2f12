/**
 * The I/O edge of a promotion: what a target holds (HEAD requests), then its plan carried out with
 * the project's registry client: blobs mounted or streamed, manifests put by digest in order, the
 * referrers tag merged where the target has no referrers API, and at last the tags.
 */
import { isDockerHub } from '../../common/reference.js';
import { blobExists } from '../../common/registry/blobs.js';
import type { RegistryClient } from '../../common/registry/client.js';
import { mountBlob, streamBlob } from '../../common/registry/copy.js';
import { drain, RegistryError, registryError } from '../../common/registry/errors.js';
import { mapLimit } from '../../common/registry/limit.js';
import { MediaType } from '../../common/registry/media.js';
import { referrersTag, withReferrer } from '../../common/registry/referrers.js';
import { listReferrers } from '../../common/registry/referrers-read.js';
import type { ImageGraph } from './graph.js';
import { type Repo, type Target, type TargetPlan, type TargetState, withMountDeclined } from './plan.js';

/** Blobs streamed across registries at once. */
const COPIES_AT_ONCE = 8;

export interface Endpoint {
  client: RegistryClient;
  repo: Repo;
}

async function manifestDigest(client: RegistryClient, repository: string, reference: string) {
  return (await client.headManifest(repository, reference))?.digest;
}

/** What the target holds of the graph, and where its tags point now. */
export async function probeTarget(
  client: RegistryClient,
  target: Target,
  graph: ImageGraph
): Promise<TargetState> {
  const { repository } = target;
  const [blobs, manifests, tags] = await Promise.all([
    mapLimit(graph.blobs, 16, b => blobExists(client, repository, b.digest)),
    mapLimit(
      graph.manifests,
      16,
      async m => (await manifestDigest(client, repository, m.digest)) === m.digest
    ),
    mapLimit(target.tags, 16, t => manifestDigest(client, repository, t))
  ]);
  return {
    blobs: new Set(graph.blobs.filter((_, i) => blobs[i]).map(b => b.digest)),
    manifests: new Set(graph.manifests.filter((_, i) => manifests[i]).map(m => m.digest)),
    tags: new Map(target.tags.map((t, i) => [t, tags[i]]))
  };
}

async function putManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  bytes: Buffer,
  type: string
) {
  const res = await client.request('PUT', repository, `manifests/${reference}`, {
    headers: { 'content-type': type },
    body: bytes
  });
  return res;
}

/** Blobs, manifests and referrers tags of one target; returns the plan as it was carried out. */
export async function pushContent(
  plan: TargetPlan,
  graph: ImageGraph,
  source: Endpoint,
  client: RegistryClient
): Promise<TargetPlan> {
  const { repository } = plan.target;
  let done = plan;
  const mounts = plan.blobs.filter(b => b.action === 'mount');
  const declined = await mapLimit(mounts, 16, async b =>
    (await mountBlob(client, repository, b.digest, source.repo.repository)) ? undefined : b.digest
  );
  for (const d of declined) if (d) done = withMountDeclined(done, d);
  const copies = done.blobs.filter(b => b.action === 'copy');
  await mapLimit(copies, COPIES_AT_ONCE, b =>
    streamBlob({ client: source.client, repository: source.repo.repository }, { client, repository }, b)
  );
  const byDigest = new Map(graph.manifests.map(m => [m.digest, m]));
  const put = async (digest: string) => {
    const m = byDigest.get(digest)!;
    const res = await putManifest(client, repository, m.digest, m.bytes, m.mediaType);
    if (!res.ok) throw await registryError(res, `PUT ${repository}@${m.digest}`);
    await drain(res);
  };
  // Image manifests that refer to nothing at once, then the indexes and referrers in order.
  const pending = plan.manifests
    .filter(step => step.action === 'put')
    .map(step => byDigest.get(step.digest)!);
  const leaf = (m: (typeof pending)[number]) => m.parsed.kind === 'image' && !m.parsed.subject;
  await mapLimit(pending.filter(leaf), 16, m => put(m.digest));
  for (const m of pending.filter(m => !leaf(m))) await put(m.digest);
  // Referrers: a registry with the referrers API lists them by their subject; any other gets the
  // `sha256-<hex>` tag with every referrer the source lists added.
  for (const [subject, listed] of graph.referrers) {
    const there = await listReferrers(client, repository, subject);
    if (there.via === 'api' && listed.every(d => there.descriptors.some(t => t.digest === d.digest)))
      continue;
    const tag = referrersTag(subject);
    const existing = await client.getManifest(repository, tag);
    let bytes = existing?.bytes;
    let changed = false;
    for (const entry of listed) {
      const next = withReferrer(bytes, entry, existing?.mediaType);
      if (!next) continue;
      bytes = next;
      changed = true;
    }
    if (changed && bytes) await client.putManifest(repository, tag, bytes, MediaType.ociIndex);
  }
  return done;
}

/** The message for a registry that refuses to point a tag at another image. */
export function tagRefusal(
  target: Target,
  tag: string,
  from: string | undefined,
  to: string,
  err: RegistryError
): string {
  const where = `${target.image}:${tag}`;
  const rule = isDockerHub(target.registry)
    ? `the repository's tag mutability setting on Docker Hub (Settings > General: "All tags are immutable", which includes latest, or "Specific tags are immutable" with a rule that matches ${tag}) keeps ${tag} where it is`
    : `the registry keeps ${tag} where it is (a tag immutability rule of the repository)`;
  return (
    `The registry refused to point ${where} at ${to}${from ? ` (it is at ${from})` : ''}: ${rule}. ` +
    `Its answer: ${err.message}. Every other registry and tag of this run is left as the run wrote it; ` +
    `add ${tag} to immutable-tags to have the step refuse before pushing anywhere, or change the rule`
  );
}

/** Points the target's tags at the graph's digest. */
export async function pushTags(plan: TargetPlan, graph: ImageGraph, client: RegistryClient): Promise<void> {
  const root = graph.manifests.find(m => m.digest === graph.digest)!;
  const { repository } = plan.target;
  for (const step of plan.tags) {
    if (step.action !== 'put') continue;
    const res = await putManifest(client, repository, step.tag, root.bytes, root.mediaType);
    if (res.ok) {
      await drain(res);
      continue;
    }
    const err = await registryError(res, `PUT ${repository}:${step.tag}`);
    const refused =
      res.status === 403 || res.status === 409 || /immutab|cannot be overwritten/i.test(err.message);
    if (refused && (step.from || isDockerHub(plan.target.registry)))
      throw new Error(tagRefusal(plan.target, step.tag, step.from, graph.digest, err), { cause: err });
    throw err;
  }
}
