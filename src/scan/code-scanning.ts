/**
 * Uploads a SARIF log to GitHub's code scanning (`POST /repos/{owner}/{repo}/code-scanning/sarifs`,
 * gzip + base64 as the API asks). A token without `security-events: write`, or a repository where
 * code scanning is off, answers 403 or 404: the upload is then skipped with the reason.
 */
import { gzipSync } from 'node:zlib';
import { errorMessage } from '../common/errors.js';
import type { GitHub } from '../common/github.js';

export interface SarifUpload {
  owner: string;
  repo: string;
  commitSha: string;
  ref: string;
  sarif: string;
}

export type UploadOutcome = { uploaded: true; id: string; url: string } | { uploaded: false; reason: string };

/** The request body (pure). */
export function uploadBody(u: SarifUpload): {
  commit_sha: string;
  ref: string;
  sarif: string;
  tool_name: string;
} {
  return {
    commit_sha: u.commitSha,
    ref: u.ref,
    sarif: gzipSync(Buffer.from(u.sarif, 'utf8')).toString('base64'),
    tool_name: 'push-to-image'
  };
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export async function uploadSarif(octokit: GitHub, u: SarifUpload): Promise<UploadOutcome> {
  try {
    const res = await octokit.request('POST /repos/{owner}/{repo}/code-scanning/sarifs', {
      owner: u.owner,
      repo: u.repo,
      ...uploadBody(u)
    });
    return { uploaded: true, id: res.data.id ?? '', url: res.data.url ?? '' };
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404) {
      const message = errorMessage(err).split('\n')[0].slice(0, 200);
      return {
        uploaded: false,
        reason:
          status === 403
            ? `the token may not upload code scanning results (it needs security-events: write; GitHub answered 403: ${message})`
            : `code scanning is not available for ${u.owner}/${u.repo} (GitHub answered 404: ${message})`
      };
    }
    throw err;
  }
}
