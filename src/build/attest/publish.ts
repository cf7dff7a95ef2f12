/**
 * Everything the step signs for one pushed index, at once: the build provenance (index), the
 * signature (index) and a signed SBOM per platform (platform manifests); then each is read back
 * from every registry and verified against the instance's trust anchors before the step succeeds,
 * and the commands a user runs to verify the same are made.
 */
import type { RunContext } from '../../common/run-context.js';
import { readFileSync } from 'node:fs';
import { info, warning } from '../../common/runner.js';
import { imageClient } from './attach.js';
import { verifyCommands } from './commands.js';
import { sigstoreEndpoints, type SigstoreEndpoints } from './endpoints.js';
import { causeChain } from './failure.js';
import {
  bundleVerifier,
  loadVerifier,
  verifyAttached,
  type Expected,
  type VerifyBundle
} from './readback.js';
import { SPDX_PREDICATE } from '../../common/registry/sboms.js';
import { readIndexSboms, signSboms, type SbomRequest, type SignedSbom } from './sbom-sign.js';
import type { AttestMode } from './mode.js';
import { attestImage, type Attestation } from './sign.js';
import { SIGN_PREDICATE, signDigest, type Signature } from './signature.js';
import { bundleSigner, type Signer } from './summary.js';
import { fetchTrustAnchors } from './trust-anchors.js';

export const PROVENANCE_PREDICATE = 'https://slsa.dev/provenance/v1';

export interface PublishRequest {
  images: string[];
  digest: string;
  /** A GitHub token with `attestations: write` (provenance and SBOMs are stored). */
  token: string;
  /** The run: the repository, its owner and visibility, the GitHub URLs, the runner's temporary folder. */
  ctx: RunContext;
  env: NodeJS.ProcessEnv;
  provenance: boolean;
  sign: boolean;
  sbom: boolean;
  /** `auto` keeps the bundles in the registries alone where GitHub's store is not offered. */
  mode?: AttestMode;
}

export interface Published {
  /** The repository's owner (whose identity signed). */
  owner: string;
  images: string[];
  digest: string;
  endpoints: SigstoreEndpoints;
  provenance?: Attestation;
  signature?: Signature;
  sboms: SignedSbom[];
  signer?: Signer;
  /** The commands that verify what was published, pinned to the signer. */
  commands: string[];
  /** How many bundles were read back and verified. */
  verified: number;
  durationMs: number;
}

/** What must be found attached in each registry (pure). */
export function expectedBundles(
  digest: string,
  p: { provenance: boolean; signed: boolean; sboms: { digest: string }[] }
): (Expected & { what: string })[] {
  return [
    ...(p.provenance
      ? [{ subject: digest, predicateType: PROVENANCE_PREDICATE, what: 'build provenance' }]
      : []),
    ...(p.signed ? [{ subject: digest, predicateType: SIGN_PREDICATE, what: 'signature' }] : []),
    ...[...new Set(p.sboms.map(s => s.digest))].map(d => ({
      subject: d,
      predicateType: SPDX_PREDICATE,
      what: 'SBOM attestation'
    }))
  ];
}

/** Reads the index's SBOMs back from the first registry and signs each. */
function readAndSignSboms(req: PublishRequest, base: Omit<SbomRequest, 'token'>): Promise<SignedSbom[]> {
  return readIndexSboms(req.images[0], req.digest, req.env)
    .catch((err: unknown) => {
      throw new Error(
        `The image ${req.images[0]}@${req.digest} was pushed, but its SBOMs could not be read back: ${causeChain(err)}`
      );
    })
    .then(found => {
      if (found.length === 0) warning(`No SBOM attestation was found in ${req.images[0]}@${req.digest}`);
      return signSboms({ ...base, token: req.token }, found);
    });
}

/** The verifier of the signer's bundles, once the instance's trust anchors are read. */
async function verifierFor(
  req: PublishRequest,
  endpoints: SigstoreEndpoints,
  anchors: ReturnType<typeof fetchTrustAnchors>,
  signer: Signer
): Promise<VerifyBundle> {
  const read = await anchors.catch((err: unknown) => {
    throw new Error(
      `The image ${req.images[0]}@${req.digest} was pushed and signed, but the trust anchors of ${endpoints.fulcioURL} could not be read to check it: ${causeChain(err)}`
    );
  });
  return bundleVerifier(read, signer);
}

/** Reads back and verifies every expected bundle in every registry. */
async function verifyEverywhere(
  req: PublishRequest,
  expected: ReturnType<typeof expectedBundles>,
  verify: VerifyBundle
): Promise<void> {
  await Promise.all(
    req.images.flatMap(image => {
      const { client, path } = imageClient(image, req.env);
      return expected.map(e =>
        verifyAttached(client, path, e, verify).catch((err: unknown) => {
          throw new Error(
            `The image ${image}@${req.digest} was pushed and signed, but the ${e.what} of ${e.subject} read back from the registry does not verify: ${causeChain(err)}`
          );
        })
      );
    })
  );
}

export async function publishSigned(req: PublishRequest): Promise<Published> {
  const started = performance.now();
  const { env, ctx } = req;
  const endpoints = sigstoreEndpoints(ctx.visibility, ctx.serverUrl);
  // Trust anchors and the verifier load while signing runs.
  const anchors = fetchTrustAnchors(endpoints);
  anchors.catch(() => undefined);
  loadVerifier().catch(() => undefined);
  const base = { images: req.images, digest: req.digest, ctx, env };

  const [provenance, signature, sboms] = await Promise.all([
    req.provenance ? attestImage({ ...base, token: req.token, mode: req.mode }) : undefined,
    req.sign ? signDigest(base) : undefined,
    req.sbom ? readAndSignSboms(req, base) : []
  ]);

  const bundles = [
    ...(provenance ? [readFileSync(provenance.bundlePath, 'utf8')] : []),
    ...(signature ? [signature.bundle] : []),
    ...sboms.map(s => s.bundle)
  ];
  const published: Published = {
    owner: ctx.repositoryOwner,
    images: req.images,
    digest: req.digest,
    endpoints,
    provenance,
    signature,
    sboms,
    commands: [],
    verified: 0,
    durationMs: 0
  };
  if (bundles.length === 0) return { ...published, durationMs: performance.now() - started };
  const signer = bundleSigner(JSON.parse(bundles[0]));
  if (!signer)
    throw new Error(
      `The image ${req.images[0]}@${req.digest} was signed by a certificate that names no identity`
    );

  const verify = await verifierFor(req, endpoints, anchors, signer);
  const expected = expectedBundles(req.digest, { provenance: !!provenance, signed: !!signature, sboms });
  await verifyEverywhere(req, expected, verify);
  const verified = expected.length * req.images.length;
  info(`Verified ${verified} signatures and attestations read back from the registries`);
  const commands = verifyCommands(
    {
      images: req.images,
      digest: req.digest,
      owner: ctx.repositoryOwner,
      instance: endpoints.instance,
      signed: !!signature,
      provenance: !!provenance,
      sboms
    },
    signer
  );
  return { ...published, signer, commands, verified, durationMs: performance.now() - started };
}
