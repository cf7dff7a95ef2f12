/** Whether a build is attested: the `attest` input, the job's OIDC permission, and what was pushed (pure). */
import { InputError, type InputSource } from '../../common/runner.js';
import type { Trust } from '../../common/trust.js';

export const ATTEST_MODES = ['auto', 'true', 'false'] as const;
export type AttestMode = (typeof ATTEST_MODES)[number];

export const PERMISSIONS_HINT = 'add `permissions: id-token: write` and `attestations: write` to the job';

export function readAttestMode(source: InputSource, name: 'attest' | 'sign' = 'attest'): AttestMode {
  const value = (source(name) || 'auto').toLowerCase() as AttestMode;
  if (!ATTEST_MODES.includes(value)) {
    throw new InputError(`Input "${name}" must be auto, true or false, got "${source(name)}"`, [name]);
  }
  return value;
}

/**
 * Throws before anything is built when `attest: true` cannot be honoured: `canMint` is whether the
 * job can mint an OIDC token (the run context's `canMintIdToken`).
 */
export function checkAttestable(mode: AttestMode, canMint: boolean, name = 'attest'): void {
  if (mode === 'true' && !canMint) {
    throw new InputError(
      `Input "${name}" is "true" but the job cannot mint an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): ${PERMISSIONS_HINT}`,
      [name]
    );
  }
}

export interface AttestDecision {
  attest: boolean;
  reason: string;
}

/**
 * Attests only the repository's own code: a signature by this workflow's identity over what an
 * untrusted event built (even pushed with `push: true`) would vouch for code the repository never
 * had, so such builds are not attested, whatever `attest` says.
 */
export function decideAttest(
  mode: AttestMode,
  facts: { pushed: boolean; digest: string; canMint: boolean; trust: Trust }
): AttestDecision {
  if (mode === 'false') return { attest: false, reason: 'attest is false' };
  if (!facts.pushed) return { attest: false, reason: 'nothing was pushed' };
  if (!facts.trust.trusted) {
    const { event, why } = facts.trust;
    const because = why === `${event} event` ? '' : `: ${why}`;
    return { attest: false, reason: `${event} builds are not attested${because}` };
  }
  if (!facts.digest) return { attest: false, reason: 'the pushed digest is unknown' };
  if (!facts.canMint) {
    return { attest: false, reason: 'the job cannot mint an OIDC token (no `id-token: write`)' };
  }
  return {
    attest: true,
    reason: mode === 'true' ? 'attest is true' : 'pushed, and the job can mint an OIDC token'
  };
}

export interface AttestInputs {
  attest: AttestMode;
  /** A cosign signature on the index (`sign`); `auto` decides as `attest` does. */
  sign?: AttestMode;
  /** Whether BuildKit attaches SBOMs (`sbom` on): each is then signed per platform. */
  signSboms?: boolean;
  /** The token for GitHub's attestations API (`github-token`, the job's token by default). */
  githubToken: string;
}

export function readAttestInputs(source: InputSource): AttestInputs {
  return {
    attest: readAttestMode(source),
    sign: readAttestMode(source, 'sign'),
    signSboms: sbomOn(source('sbom')),
    githubToken: source('github-token')
  };
}

/** `sbom` asks BuildKit for SBOMs: any value but empty and false (pure). */
export function sbomOn(value: string): boolean {
  return value.trim() !== '' && !/^false$/i.test(value.trim());
}
