/**
 * Blobs from one repository to another without holding them: inside one registry a cross-repository
 * mount (`POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>`, nothing uploaded), across
 * registries a GET streamed into a monolithic upload (POST, then PUT with the digest). Each registry
 * gets only its own credentials: the source and target are two clients.
 */
import { Readable, Transform } from 'node:stream';
import { createHash } from 'node:crypto';
import type { RegistryClient } from './client.js';
import { drain, RegistryError, registryError } from './errors.js';

/** How long one blob may take to stream through (the API calls keep the client's own limit). */
export const BLOB_STREAM_TIMEOUT_MS = 30 * 60_000;

/**
 * Mounts `digest` from `from` into `repository` (same registry). True when mounted (201); false when
 * the registry declined and opened an upload instead (202), which is cancelled.
 */
export async function mountBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  from: string
): Promise<boolean> {
  const query = `blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const res = await client.request('POST', repository, query);
  await drain(res);
  if (res.status === 201) return true;
  if (res.status === 202) {
    const location = res.headers.get('location');
    if (location) {
      const cancel = await client.request('DELETE', repository, new URL(location, client.baseUrl).toString());
      await drain(cancel);
    }
    return false;
  }
  throw await registryError(res, `POST ${repository} mount of ${digest} from ${from}`);
}

/** Passes bytes through and checks their count and SHA-256 against the descriptor at the end. */
function verifying(digest: string, size: number): Transform {
  const hash = digest.startsWith('sha256:') ? createHash('sha256') : undefined;
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      hash?.update(chunk);
      if (seen > size) done(new Error(`blob ${digest} is larger than its ${size} bytes`));
      else done(null, chunk);
    },
    flush(done) {
      if (seen !== size) return done(new Error(`blob ${digest} has ${seen} bytes, not ${size}`));
      if (hash && `sha256:${hash.digest('hex')}` !== digest)
        return done(new Error(`blob ${digest} has other content than its digest`));
      done();
    }
  });
}

/** Streams one blob from `source` to `target`: nothing of it is held in memory beyond a chunk. */
export async function streamBlob(
  source: { client: RegistryClient; repository: string },
  target: { client: RegistryClient; repository: string },
  blob: { digest: string; size: number }
): Promise<void> {
  const { repository } = target;
  // The upload session first: its push token is fetched before a byte is read.
  const start = await target.client.request('POST', repository, 'blobs/uploads/');
  if (start.status !== 202) throw await registryError(start, `POST ${repository} blob upload`);
  await drain(start);
  const location = start.headers.get('location');
  if (!location) throw new RegistryError(`POST ${repository} blob upload: no Location`, start.status);
  const get = await source.client.request('GET', source.repository, `blobs/${blob.digest}`, {
    stream: true,
    timeoutMs: BLOB_STREAM_TIMEOUT_MS
  });
  if (get.status !== 200 || !get.body)
    throw await registryError(get, `GET ${source.repository}@${blob.digest}`);
  const body = Readable.fromWeb(get.body as import('node:stream/web').ReadableStream).pipe(
    verifying(blob.digest, blob.size)
  );
  const url = new URL(location, target.client.baseUrl);
  url.searchParams.set('digest', blob.digest);
  const put = await target.client.request('PUT', repository, url.toString(), {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body,
    timeoutMs: BLOB_STREAM_TIMEOUT_MS
  });
  if (put.status !== 201) throw await registryError(put, `PUT ${repository} blob ${blob.digest}`);
  await drain(put);
}
