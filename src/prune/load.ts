/**
 * Reads what the planner needs from the registry: every version's manifest (and the children those
 * refer to), what each registry tag resolves to now, and whether subjects outside the list exist.
 * Reads can start while the version list is still arriving (`RegistryReader.prefetch`).
 */
import type { RegistryClient } from '../common/registry/client.js';
import { isDigest, parseManifest } from '../common/registry/media.js';
import { artifactSubject } from './graph.js';
import type { ManifestRead, PackageVersion, Presence } from './model.js';

export interface RegistryView {
  manifests: Map<string, ManifestRead>;
  registryTags: Map<string, string>;
  outside: Map<string, Presence>;
  /** Reads that failed other than for a manifest (a tag that would not resolve). */
  failures: string[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function readManifest(
  registry: RegistryClient,
  repository: string,
  digest: string
): Promise<ManifestRead> {
  if (!isDigest(digest)) return { status: 'error', error: `"${digest}" is not a digest` };
  try {
    const res = await registry.getManifest(repository, digest);
    if (!res) return { status: 'gone' };
    const parsed = parseManifest(res.bytes, res.mediaType);
    return {
      status: 'ok',
      kind: parsed.kind,
      children: parsed.manifests.map(m => m.digest),
      ...(parsed.subject ? { subject: parsed.subject.digest } : {})
    };
  } catch (err) {
    return { status: 'error', error: message(err) };
  }
}

/** One package's registry reads, each manifest read once. */
export class RegistryReader {
  private readonly reads = new Map<string, Promise<ManifestRead>>();
  private tags?: Promise<string[]>;

  constructor(
    private readonly registry: RegistryClient,
    private readonly repository: string
  ) {}

  /** Starts reading the tag list and these manifests without waiting for them. */
  prefetch(digests: readonly string[]): void {
    this.tags ??= this.registry.listTags(this.repository);
    this.tags.catch(() => undefined);
    for (const d of digests) this.read(d);
  }

  read(digest: string): Promise<ManifestRead> {
    let read = this.reads.get(digest);
    if (!read) {
      read = readManifest(this.registry, this.repository, digest);
      this.reads.set(digest, read);
    }
    return read;
  }

  listTags(): Promise<string[]> {
    this.tags ??= this.registry.listTags(this.repository);
    return this.tags;
  }
}

export async function loadRegistryView(
  reader: RegistryReader,
  registry: RegistryClient,
  repository: string,
  versions: readonly PackageVersion[]
): Promise<RegistryView> {
  const manifests = new Map<string, ManifestRead>();
  const readAll = async (digests: string[]) => {
    const fresh = [...new Set(digests)].filter(d => !manifests.has(d));
    const reads = await Promise.all(fresh.map(d => reader.read(d)));
    fresh.forEach((d, i) => manifests.set(d, reads[i]));
    return fresh;
  };

  const [tags] = await Promise.all([reader.listTags(), readAll(versions.map(v => v.digest))]);
  const registryTags = new Map<string, string>();
  const failures: string[] = [];
  await Promise.all(
    tags.map(async tag => {
      try {
        const head = await registry.headManifest(repository, tag);
        if (head) registryTags.set(tag, head.digest);
      } catch (err) {
        failures.push(`tag ${tag} could not be resolved (${message(err)})`);
      }
    })
  );

  await readAll([...registryTags.values()]);
  let next = [...manifests.keys()];
  while (next.length) {
    const children = next.flatMap(d => {
      const read = manifests.get(d);
      return read?.status === 'ok' ? read.children : [];
    });
    next = await readAll(children);
  }

  const subjects = new Set<string>();
  for (const read of manifests.values()) if (read.status === 'ok' && read.subject) subjects.add(read.subject);
  for (const v of versions) for (const t of v.tags) subjects.add(artifactSubject(t) ?? '');
  const unknown = [...subjects].filter(d => d && !manifests.has(d));
  const outside = new Map<string, Presence>();
  const probes = await Promise.all(
    unknown.map(async (d): Promise<Presence> => {
      try {
        return (await registry.headManifest(repository, d)) ? 'present' : 'absent';
      } catch {
        return 'unknown';
      }
    })
  );
  unknown.forEach((d, i) => outside.set(d, probes[i]));
  return { manifests, registryTags, outside, failures: failures.sort() };
}
