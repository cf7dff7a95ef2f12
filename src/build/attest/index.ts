/** Attesting a pushed index: decides whether to, then signs, stores and attaches (sign.ts). */
import { readFileSync } from 'node:fs';
import { info, setOutput, warning } from '../../common/runner.js';
import { eventTrust } from '../../common/trust.js';
import { canMintToken, decideAttest, type AttestInputs } from './mode.js';
import { imageNames } from './subjects.js';
import { loadSigstore } from './sign.js';
import { publishSigned, type Published } from './publish.js';
import { recordPublished } from './record-images.js';

export { checkAttestable, readAttestInputs, type AttestInputs, type AttestMode } from './mode.js';

export type AttestOutcome = Published;

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
  const off = (inputs.attest ?? 'false') === 'false' && (inputs.sign ?? 'false') === 'false';
  if (!pushing || off || !canMintToken(env)) return;
  if (!eventTrust(env).trusted) return;
  loadSigstore().catch(() => undefined);
}

/**
 * Attests and signs `digest` in every image of `tags` (or says why not), verifies what it attached,
 * and records what was pushed; undefined when nothing was signed.
 */
export async function attestBuild(
  inputs: Partial<AttestInputs>,
  facts: { pushed: boolean; digest: string; tags: string[]; env: NodeJS.ProcessEnv }
): Promise<AttestOutcome | undefined> {
  const images = imageNames(facts.tags);
  const trust = eventTrust(facts.env);
  if (facts.pushed && facts.digest) {
    await recordPublished(images, facts.digest, {
      token: inputs.githubToken ?? '',
      trusted: trust.trusted,
      env: facts.env
    });
  }
  const decide = (name: 'attest' | 'sign') => {
    const mode = inputs[name] ?? 'false';
    const decision = decideAttest(mode, { ...facts, trust });
    const verb = name === 'attest' ? 'attesting' : 'signing';
    // `true` not honoured for what was pushed is worth a warning; anything else, a line.
    if (!decision.attest && mode === 'true' && facts.pushed) warning(`Not ${verb}: ${decision.reason}`);
    else if (!decision.attest && mode !== 'false') info(`Not ${verb}: ${decision.reason}`);
    return decision.attest;
  };
  const provenance = decide('attest');
  const sign = decide('sign');
  if (!provenance && !sign) return undefined;
  const published = await publishSigned({
    images,
    digest: facts.digest,
    token: inputs.githubToken ?? '',
    visibility: eventVisibility(facts.env),
    env: facts.env,
    provenance,
    sign,
    // With `auto`, a store GitHub does not offer leaves the bundles in the registries alone.
    mode: inputs.attest ?? 'false',
    // SBOM attestations are stored in GitHub's attestation store, as the provenance is.
    sbom: provenance && (inputs.signSboms ?? false)
  }).catch((err: unknown) => {
    // The image is out: its digest is still an output, for a later step to sign or to report.
    setOutput('digest', facts.digest);
    throw err;
  });
  const what = [
    published.provenance ? 'attested' : '',
    published.signature ? 'signed' : '',
    published.sboms.length ? `${published.sboms.length} SBOMs signed` : ''
  ].filter(Boolean);
  info(
    `${facts.digest}: ${what.join(', ')} and verified in ${(published.durationMs / 1000).toFixed(2)} s` +
      (published.provenance?.url ? `: ${published.provenance.url}` : '')
  );
  return published;
}
