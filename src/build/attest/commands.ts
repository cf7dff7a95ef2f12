/**
 * The commands that verify what the step published, pinned to the signer: `cosign verify` of the
 * signature on the index, `cosign verify-attestation` of the provenance (index) and of each SBOM
 * (platform manifest), `gh attestation verify` of the provenance and each SBOM (pure).
 */
import { signerWorkflow, type Signer } from './summary.js';

export interface Published {
  images: string[];
  /** The index digest. */
  digest: string;
  owner: string;
  /** GitHub's instance: timestamps instead of a transparency log. */
  instance: 'public-good' | 'github';
  signed: boolean;
  provenance: boolean;
  sboms: { platform: string; digest: string }[];
}

function identityFlags(signer: Signer, instance: Published['instance']): string {
  const timestamps = instance === 'github' ? ' --use-signed-timestamps --insecure-ignore-tlog' : '';
  return `--certificate-identity ${signer.identity} --certificate-oidc-issuer ${signer.issuer}${timestamps}`;
}

export function verifyCommands(p: Published, signer: Signer): string[] {
  const pin = identityFlags(signer, p.instance);
  const gh = (ref: string, type: string) =>
    `gh attestation verify oci://${ref} --owner ${p.owner} --signer-workflow ${signerWorkflow(signer.identity)} --predicate-type ${type}`;
  const commands: string[] = [];
  for (const image of p.images) {
    const index = `${image}@${p.digest}`;
    if (p.signed) commands.push(`cosign verify ${pin} ${index}`);
    if (p.provenance) {
      commands.push(`cosign verify-attestation --type https://slsa.dev/provenance/v1 ${pin} ${index}`);
      commands.push(gh(index, 'https://slsa.dev/provenance/v1'));
    }
    for (const sbom of p.sboms) {
      const ref = `${image}@${sbom.digest}`;
      commands.push(`cosign verify-attestation --type spdxjson ${pin} ${ref}`);
      commands.push(gh(ref, 'https://spdx.dev/Document'));
    }
  }
  return [...new Set(commands)];
}
