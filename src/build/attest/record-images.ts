/** Records what was pushed: the runner's artifacts file, and GitHub's storage records for organizations. */
import { readFileSync } from 'node:fs';
import { info } from '../../common/runner.js';
import { createStorageRecords, declareArtifacts, ownedByOrganization, storageRecord } from './records.js';

function event(env: NodeJS.ProcessEnv): {
  repository?: { name?: string; owner?: { type?: string; login?: string } };
} {
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'));
  } catch {
    return {};
  }
}

export async function recordPublished(
  images: string[],
  digest: string,
  facts: { token: string; trusted: boolean; env: NodeJS.ProcessEnv }
): Promise<void> {
  const env = facts.env;
  if (declareArtifacts(images, digest, env)) info(`Declared ${images.length} pushed images to the runner`);
  const payload = event(env);
  // A record says the organization published the image: only for the repository's own code.
  if (!facts.trusted || !facts.token || !ownedByOrganization(payload)) return;
  const [owner, name] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !name) return;
  const version = env.GITHUB_REF_TYPE === 'tag' ? (env.GITHUB_REF_NAME ?? '') : '';
  const records = images.map(image => storageRecord(image, digest, name, version));
  const created = await createStorageRecords(records, { token: facts.token, owner, env });
  if (created) info(`Created ${created} artifact storage records`);
}
