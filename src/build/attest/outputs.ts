/** The attestation's outputs (empty when nothing was attested) and job summary. */
import { readFileSync } from 'node:fs';
import { appendSummary, setOutput } from '../../common/runner.js';
import type { Attestation } from './sign.js';
import { attestationSummary, bundleSigner, type Signer } from './summary.js';

/** The signer recorded in the bundle this step wrote; undefined when it cannot be read. */
function signerFrom(bundlePath: string): Signer | undefined {
  try {
    return bundleSigner(JSON.parse(readFileSync(bundlePath, 'utf8')));
  } catch {
    return undefined;
  }
}

export function writeAttestOutputs(a: Attestation | undefined, opts: { summary?: boolean } = {}): void {
  setOutput('attestation-id', a?.id ?? '');
  setOutput('attestation-url', a?.url ?? '');
  setOutput('attestation-bundle', a?.bundlePath ?? '');
  if (a && opts.summary !== false) {
    appendSummary(
      attestationSummary({
        id: a.id,
        url: a.url,
        images: a.images,
        digest: a.digest,
        owner: process.env.GITHUB_REPOSITORY_OWNER ?? '',
        instance: a.endpoints.instance,
        bundlePath: a.bundlePath,
        signer: signerFrom(a.bundlePath),
        ...(a.notStored ? { notStored: a.notStored } : {})
      })
    );
  }
}
