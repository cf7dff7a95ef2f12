/**
 * Merge mode: finds this run's platform images by their handoff tags and creates one index per
 * image repository with every tag and the index annotations.
 */
import { exec, ExecError } from '../common/exec.js';
import { info } from '../common/runner.js';
import { handoffTag } from './handoff.js';
import { mergeArgs } from './merge-args.js';

export interface MergeRequest {
  images: string[];
  /** Full tags from meta (`image:tag`). */
  tags: string[];
  platforms: string[];
  runId: string;
  annotations: string[];
}

export interface MergeResult {
  digest: string;
  /** Per image: the platform image each handoff tag pointed to. */
  sources: Record<string, string[]>;
}

type Run = typeof exec;

/** The digest a reference resolves to, or undefined when the registry has no such tag. */
export async function resolveDigest(ref: string, run: Run = exec): Promise<string | undefined> {
  const result = await run(
    'docker',
    ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Manifest}}'],
    {
      allowFailure: true
    }
  );
  if (result.code !== 0) {
    if (/not found|manifest unknown|404/i.test(result.stderr)) return undefined;
    throw new ExecError(`Reading ${ref} failed: ${result.stderr.trim().split('\n').at(-1)}`, result);
  }
  return (JSON.parse(result.stdout) as { digest: string }).digest;
}

export async function runMerge(req: MergeRequest, run: Run = exec): Promise<MergeResult> {
  const sources: Record<string, string[]> = {};
  for (const image of req.images) {
    sources[image] = [];
    for (const platform of req.platforms) {
      const tag = handoffTag(req.runId, platform);
      const digest = await resolveDigest(`${image}:${tag}`, run);
      if (!digest) {
        throw new Error(
          `No ${platform} image of this run in ${image} (tag ${tag}): did the "mode: platform" job for ${platform} succeed and push to ${image}?`
        );
      }
      sources[image].push(`${image}@${digest}`);
    }
  }
  const digests = new Set<string>();
  for (const image of req.images) {
    const tags = req.tags.filter(t => t.startsWith(`${image}:`));
    if (tags.length === 0) throw new Error(`No tags for ${image}: nothing to merge into`);
    info(`Creating the index ${tags.join(', ')} from ${sources[image].join(', ')}`);
    await run('docker', mergeArgs({ tags, sources: sources[image], annotations: req.annotations }), {
      stream: true
    });
    const digest = await resolveDigest(tags[0], run);
    if (!digest) throw new Error(`The index ${tags[0]} was created but cannot be read back`);
    digests.add(digest);
  }
  if (digests.size > 1) {
    throw new Error(`The registries hold different indexes for the same build: ${[...digests].join(', ')}`);
  }
  return { digest: [...digests][0], sources };
}
