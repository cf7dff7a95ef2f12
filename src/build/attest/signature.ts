/**
 * A signature on an image digest as `cosign sign` writes it with its new bundle format (cosign 3's
 * default): an in-toto statement of predicate type `https://sigstore.dev/cosign/sign/v1` with an
 * empty predicate and the digest alone as subject, signed keyless into a Sigstore bundle and
 * attached to the digest in every registry. `cosign verify` checks it; admission controllers that
 * ask for a signature find it. Not stored in GitHub's attestation store (cosign does not either).
 * Exported for any path that publishes an index (build, merge, promote).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from '../../common/run-context.js';
import { info } from '../../common/runner.js';
import { attachBundle } from './attach.js';
import { sigstoreEndpoints } from './endpoints.js';
import { attestFailure, causeChain } from './failure.js';
import { loadSigstore } from './sign.js';

export const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export interface SignRequest {
  /** Image names (registry/repository) that hold `digest`. */
  images: string[];
  digest: string;
  ctx: RunContext;
  env: NodeJS.ProcessEnv;
}

export interface Signature {
  digest: string;
  images: string[];
  bundlePath: string;
  /** The bundle's JSON text. */
  bundle: string;
  durationMs: number;
}

/** The statement cosign signs for an image (pure). */
export function signStatementParts(digest: string): { subjects: { digest: Record<string, string> }[] } {
  const [algorithm, hex] = digest.split(':');
  return { subjects: [{ digest: { [algorithm]: hex } }] };
}

/** Where a bundle of this step is written (RUNNER_TEMP/push-to-image). */
export function bundleFile(runnerTemp: string, name: string): string {
  const dir = join(runnerTemp, 'push-to-image');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Signs `digest` and attaches the signature to it in every one of `images`. */
export async function signDigest(req: SignRequest): Promise<Signature> {
  const started = performance.now();
  const { env, ctx } = req;
  const endpoints = sigstoreEndpoints(ctx.visibility, ctx.serverUrl);
  const apiUrl = ctx.apiUrl;
  const shown = `${req.images[0]}@${req.digest}`;
  const { attest } = await loadSigstore();
  info(`Signing ${req.digest} with ${endpoints.fulcioURL}`);
  const result = await attest({
    subjects: signStatementParts(req.digest).subjects as { name: string; digest: Record<string, string> }[],
    predicateType: SIGN_PREDICATE,
    predicate: {},
    token: '',
    sigstore: endpoints.instance,
    skipWrite: true
  }).catch((err: unknown) => {
    throw attestFailure(err, 'sign', shown, { ...endpoints, apiUrl });
  });
  const bundle = JSON.stringify(result.bundle);
  const bundlePath = bundleFile(
    ctx.runnerTemp,
    `signature-${req.digest.replace(/^sha256:/, '').slice(0, 16)}.sigstore.json`
  );
  writeFileSync(bundlePath, bundle);
  await Promise.all(
    req.images.map(image =>
      attachBundle(image, req.digest, Buffer.from(bundle), SIGN_PREDICATE, env).then(
        () => info(`Attached the signature to ${image}@${req.digest}`),
        (err: unknown) => {
          throw new Error(
            `The image ${image}@${req.digest} was pushed and signed, but attaching the signature in the registry failed: ${causeChain(err)}`
          );
        }
      )
    )
  );
  return {
    digest: req.digest,
    images: req.images,
    bundlePath,
    bundle,
    durationMs: performance.now() - started
  };
}
