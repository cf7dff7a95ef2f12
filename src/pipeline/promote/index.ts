/**
 * mode: promote. One image, already built and tested, published under this run's tags in every
 * registry without a build: the source resolved to one digest, its whole graph read once, every
 * target probed, and only then anything pushed: first the content everywhere (blobs mounted inside
 * a registry, streamed across registries, manifests by digest, referrers), the tags last.
 */
import { parseReference } from '../../common/reference.js';
import { RegistryClient } from '../../common/registry/client.js';
import { dockerConfigCredentials } from '../../common/registry/credentials.js';
import { parseManifest } from '../../common/registry/media.js';
import { info } from '../../common/runner.js';
import { probeTarget, pushContent, pushTags } from './apply.js';
import { readGraph, type ImageGraph } from './graph.js';
import { planTarget, targetsOf, totals, type Repo, type Target, type TargetPlan } from './plan.js';
import { missingSource, sourceProblem, type SourceChoice } from './source.js';
import { bytesText } from './summary.js';

export interface PromoteRequest {
  /** Meta's images and full tags (`image:tag`). */
  images: string[];
  tags: string[];
  env: NodeJS.ProcessEnv;
}

export interface PromoteResult {
  digest: string;
  plans: TargetPlan[];
}

/** One client per registry, each with only its own credentials from the Docker config. */
export function clientsFor(env: NodeJS.ProcessEnv): (registry: string) => RegistryClient {
  const clients = new Map<string, RegistryClient>();
  return registry => {
    let client = clients.get(registry);
    if (!client) {
      client = new RegistryClient({ registry, credentials: dockerConfigCredentials(registry, env) });
      clients.set(registry, client);
    }
    return client;
  };
}

export const repoOf = (image: string): Repo => {
  const ref = parseReference(image, 'images');
  return { registry: ref.registry, repository: ref.path };
};

export interface ResolvedSource {
  repo: Repo;
  digest: string;
  graph: ImageGraph;
}

/** Resolves the source to one digest, checks it is an image for `platforms`, reads its graph. */
export async function resolveSource(
  choice: SourceChoice,
  platforms: string[],
  client: (registry: string) => RegistryClient
): Promise<ResolvedSource> {
  const repo = { registry: choice.ref.registry, repository: choice.ref.path };
  const c = client(repo.registry);
  const found = await c.getManifest(repo.repository, choice.ref.digest ?? choice.ref.tag!);
  if (!found) throw missingSource(choice);
  let parsed;
  try {
    parsed = parseManifest(found.bytes, found.mediaType);
  } catch (err) {
    throw new Error(`Input "source": ${choice.text} names no image: ${(err as Error).message}`, {
      cause: err
    });
  }
  const problem = sourceProblem(choice.text, found.digest, parsed, platforms);
  if (problem) throw new Error(`Input "source": ${problem}`);
  const graph = await readGraph(c, repo.repository, found.digest);
  const bytes = graph.blobs.reduce((sum, b) => sum + b.size, 0);
  const referrers = [...graph.referrers.values()].reduce((n, list) => n + list.length, 0);
  info(
    `Source ${choice.text} is ${found.digest}: ${graph.manifests.length} manifests (${referrers} of them referrers), ` +
      `${graph.blobs.length} blobs (${bytesText(bytes)})`
  );
  return { repo, digest: found.digest, graph };
}

/** Targets and what each holds; nothing is pushed yet. */
export async function planPromotion(
  source: ResolvedSource,
  req: PromoteRequest,
  client: (registry: string) => RegistryClient
): Promise<TargetPlan[]> {
  const targets: Target[] = targetsOf(req.images, req.tags, repoOf).filter(t => t.tags.length > 0);
  return Promise.all(
    targets.map(async t =>
      planTarget(source.graph, source.repo, t, await probeTarget(client(t.registry), t, source.graph))
    )
  );
}

/** Carries the plans out: content in every registry first, then the tags. */
export async function runPromotion(
  source: ResolvedSource,
  plans: TargetPlan[],
  client: (registry: string) => RegistryClient
): Promise<PromoteResult> {
  const endpoint = { client: client(source.repo.registry), repo: source.repo };
  const done = await Promise.all(
    plans.map(p => pushContent(p, source.graph, endpoint, client(p.target.registry)))
  );
  for (const p of done) {
    const t = totals(p);
    info(
      `${p.target.image}: ${t.mounted} blobs mounted (${bytesText(t.mountedBytes)}), ${t.copied} copied (${bytesText(t.copiedBytes)}), ` +
        `${t.skipped} already there, ${t.manifestsPut} manifests written`
    );
  }
  await Promise.all(done.map(p => pushTags(p, source.graph, client(p.target.registry))));
  for (const p of done) {
    const put = p.tags.filter(x => x.action === 'put').map(x => x.tag);
    const kept = p.tags.filter(x => x.action === 'keep').map(x => x.tag);
    info(
      `${p.target.image}: ${put.length ? `tagged ${put.join(', ')}` : 'no tag written'}${kept.length ? `; already there: ${kept.join(', ')}` : ''}`
    );
  }
  return { digest: source.digest, plans: done };
}
