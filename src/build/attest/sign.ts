/**
 * The attest path: an SLSA provenance statement for the index, signed keyless with Sigstore, stored
 * in GitHub's attestation store and attached to the image in every registry it was pushed to,
 * through the project's own registry client (credentials only to each registry's own origin). The
 * Sigstore libraries are imported only here, when an image is attested: the bundler puts them in
 * chunks of their own, so steps that do not attest never load them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from '../../common/run-context.js';
import { info, notice } from '../../common/runner.js';
import { attachBundle } from './attach.js';
import { sigstoreEndpoints, type SigstoreEndpoints } from './endpoints.js';
import { attestFailure, causeChain } from './failure.js';
import { subjectsOf } from './subjects.js';
import type { AttestMode } from './mode.js';
import { notStoredFailure, notStoredNotice } from './not-stored.js';
import { storeAttestation, storeNotOffered } from './store.js';

export interface AttestRequest {
  /** Image names (registry/repository, no tag) the index was pushed to. */
  images: string[];
  digest: string;
  /** A GitHub token with `attestations: write`. */
  token: string;
  /** The run: the repository, its visibility, the GitHub URLs, the runner's temporary folder. */
  ctx: RunContext;
  /** `auto` keeps the bundle in the registries alone where GitHub's store is not offered. */
  mode?: AttestMode;
  env: NodeJS.ProcessEnv;
}

export interface Attestation {
  id: string;
  url: string;
  bundlePath: string;
  endpoints: SigstoreEndpoints;
  images: string[];
  digest: string;
  durationMs: number;
  /** Why GitHub's store does not hold it (GitHub's message), when it does not. */
  notStored?: string;
}

let libraries: Promise<typeof import('@actions/attest')> | undefined;

/** Loads the Sigstore libraries once; called early (while buildx runs) when attesting is likely. */
export function loadSigstore() {
  libraries ??= import('@actions/attest');
  return libraries;
}

export async function attestImage(req: AttestRequest): Promise<Attestation> {
  const started = performance.now();
  const { env, ctx } = req;
  const endpoints = sigstoreEndpoints(ctx.visibility, ctx.serverUrl);
  const where = { ...endpoints, apiUrl: ctx.apiUrl };
  const shown = `${req.images[0]}@${req.digest}`;
  const { attest, buildSLSAProvenancePredicate } = await loadSigstore();

  const predicate = await buildSLSAProvenancePredicate().catch((err: unknown) => {
    throw attestFailure(err, 'token', shown, where);
  });
  info(`Signing the build provenance of ${req.digest} with ${endpoints.fulcioURL}`);
  const result = await attest({
    subjects: subjectsOf(req.images, req.digest),
    predicateType: predicate.type,
    predicate: predicate.params,
    token: req.token,
    sigstore: endpoints.instance,
    // Stored below, so that a store GitHub does not offer leaves the signed bundle at hand.
    skipWrite: true
  }).catch((err: unknown) => {
    throw attestFailure(err, 'sign', shown, where);
  });
  const repository = ctx.repository;
  let notStored = '';
  const id = await storeAttestation(result.bundle, req.token, { apiUrl: ctx.apiUrl, repository }).catch(
    (err: unknown) => {
      notStored = storeNotOffered(err);
      if (!notStored) throw attestFailure(err, 'store', shown, where);
      const facts = {
        githubMessage: notStored,
        repository,
        images: req.images,
        digest: req.digest,
        owner: ctx.repositoryOwner || repository.split('/')[0],
        instance: endpoints.instance
      };
      if (req.mode !== 'auto') throw new Error(notStoredFailure(facts, req.mode ?? 'true'));
      notice(notStoredNotice(facts));
      return '';
    }
  );
  const url = id ? `${ctx.serverUrl}/${ctx.repository}/attestations/${id}` : '';

  const dir = join(ctx.runnerTemp, 'push-to-image');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(
    dir,
    `attestation-${req.digest.replace(/^sha256:/, '').slice(0, 16)}.sigstore.json`
  );
  const bundle = Buffer.from(JSON.stringify(result.bundle));
  writeFileSync(bundlePath, bundle);

  // The registries are independent: attached to all at once.
  await Promise.all(
    req.images.map(async image => {
      await attachBundle(image, req.digest, bundle, predicate.type, env).catch((err: unknown) => {
        throw new Error(
          `The image ${image}@${req.digest} was pushed and signed (attestation ${id || 'not stored'}), but attaching the attestation in the registry failed: ${causeChain(err)}`
        );
      });
      info(`Attached the attestation to ${image}@${req.digest}`);
    })
  );
  return {
    id,
    url,
    bundlePath,
    endpoints,
    images: req.images,
    digest: req.digest,
    durationMs: performance.now() - started,
    ...(notStored ? { notStored } : {})
  };
}
