/**
 * Reads what the planner asks for, and nothing else. The registry's tag list is read once; a tag
 * the package list does not show yet is resolved (it is a new push, a root); then the planner is run
 * over what has been read so far and names the manifests it still needs (`PackagePlan.needs`):
 * with `lazy`, the kept versions and what they reach that can reach further; otherwise everything.
 * Subjects of attachments that are not in the package list are probed. Any failure to read the
 * registry makes the plan fail closed.
 */
import type { RegistryClient } from '../common/registry/client.js';
import { isDigest, isIndexType, parseManifest } from '../common/registry/media.js';
import { artifactSubject } from './graph.js';
import type { ManifestRead, PackagePlan, PackageVersion, PlanInput, Presence } from './model.js';
import { planPackage } from './plan.js';
import { errorMessage } from '../common/errors.js';

async function readManifest(
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
      indexChildren: parsed.manifests.filter(m => isIndexType(m.mediaType)).map(m => m.digest),
      ...(parsed.subject ? { subject: parsed.subject.digest } : {})
    };
  } catch (err) {
    return { status: 'error', error: errorMessage(err) };
  }
}

/** One package's registry reads, each manifest read once; the tag list starts with the listing. */
export class RegistryReader {
  private readonly reads = new Map<string, Promise<ManifestRead>>();
  private tags?: Promise<string[]>;

  constructor(
    private readonly registry: RegistryClient,
    private readonly repository: string
  ) {}

  /** Starts reading the tag list without waiting for it. */
  start(): void {
    this.listTags().catch(() => undefined);
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

export interface Planned {
  versions: readonly PackageVersion[];
  plan: PackagePlan;
  /** Tag -> digest as the registry had the tags while planning. */
  registryTags: Map<string, string>;
  /** Manifests read while planning. */
  reads: number;
}

type Base = Omit<PlanInput, 'manifests' | 'registryTags' | 'outside' | 'failures'>;

/** Plans a package, reading from the registry what the plan asks for; fails closed. */
export async function planWithReads(
  reader: RegistryReader,
  registry: RegistryClient,
  repository: string,
  base: Base
): Promise<Planned> {
  const { versions } = base;
  const manifests = new Map<string, ManifestRead>();
  const registryTags = new Map<string, string>();
  const outside = new Map<string, Presence>();
  const failures: string[] = [];
  const plan = (): PackagePlan => planPackage({ ...base, manifests, registryTags, outside, failures });
  const fail = (why: string): Planned => {
    failures.push(why);
    return { versions, plan: plan(), registryTags, reads: manifests.size };
  };

  let tags: string[];
  try {
    tags = await reader.listTags();
  } catch (err) {
    return fail(`the registry's tag list could not be read (${errorMessage(err)})`);
  }
  const listed = new Map<string, string>();
  for (const v of versions) for (const t of v.tags) listed.set(t, v.digest);
  const unlisted: string[] = [];
  for (const tag of tags) {
    const digest = listed.get(tag);
    if (digest) registryTags.set(tag, digest);
    else unlisted.push(tag);
  }
  await Promise.all(
    unlisted.map(async tag => {
      try {
        const head = await registry.headManifest(repository, tag);
        if (head) registryTags.set(tag, head.digest);
      } catch (err) {
        failures.push(`tag ${tag} could not be resolved (${errorMessage(err)})`);
      }
    })
  );
  if (failures.length) return fail(failures.sort()[0]);

  const known = new Set(versions.map(v => v.digest));
  const probe = async () => {
    const subjects = new Set<string>();
    for (const v of versions) for (const t of v.tags) subjects.add(artifactSubject(t) ?? '');
    for (const read of manifests.values())
      if (read.status === 'ok' && read.subject) subjects.add(read.subject);
    const fresh = [...subjects].filter(d => d && !known.has(d) && !manifests.has(d) && !outside.has(d));
    await Promise.all(
      fresh.map(async d => {
        try {
          outside.set(d, (await registry.headManifest(repository, d)) ? 'present' : 'absent');
        } catch {
          outside.set(d, 'unknown');
        }
      })
    );
  };

  await probe();
  for (let result = plan(); ; result = plan()) {
    if (!result.needs?.length) return { versions, plan: result, registryTags, reads: manifests.size };
    const reads = await Promise.all(result.needs.map(d => reader.read(d)));
    result.needs.forEach((d, i) => manifests.set(d, reads[i]));
    await probe();
  }
}
