/** Blobs: whether a repository has one, and a monolithic upload (POST, then PUT with the digest). */
import type { RegistryClient } from './client.js';
import { drain, RegistryError, registryError } from './errors.js';
import { sha256Digest } from './media.js';

export async function blobExists(
  client: RegistryClient,
  repository: string,
  digest: string
): Promise<boolean> {
  const res = await client.request('HEAD', repository, `blobs/${digest}`);
  if (res.status === 404) return false;
  if (!res.ok) throw await registryError(res, `HEAD ${repository}@${digest}`);
  return true;
}

/** Uploads a blob unless the repository has it already; returns its digest. */
export async function pushBlob(client: RegistryClient, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256Digest(bytes);
  if (await blobExists(client, repository, digest)) return digest;
  const start = await client.request('POST', repository, 'blobs/uploads/');
  if (start.status !== 202) throw await registryError(start, `POST ${repository} blob upload`);
  await drain(start);
  const location = start.headers.get('location');
  if (!location) throw new RegistryError(`POST ${repository} blob upload: no Location`, start.status);
  const url = new URL(location, client.baseUrl);
  url.searchParams.set('digest', digest);
  const res = await client.request('PUT', repository, url.toString(), {
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes
  });
  if (res.status !== 201) throw await registryError(res, `PUT ${repository} blob ${digest}`);
  await drain(res);
  return digest;
}
