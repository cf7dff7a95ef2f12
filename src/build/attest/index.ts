/** Attesting a pushed index: decides whether to, then signs, stores and attaches (sign.ts). */
import { readFileSync } from 'node:fs';
import { info, setOutput, warning } from '../../common/runner.js';
import { eventTrust } from '../../common/trust.js';
import { canMintToken, decideAttest, type AttestInputs } from './mode.js';
import { imageNames } from './subjects.js';
import { attestImage, loadSigstore, type Attestation } from './sign.js';

export { checkAttestable, readAttestInputs, type AttestInputs, type AttestMode } from './mode.js';

export type AttestOutcome = Attestation;

/** The repository's visibility as the event payload gives it ('' when it does not). */
export function eventVisibility(env: NodeJS.ProcessEnv): string {
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as {
      repository?: { visibility?: string; private?: boolean };
    };
    const repo = event.repository;
    if (repo?.visibility) return repo.visibility;
    return repo?.private === false ? 'public' : '';
  } catch {
    return '';
  }
}

/**
 * Starts loading the Sigstore libraries while the image builds, when it will likely be attested
 * (pushing, attest not false, an OIDC token at hand): their start-up then costs the release nothing.
 */
export function prepareAttest(inputs: Partial<AttestInputs>, pushing: boolean, env: NodeJS.ProcessEnv): void {
  if (!pushing || (inputs.attest ?? 'false') === 'false' || !canMintToken(env)) return;
  if (!eventTrust(env).trusted) return;
  loadSigstore().catch(() => undefined);
}

/** Attests `digest` in every image of `tags` (or says why not); undefined when not attested. */
export async function attestBuild(
  inputs: Partial<AttestInputs>,
  facts: { pushed: boolean; digest: string; tags: string[]; env: NodeJS.ProcessEnv }
): Promise<AttestOutcome | undefined> {
  const mode = inputs.attest ?? 'false';
  const decision = decideAttest(mode, { ...facts, trust: eventTrust(facts.env) });
  if (!decision.attest) {
    // `attest: true` not honoured for what was pushed is worth a warning; anything else, a line.
    if (mode === 'true' && facts.pushed) warning(`Not attesting: ${decision.reason}`);
    else if (mode !== 'false') info(`Not attesting: ${decision.reason}`);
    return undefined;
  }
  const attestation = await attestImage({
    images: imageNames(facts.tags),
    digest: facts.digest,
    token: inputs.githubToken ?? '',
    visibility: eventVisibility(facts.env),
    mode,
    env: facts.env
  }).catch((err: unknown) => {
    // The image is out: its digest is still an output, for a later step to sign or to report.
    setOutput('digest', facts.digest);
    throw err;
  });
  info(
    `Attested ${facts.digest} in ${(attestation.durationMs / 1000).toFixed(2)} s` +
      (attestation.url ? `: ${attestation.url}` : '')
  );
  return attestation;
}
