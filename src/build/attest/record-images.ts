/** Records what was pushed: the runner's artifacts file, and GitHub's storage records for organizations. */
import type { RunContext } from '../../common/run-context.js';
import { info } from '../../common/runner.js';
import { createStorageRecords, declareArtifacts, ownedByOrganization, storageRecord } from './records.js';

/** The release a tag names (`refs/tags/v1.2.3` → `v1.2.3`), '' for any other ref. */
function tagVersion(ref: string): string {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : '';
}

export async function recordPublished(
  images: string[],
  digest: string,
  facts: { token: string; trusted: boolean; ctx: RunContext; env: NodeJS.ProcessEnv }
): Promise<void> {
  const { ctx } = facts;
  if (declareArtifacts(images, digest, ctx.files.artifacts))
    info(`Declared ${images.length} pushed images to the runner`);
  // A record says the organization published the image: only for the repository's own code.
  if (!facts.trusted || !facts.token || !ownedByOrganization(ctx.payload)) return;
  if (!ctx.owner || !ctx.repo) return;
  const records = images.map(image => storageRecord(image, digest, ctx.repo, tagVersion(ctx.ref)));
  const created = await createStorageRecords(records, {
    token: facts.token,
    owner: ctx.owner,
    apiUrl: ctx.apiUrl,
    env: facts.env
  });
  if (created) info(`Created ${created} artifact storage records`);
}
