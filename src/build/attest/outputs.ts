/** What was signed, as outputs (empty when nothing was) and job summary. */
import { appendSummary, setOutput } from '../../common/runner.js';
import { sbomFiles } from './sbom-sign.js';
import type { Published } from './publish.js';
import { attestationSummary } from './summary.js';
import { publishedSummary } from './published-summary.js';

export function writeAttestOutputs(p: Published | undefined): void {
  const a = p?.provenance;
  setOutput('attestation-id', a?.id ?? '');
  setOutput('attestation-url', a?.url ?? '');
  setOutput('attestation-bundle', a?.bundlePath ?? '');
  setOutput('signature-bundle', p?.signature?.bundlePath ?? '');
  setOutput('sbom-files', p?.sboms.length ? JSON.stringify(sbomFiles(p.sboms)) : '');
  setOutput('verify-commands', p?.commands.join('\n') ?? '');
  if (!p) return;
  if (a) {
    appendSummary(
      attestationSummary({
        id: a.id,
        url: a.url,
        images: a.images,
        digest: a.digest,
        owner: p.owner,
        instance: a.endpoints.instance,
        bundlePath: a.bundlePath,
        signer: p.signer,
        ...(a.notStored ? { notStored: a.notStored } : {})
      })
    );
  }
  appendSummary(publishedSummary(p));
}
