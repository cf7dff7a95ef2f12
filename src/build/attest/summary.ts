/** The attestation's job summary: where it is and the command that verifies it (pure). */
import { summaryTable } from '../summary.js';

export interface AttestationFacts {
  id: string;
  url: string;
  images: string[];
  digest: string;
  owner: string;
  instance: string;
  bundlePath: string;
}

export function verifyCommand(image: string, digest: string, owner: string): string {
  return `gh attestation verify oci://${image}@${digest} --owner ${owner}`;
}

export function attestationSummary(f: AttestationFacts): string {
  const rows: [string, string][] = [
    ['Attestation', f.url ? `[${f.id}](${f.url})` : f.id || '(not stored)'],
    [
      'Signed with',
      f.instance === 'public-good' ? "Sigstore's public-good instance" : "GitHub's Sigstore instance"
    ],
    ['Attached in', f.images.map(i => `\`${i}\``).join('<br>')],
    ['Verify', f.images.map(i => `\`${verifyCommand(i, f.digest, f.owner)}\``).join('<br>')]
  ];
  return summaryTable('Build provenance', rows);
}
