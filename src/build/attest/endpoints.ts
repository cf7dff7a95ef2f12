/**
 * The Sigstore instance an attestation is signed with, chosen as actions/attest chooses it: the
 * public-good instance (Fulcio + Rekor) for a public repository, GitHub's instance (Fulcio + a
 * timestamp authority) for private and internal ones. Visibility comes from the event payload (pure).
 */
export interface SigstoreEndpoints {
  instance: 'public-good' | 'github';
  fulcioURL: string;
  rekorURL?: string;
  tsaServerURL?: string;
}

export function sigstoreEndpoints(
  visibility: string | undefined,
  serverUrl = 'https://github.com'
): SigstoreEndpoints {
  if (visibility === 'public') {
    return {
      instance: 'public-good',
      fulcioURL: 'https://fulcio.sigstore.dev',
      rekorURL: 'https://rekor.sigstore.dev'
    };
  }
  let host = new URL(serverUrl).hostname;
  if (host === 'github.com') host = 'githubapp.com';
  return {
    instance: 'github',
    fulcioURL: `https://fulcio.${host}`,
    tsaServerURL: `https://timestamp.${host}`
  };
}
