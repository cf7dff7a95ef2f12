/**
 * When GitHub's attestation store is not offered (user-owned private repositories, organizations
 * whose plan lacks it): with `attest: auto` the signed bundle stays in the registries and a notice
 * says why and how to verify it from there; with `attest: true` the step fails and says so (pure).
 */
import type { AttestMode } from './mode.js';

export interface NotStoredFacts {
  /** GitHub's own message ("Feature not available for user-owned private repositories. ..."). */
  githubMessage: string;
  repository: string;
  images: string[];
  digest: string;
  owner: string;
  /** The Sigstore instance that signed: GitHub's has timestamps and no transparency log. */
  instance: 'public-good' | 'github';
}

/** The verify commands that read the bundle from the registry rather than from GitHub's store. */
export function registryVerifyCommands(f: Omit<NotStoredFacts, 'githubMessage'>): string[] {
  const image = `${f.images[0]}@${f.digest}`;
  // GitHub's instance: its trusted root comes from `gh attestation trusted-root`, its bundles
  // carry a signed timestamp and no transparency-log entry.
  const github =
    f.instance === 'github'
      ? '--trusted-root github-trusted-root.json --use-signed-timestamps --insecure-ignore-tlog '
      : '';
  return [
    `gh attestation verify oci://${image} --owner ${f.owner} --bundle-from-oci`,
    `cosign verify-attestation --new-bundle-format --type https://slsa.dev/provenance/v1 ${github}` +
      `--certificate-identity-regexp '^https://github.com/${f.repository}/' ` +
      `--certificate-oidc-issuer https://token.actions.githubusercontent.com ${image}`
  ];
}

export function notStoredNotice(f: NotStoredFacts): string {
  const [gh, cosign] = registryVerifyCommands(f);
  return (
    `GitHub's attestation store is not offered for ${f.repository} (GitHub answered: ${f.githubMessage}). ` +
    `The signed provenance is attached to the image in ${f.images.join(', ')} only; verify it from the ` +
    `registry: \`${gh}\` or \`${cosign}\`` +
    (f.instance === 'github' ? ' (github-trusted-root.json: from `gh attestation trusted-root`)' : '')
  );
}

export function notStoredFailure(f: NotStoredFacts, mode: AttestMode): string {
  return (
    `The image ${f.images[0]}@${f.digest} was pushed and is unsigned: attest is "${mode}", and GitHub's ` +
    `attestation store is not offered for ${f.repository} (${f.githubMessage}). It is part of GitHub's ` +
    'plans for public repositories and for private ones of organizations on GitHub Enterprise Cloud; ' +
    'with attest: auto the signed bundle is kept in the registries only'
  );
}
