/**
 * Everything an image is made of, read from its registry: the index (or image manifest), its
 * platform and attestation manifests, their blobs, and every referrer of any of them, whatever its
 * artifact type (signatures, SBOMs, attestations, and referrers of those), found through the
 * referrers API or the `sha256-<hex>` tag. Manifests come in an order a target accepts them in:
 * an index after its entries, a referrer after its subject.
 */
import type { RegistryClient } from '../../common/registry/client.js';
import { type Descriptor, type ParsedManifest, parseManifest } from '../../common/registry/media.js';
import { listReferrers } from '../../common/registry/referrers-read.js';

/** At most this many manifests in one image's graph (a bound on what a hostile registry can list). */
export const GRAPH_MAX_MANIFESTS = 2000;

export interface GraphManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  parsed: ParsedManifest;
  /** The manifest it refers to, for a referrer. */
  subject?: string;
}

export interface ImageGraph {
  digest: string;
  /** In push order. */
  manifests: GraphManifest[];
  /** Every blob of every manifest, once. */
  blobs: Descriptor[];
  /** Each subject's referrers, as the source lists them. */
  referrers: Map<string, Descriptor[]>;
}

/**
 * Push order (pure): each manifest after the manifests it lists and after its subject, otherwise
 * in the order they were found from the root.
 */
export function pushOrder(
  root: string,
  found: ReadonlyMap<string, GraphManifest>,
  referrers: ReadonlyMap<string, Descriptor[]>
): GraphManifest[] {
  const order: GraphManifest[] = [];
  const placed = new Set<string>();
  const place = (d: string): void => {
    const m = found.get(d);
    if (!m || placed.has(d)) return;
    placed.add(d);
    for (const child of m.parsed.manifests) place(child.digest);
    order.push(m);
    for (const r of referrers.get(d) ?? []) place(r.digest);
  };
  place(root);
  return order;
}

/** Reads the graph, the manifests of each level at once. */
export async function readGraph(
  client: RegistryClient,
  repository: string,
  digest: string
): Promise<ImageGraph> {
  const found = new Map<string, GraphManifest>();
  const referrers = new Map<string, Descriptor[]>();
  const seen = new Set<string>();
  const visit = async (d: string, subject?: string): Promise<void> => {
    if (seen.has(d)) return;
    seen.add(d);
    if (seen.size > GRAPH_MAX_MANIFESTS)
      throw new Error(`${repository}@${digest} refers to more than ${GRAPH_MAX_MANIFESTS} manifests`);
    const [manifest, listed] = await Promise.all([
      client.getManifest(repository, d),
      listReferrers(client, repository, d)
    ]);
    if (!manifest) throw new Error(`${repository}@${d} is listed but not in the registry`);
    const parsed = parseManifest(manifest.bytes, manifest.mediaType);
    found.set(d, {
      digest: d,
      mediaType: parsed.mediaType || manifest.mediaType,
      bytes: manifest.bytes,
      parsed,
      ...(subject ? { subject } : {})
    });
    if (listed.descriptors.length > 0) referrers.set(d, listed.descriptors);
    await Promise.all([
      ...parsed.manifests.map(child => visit(child.digest)),
      ...listed.descriptors.map(r => visit(r.digest, d))
    ]);
  };
  await visit(digest);
  const manifests = pushOrder(digest, found, referrers);
  const blobs = new Map<string, Descriptor>();
  for (const m of manifests) for (const b of m.parsed.blobs) if (!blobs.has(b.digest)) blobs.set(b.digest, b);
  return { digest, manifests, blobs: [...blobs.values()], referrers };
}
