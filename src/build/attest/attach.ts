/**
 * A Sigstore bundle attached to an image as cosign 3 attaches one with its new bundle format: an
 * OCI artifact (artifactType the bundle's media type) whose `subject` is the signed manifest, with
 * the bundle's content and predicate type as annotations. Through the project's own registry
 * client, with the credentials the Docker config holds for each registry.
 */
import { parseReference } from '../../common/reference.js';
import { RegistryClient } from '../../common/registry/client.js';
import { dockerConfigCredentials } from '../../common/registry/credentials.js';
import { attachArtifact } from '../../common/registry/referrers.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

/** A registry client for an image (registry/repository) and the repository path inside it. */
export function imageClient(image: string, env: NodeJS.ProcessEnv): { client: RegistryClient; path: string } {
  const { registry, path } = parseReference(image);
  const client = new RegistryClient({
    registry,
    credentials: dockerConfigCredentials(registry, env),
    concurrency: 4,
    timeoutMs: 30_000
  });
  return { client, path };
}

/** The artifact's annotations (pure). */
export function bundleAnnotations(predicateType: string): Record<string, string> {
  return { 'dev.sigstore.bundle.content': 'dsse-envelope', [PREDICATE_ANNOTATION]: predicateType };
}

/**
 * Attaches to one subject, one at a time: without the referrers API each attach rewrites the
 * subject's `sha256-<hex>` index (read, add, write), so two at once would lose one.
 */
const queues = new Map<string, Promise<unknown>>();

/** Attaches the bundle to `image@digest`. */
export function attachBundle(
  image: string,
  digest: string,
  bundle: Buffer,
  predicateType: string,
  env: NodeJS.ProcessEnv
): Promise<void> {
  const key = `${image}@${digest}`;
  const next = (queues.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => attachOne(image, digest, bundle, predicateType, env));
  queues.set(key, next);
  return next;
}

async function attachOne(
  image: string,
  digest: string,
  bundle: Buffer,
  predicateType: string,
  env: NodeJS.ProcessEnv
): Promise<void> {
  const { client, path } = imageClient(image, env);
  await attachArtifact(client, {
    repository: path,
    subject: digest,
    bytes: bundle,
    artifactType: BUNDLE_MEDIA_TYPE,
    annotations: bundleAnnotations(predicateType)
  });
}
