/**
 * How much of an answer the step reads: a manifest up to the distribution spec's 4 MiB, any other
 * answer (a JSON page, a token, an error body) up to 16 MiB, and not a byte more. A larger answer is
 * an `AnswerTooLarge` error naming the endpoint; what was read of it is dropped and the connection
 * closed, so a hostile or broken server costs the step at most the limit in memory.
 */
import type { Readable } from 'node:stream';

export const MiB = 1024 * 1024;
/** The distribution spec's limit: registries need not accept, and clients need not read, larger manifests. */
export const MANIFEST_MAX_BYTES = 4 * MiB;
/**
 * Every other answer: a page of 100 package versions is about 100 KB, a tag list of 1,000 tags
 * about 50 KB, the matching-refs answer of a repository with 20,000 tags about 7 MB.
 */
export const ANSWER_MAX_BYTES = 16 * MiB;

export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
  constructor(
    /** `GET https://host/path` (no query: it may carry a token). */
    readonly endpoint: string,
    readonly limit: number
  ) {
    super(`${endpoint}: the answer is larger than ${sizeText(limit)}, more than the step reads`);
  }
}

export function sizeText(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** `METHOD origin/path` of a URL, for messages: the query is left out. */
export function endpointOf(method: string, url: string | URL): string {
  const u = new URL(url);
  return `${method.toUpperCase()} ${u.origin}${u.pathname}`;
}

/**
 * Reads a body stream up to `limit` bytes. A `content-length` above the limit is refused before a
 * byte is read; a stream that runs past it is destroyed at the first chunk over.
 */
export function readAtMost(
  stream: Readable,
  limit: number,
  endpoint: string,
  contentLength?: string | number
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(contentLength);
    if (contentLength !== undefined && contentLength !== '' && declared > limit) {
      stream.destroy();
      reject(new AnswerTooLarge(endpoint, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        chunks.length = 0;
        stream.destroy();
        reject(new AnswerTooLarge(endpoint, limit));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks, total)));
  });
}
