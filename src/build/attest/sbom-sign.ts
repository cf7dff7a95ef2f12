/**
 * A signed SBOM per platform: each platform's SPDX document, read back from the pushed index, is
 * signed as an in-toto attestation (predicate type `https://spdx.dev/Document`) whose subject is
 * that platform's manifest in every image, stored in GitHub's attestation store and attached to the
 * platform manifest in every registry; the document is also written to a file for scanners.
 */
import type { RunContext } from '../../common/run-context.js';
import { writeFileSync } from 'node:fs';
import { readIndexSboms as readSbomDocuments, SPDX_PREDICATE } from '../../common/registry/sboms.js';
import { info } from '../../common/runner.js';
import { attachBundle, imageClient } from './attach.js';
import { sigstoreEndpoints } from './endpoints.js';
import { attestFailure, causeChain } from './failure.js';
import { bundleFile } from './signature.js';
import { loadSigstore } from './sign.js';
import { storeAttestation, storeNotOffered } from './store.js';
import { subjectsOf } from './subjects.js';

export interface SignedSbom {
  platform: string;
  /** The platform manifest's digest. */
  digest: string;
  /** The SPDX document's file. */
  path: string;
  bundlePath: string;
  bundle: string;
  id: string;
  url: string;
}

/** A file name for a platform's SBOM: `sbom-linux-arm64-v8.spdx.json`, numbered when there are several (pure). */
export function sbomFileName(platform: string, n: number): string {
  const name = platform.replace(/[^A-Za-z0-9.]+/g, '-');
  return `sbom-${name}${n > 0 ? `-${n + 1}` : ''}.spdx.json`;
}

/** The `sbom-files` output: platform -> the file of its (first) SBOM (pure). */
export function sbomFiles(sboms: { platform: string; path: string }[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const s of sboms) files[s.platform] ??= s.path;
  return files;
}

/** One platform's SPDX document, as signed. */
export interface Sbom {
  /** `os/arch[/variant]` of the platform manifest. */
  platform: string;
  /** The platform manifest's digest: the SBOM attestation's subject. */
  digest: string;
  document: Record<string, unknown>;
}

export interface SbomRequest {
  images: string[];
  /** The index digest. */
  digest: string;
  token: string;
  ctx: RunContext;
  env: NodeJS.ProcessEnv;
}

/** Reads the SBOMs of the index from the first image's registry. */
export async function readIndexSboms(image: string, digest: string, env: NodeJS.ProcessEnv): Promise<Sbom[]> {
  const { client, path } = imageClient(image, env);
  const found = await readSbomDocuments(client, path, digest);
  return found.flatMap(s =>
    s.documents.map(document => ({ platform: s.platform, digest: s.digest, document }))
  );
}

export async function signSboms(req: SbomRequest, sboms: Sbom[]): Promise<SignedSbom[]> {
  const { env, ctx } = req;
  const endpoints = sigstoreEndpoints(ctx.visibility, ctx.serverUrl);
  const apiUrl = ctx.apiUrl;
  const { attest } = await loadSigstore();
  const seen = new Map<string, number>();
  const numbered = sboms.map(s => {
    const n = seen.get(s.platform) ?? 0;
    seen.set(s.platform, n + 1);
    return { ...s, n };
  });
  return Promise.all(
    numbered.map(async sbom => {
      const shown = `${req.images[0]}@${sbom.digest}`;
      const path = bundleFile(ctx.runnerTemp, sbomFileName(sbom.platform, sbom.n));
      writeFileSync(path, JSON.stringify(sbom.document, null, 2));
      const result = await attest({
        subjects: subjectsOf(req.images, sbom.digest),
        predicateType: SPDX_PREDICATE,
        predicate: sbom.document,
        token: req.token,
        sigstore: endpoints.instance,
        skipWrite: true
      }).catch((err: unknown) => {
        throw attestFailure(err, 'sign', shown, { ...endpoints, apiUrl });
      });
      // Stored as the provenance is; where GitHub does not offer its store, the provenance has
      // said so (or failed, with attest: true), and the bundle lives in the registries alone.
      const id = await storeAttestation(result.bundle, req.token, {
        apiUrl,
        repository: ctx.repository
      }).catch((err: unknown) => {
        if (storeNotOffered(err)) return '';
        throw attestFailure(err, 'store', shown, { ...endpoints, apiUrl });
      });
      const bundle = JSON.stringify(result.bundle);
      const bundlePath = bundleFile(
        ctx.runnerTemp,
        `sbom-${sbom.digest.replace(/^sha256:/, '').slice(0, 16)}-${sbom.n + 1}.sigstore.json`
      );
      writeFileSync(bundlePath, bundle);
      await Promise.all(
        req.images.map(image =>
          attachBundle(image, sbom.digest, Buffer.from(bundle), SPDX_PREDICATE, env).catch((err: unknown) => {
            throw new Error(
              `The image ${image}@${sbom.digest} (${sbom.platform}) was pushed and its SBOM signed (attestation ${id || 'not stored'}), but attaching it in the registry failed: ${causeChain(err)}`
            );
          })
        )
      );
      info(`Signed the ${sbom.platform} SBOM of ${sbom.digest}${id ? ` (attestation ${id})` : ''}`);
      return {
        platform: sbom.platform,
        digest: sbom.digest,
        path,
        bundlePath,
        bundle,
        id,
        url: id ? `${ctx.serverUrl}/${ctx.repository}/attestations/${id}` : ''
      };
    })
  );
}
