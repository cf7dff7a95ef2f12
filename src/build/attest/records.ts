/**
 * A record of what was published: each pushed image declared to the runner in its `GITHUB_ARTIFACTS`
 * file (one `oci://<image>@<digest>` a line, read by later attesting steps of the job), and, for an
 * organization's repository, an artifact storage record through GitHub's artifact metadata API
 * (`POST /orgs/{org}/artifacts/metadata/storage-record`), as actions/attest does with
 * push-to-registry. A job without `artifact-metadata: write` is answered 403 or 404: skipped quietly.
 */
import { appendFileSync } from 'node:fs';
import { debug, warning } from '../../common/runner.js';
import { apiHost, parseReference } from '../../common/reference.js';
import { keepAliveFetch, type FetchLike } from '../../common/transport.js';

/** The lines of the artifacts file (pure). */
export function artifactLines(images: string[], digest: string): string {
  return images.map(image => `oci://${image}@${digest}\n`).join('');
}

/** Declares the images to the runner, where it offers the artifacts file. */
export function declareArtifacts(images: string[], digest: string, file: string): boolean {
  if (!file) return false;
  appendFileSync(file, artifactLines(images, digest));
  return true;
}

export interface StorageRecord {
  name: string;
  digest: string;
  version?: string;
  registry_url: string;
  repository: string;
  github_repository: string;
  status: 'active';
  return_records: false;
}

/** The storage record of one image (pure). */
export function storageRecord(
  image: string,
  digest: string,
  githubRepository: string,
  version: string
): StorageRecord {
  const { registry, path } = parseReference(image);
  return {
    name: image,
    digest,
    ...(version ? { version: version.slice(0, 100) } : {}),
    registry_url: `https://${apiHost(registry)}/`,
    repository: path.slice(0, 128),
    github_repository: githubRepository,
    status: 'active',
    return_records: false
  };
}

/** Whether the event's repository belongs to an organization (its payload says so). */
export function ownedByOrganization(event: { repository?: { owner?: { type?: string } } }): boolean {
  return event.repository?.owner?.type === 'Organization';
}

/** Creates a storage record per image; without the permission (403/404) nothing is said. */
export async function createStorageRecords(
  records: StorageRecord[],
  facts: { token: string; owner: string; apiUrl: string; env: NodeJS.ProcessEnv },
  fetch: FetchLike = keepAliveFetch(4, facts.env)
): Promise<number> {
  const api = facts.apiUrl;
  const url = `${api}/orgs/${encodeURIComponent(facts.owner)}/artifacts/metadata/storage-record`;
  let created = 0;
  for (const record of records) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${facts.token}`,
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28'
        },
        body: JSON.stringify(record),
        maxBytes: 1024 * 1024
      });
      await res.arrayBuffer();
      if (res.status === 403 || res.status === 404) {
        debug(`No artifact storage record (${res.status}: the job has no artifact-metadata: write)`);
        return created;
      }
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      created++;
    } catch (err) {
      warning(
        `Creating the artifact storage record of ${record.name} failed: ${err instanceof Error ? err.message : String(err)}`
      );
      return created;
    }
  }
  return created;
}
