/** Attesting a pushed index: decides whether to, then signs, stores and attaches (sign.ts). */
import type { RunContext } from '../../common/run-context.js';
import { info, setOutput, warning } from '../../common/runner.js';
import type { Trust } from '../../common/trust.js';
import { decideAttest, type AttestInputs } from './mode.js';
import { imageNames } from './subjects.js';
import { loadSigstore } from './sign.js';
import { publishSigned, type Published } from './publish.js';
import { recordPublished } from './record-images.js';

export { checkAttestable, readAttestInputs, type AttestInputs, type AttestMode } from './mode.js';
export { loadSigstore } from './sign.js';

export type AttestOutcome = Published;

/**
 * Whether the index will likely be attested or signed (pushing, attest or sign not false, an OIDC
 * token at hand, the repository's own code): the Sigstore libraries then load while it builds (pure).
 */
export function attestLikely(
  inputs: Partial<AttestInputs>,
  pushing: boolean,
  facts: { canMint: boolean; trust: Trust }
): boolean {
  const off = (inputs.attest ?? 'false') === 'false' && (inputs.sign ?? 'false') === 'false';
  return pushing && !off && facts.canMint && facts.trust.trusted;
}

/** Starts loading the Sigstore libraries: their start-up then costs the release nothing. */
export function prepareAttest(): void {
  loadSigstore().catch(() => undefined);
}

/** What attestBuild needs to know of the push and the run. */
export interface AttestFacts {
  pushed: boolean;
  digest: string;
  tags: string[];
  ctx: RunContext;
  trust: Trust;
  env: NodeJS.ProcessEnv;
}

/** Whether `name` (attest or sign) is done; says why not where it was asked for. */
function decided(name: 'attest' | 'sign', inputs: Partial<AttestInputs>, facts: AttestFacts): boolean {
  const mode = inputs[name] ?? 'false';
  const decision = decideAttest(mode, { ...facts, canMint: facts.ctx.canMintIdToken });
  const verb = name === 'attest' ? 'attesting' : 'signing';
  // `true` not honoured for what was pushed is worth a warning; anything else, a line.
  if (!decision.attest && mode === 'true' && facts.pushed) warning(`Not ${verb}: ${decision.reason}`);
  else if (!decision.attest && mode !== 'false') info(`Not ${verb}: ${decision.reason}`);
  return decision.attest;
}

/**
 * Attests and signs `digest` in every image of `tags` (or says why not), verifies what it attached,
 * and records what was pushed; undefined when nothing was signed.
 */
export async function attestBuild(
  inputs: Partial<AttestInputs>,
  facts: AttestFacts
): Promise<AttestOutcome | undefined> {
  const images = imageNames(facts.tags);
  const { ctx, env } = facts;
  if (facts.pushed && facts.digest) {
    const token = inputs.githubToken ?? '';
    await recordPublished(images, facts.digest, { token, trusted: facts.trust.trusted, ctx, env });
  }
  const provenance = decided('attest', inputs, facts);
  const sign = decided('sign', inputs, facts);
  if (!provenance && !sign) return undefined;
  const published = await publishSigned({
    images,
    digest: facts.digest,
    token: inputs.githubToken ?? '',
    ctx,
    env,
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
