/**
 * Scaled-out builds hand each platform's image to the merge job through the registry itself: a
 * platform job pushes its image under a run-scoped handoff tag (never a release tag, so racing jobs
 * cannot leave a single-arch `latest`), and the merge job finds it by that tag in the same run.
 */
import { InputError } from '../common/runner.js';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** `linux/arm64/v8` -> `linux-arm64-v8`. */
export function platformSlug(platform: string): string {
  if (!PLATFORM.test(platform)) {
    throw new InputError(
      `Input "platforms" has an invalid platform "${platform}": expected os/arch[/variant]`,
      ['platforms']
    );
  }
  return platform.replace(/\//g, '-');
}

/** The tag a platform job pushes and the merge job reads, unique to the workflow run. */
export function handoffTag(runId: string, platform: string): string {
  if (!/^\d+$/.test(runId)) throw new Error(`GITHUB_RUN_ID must be a number, got "${runId}"`);
  return `handoff-${runId}-${platformSlug(platform)}`;
}

/** Each image's handoff reference for a platform: `ghcr.io/o/r:handoff-123-linux-amd64`. */
export function handoffRefs(images: string[], runId: string, platform: string): string[] {
  const tag = handoffTag(runId, platform);
  return images.map(image => `${image}:${tag}`);
}
